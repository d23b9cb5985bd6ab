//! Tagging throughput (features, both decoding stages, rules and clusters)
//! on one thread over news text, and model load time.
//!
//! Reads `../shared/data/corpus/bbc.jsonl` (relative to the workspace root);
//! without it the tagging bench is skipped with a note. Documents are
//! segmented once, outside the timed loop.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use document::{Document, Stage};
use tagger::{Model, Tagger};

/// About 1 MB of text: enough for stable numbers, quick to run.
const MAX_BYTES: usize = 1_000_000;

fn corpus() -> Option<Vec<Document>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/corpus/bbc.jsonl"
    );
    let text = std::fs::read_to_string(path).ok()?;
    let segmenter = segmenter::Segmenter::new();
    let mut docs = Vec::new();
    let mut bytes = 0;
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let body = v["text"].as_str()?.to_string();
        bytes += body.len();
        let mut doc = Document::new(n.to_string(), "bench", body);
        segmenter.process(&mut doc).ok()?;
        docs.push(doc);
        if bytes >= MAX_BYTES {
            break;
        }
    }
    Some(docs)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("tagger");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(tagger::bundled_model_bytes().len() as u64));
    group.bench_function("load_model", |b| {
        b.iter(|| Model::from_bytes(tagger::bundled_model_bytes()).unwrap())
    });
    let Some(mut docs) = corpus() else {
        eprintln!("note: ../shared/data/corpus/bbc.jsonl not found; tagging bench skipped");
        return;
    };
    let tagger = Tagger::new();
    let n_tokens: usize = docs.iter().map(|d| d.tokens.len()).sum();
    let n_bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    eprintln!(
        "corpus slice: {} documents, {n_bytes} bytes, {n_tokens} tokens",
        docs.len()
    );
    group.throughput(Throughput::Elements(n_tokens as u64));
    group.bench_function("tag_bbc_tokens", |b| {
        b.iter(|| {
            for doc in docs.iter_mut() {
                tagger.process(doc).unwrap();
            }
        })
    });
    group.throughput(Throughput::Bytes(n_bytes as u64));
    group.bench_function("tag_bbc_bytes", |b| {
        b.iter(|| {
            for doc in docs.iter_mut() {
                tagger.process(doc).unwrap();
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
