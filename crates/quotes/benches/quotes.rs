//! Throughput of the quote stage alone, on the BBC corpus.
//!
//! The segmenter and the tagger run once, outside the timed loop; the loop
//! times only `QuoteAttributor::find` over every article, and reports bytes
//! of article text per second. The corpus (`../shared/data/corpus/bbc.jsonl`
//! beside the workspace) is not part of the repository: without it the bench
//! prints a note and measures nothing.

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use document::{Document, Stage};
use quotes::QuoteAttributor;

fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/corpus/bbc.jsonl")
}

/// The corpus, segmented and tagged, or `None` when it is absent.
fn prepared() -> Option<Vec<Document>> {
    let text = std::fs::read_to_string(corpus_path()).ok()?;
    let segmenter = segmenter::Segmenter::new();
    let tagger = tagger::Tagger::new();
    let mut docs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Ok(rec) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(body) = rec["text"].as_str() else {
            continue;
        };
        let mut doc = Document::new(n.to_string(), "bbc", body);
        segmenter.process(&mut doc).ok()?;
        tagger.process(&mut doc).ok()?;
        docs.push(doc);
    }
    Some(docs)
}

fn quote_stage(c: &mut Criterion) {
    let Some(docs) = prepared() else {
        eprintln!(
            "note: {} not found; the quote-stage bench is skipped",
            corpus_path().display()
        );
        return;
    };
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let stage = QuoteAttributor::new();
    let mut group = c.benchmark_group("quotes");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("bbc_quote_stage", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for doc in &docs {
                n += stage.find(black_box(doc)).len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, quote_stage);
criterion_main!(benches);
