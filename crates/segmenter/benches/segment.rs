//! Throughput on the BBC news corpus (`../shared/data/corpus/bbc.jsonl`, or
//! the JSONL file named by `SEGMENTER_BENCH_CORPUS`), one thread, in the same
//! run: sentences alone, sentences and tokens, and the `sentencex` crate's
//! English sentence splitter for comparison. Skips with a note when the
//! corpus is absent.
//!
//! `cargo bench -p segmenter --bench segment`

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The texts of the corpus, or `None` (with a note) when it is absent.
fn corpus() -> Option<Vec<String>> {
    let path = std::env::var_os("SEGMENTER_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/corpus/bbc.jsonl")
        });
    let Ok(data) = std::fs::read_to_string(&path) else {
        eprintln!(
            "note: {} not found (set SEGMENTER_BENCH_CORPUS to a JSONL file with \"text\" fields); skipping the segmenter bench",
            path.display()
        );
        return None;
    };
    let texts: Vec<String> = data
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|record| record["text"].as_str().map(String::from))
        .collect();
    if texts.is_empty() {
        eprintln!(
            "note: no texts in {}; skipping the segmenter bench",
            path.display()
        );
        return None;
    }
    Some(texts)
}

fn bench(c: &mut Criterion) {
    let Some(texts) = corpus() else {
        return;
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("bbc");
    group
        .throughput(Throughput::Bytes(bytes as u64))
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("sentences", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(segmenter::sentences(black_box(text)));
            }
        })
    });
    group.bench_function("sentences+tokens", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(segmenter::segment(black_box(text)));
            }
        })
    });
    group.bench_function("sentencex", |b| {
        b.iter(|| {
            for text in &texts {
                black_box(sentencex::segment("en", black_box(text)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
