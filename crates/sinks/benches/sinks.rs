//! Throughput of each output format on synthetic, fully annotated news
//! articles (~4 KB of text, ~50 entities, ~7 quotes each): the writer is a
//! single thread, so a format slower than the stages would cap the run.
//!
//! `cargo bench -p sinks` (no data needed).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use document::{Cluster, Document, Entity, Label, Quote, QuoteKind, Sentence, Span};
use sinks::{CsvSink, CsvTable, HtmlSink, JsonSink, JsonlSink, Sink, SqliteSink};

const SENTENCE: &str = "NATO Secretary General Jens Stoltenberg said on Thursday in Oslo \
that \u{201c}the alliance will support Ukraine with $1.5bn\u{201d}, adding Russia must not win. ";
const SENTENCES_PER_DOC: usize = 28;
const DOCS: usize = 200;

/// One article: the sentence repeated, every name an entity, a quote in
/// every fourth sentence.
fn article(i: usize) -> Document {
    let mut doc = Document::new(
        format!("doc-{i}"),
        "bench",
        SENTENCE.repeat(SENTENCES_PER_DOC),
    );
    doc.title = Some(format!("Article {i}"));
    doc.clusters.push(Cluster {
        name: "Jens Stoltenberg".into(),
        label: Label::Person,
        mentions: vec![],
        titles: vec!["NATO Secretary General".into()],
    });
    for s in 0..SENTENCES_PER_DOC {
        let base = s * SENTENCE.len();
        let at = |w: &str| {
            let start = base + SENTENCE.find(w).expect("word in sentence");
            Span::new(start, start + w.len())
        };
        doc.sentences.push(Sentence {
            span: Span::new(base, base + SENTENCE.len() - 1),
            tokens: 0..0,
            paragraph_idx: 0,
        });
        for (word, label) in [
            ("NATO", Label::Org),
            ("Jens Stoltenberg", Label::Person),
            ("Thursday", Label::Date),
            ("Oslo", Label::Loc),
            ("Ukraine", Label::Loc),
            ("$1.5bn", Label::Money),
        ] {
            let cluster = (label == Label::Person).then_some(0);
            if cluster.is_some() {
                doc.clusters[0].mentions.push(doc.entities.len() as u32);
            }
            doc.entities.push(Entity {
                span: at(word),
                label,
                tokens: 0..0,
                sentence_idx: s as u32,
                cluster,
            });
        }
        if s % 4 == 0 {
            doc.quotes.push(Quote {
                span: at("the alliance will support Ukraine with $1.5bn"),
                kind: QuoteKind::Direct,
                parts: vec![],
                cue: Some(at("said")),
                speaker: Some(at("Jens Stoltenberg")),
                cluster: Some(0),
                speaker_name: Some("Jens Stoltenberg".into()),
            });
        }
    }
    doc
}

fn write_all(sink: &mut dyn Sink, docs: &[sinks::Outcome]) {
    for doc in docs {
        sink.write(doc).expect("write");
    }
    sink.finish().expect("finish");
}

fn formats(c: &mut Criterion) {
    let docs: Vec<sinks::Outcome> = (0..DOCS).map(|i| Ok(article(i))).collect();
    let bytes: usize = docs.iter().flatten().map(|d| d.text.len()).sum();
    let mut group = c.benchmark_group("sinks");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("jsonl", |b| {
        b.iter(|| write_all(&mut JsonlSink::new(Vec::with_capacity(1 << 24)), &docs))
    });
    group.bench_function("json", |b| {
        b.iter(|| write_all(&mut JsonSink::new(Vec::with_capacity(1 << 24)), &docs))
    });
    group.bench_function("csv_quotes", |b| {
        b.iter(|| write_all(&mut CsvSink::new(Vec::new(), CsvTable::Quotes), &docs))
    });
    group.bench_function("csv_entities", |b| {
        b.iter(|| write_all(&mut CsvSink::new(Vec::new(), CsvTable::Entities), &docs))
    });
    group.bench_function("html", |b| {
        b.iter(|| write_all(&mut HtmlSink::new(Vec::with_capacity(1 << 24)), &docs))
    });
    // A new database file each time, renamed into place by finish like a
    // real output.
    let dir = std::env::temp_dir().join(format!("sinks-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("bench folder");
    let path = dir.join("corpus.db");
    group.bench_function("sqlite", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&path);
            },
            |()| write_all(&mut SqliteSink::open(&path, false).expect("open"), &docs),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, formats);
criterion_main!(benches);
