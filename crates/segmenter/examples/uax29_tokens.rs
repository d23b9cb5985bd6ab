//! A peer for `cargo xtask eval segment --set tokens`: Unicode word bounds
//! (UAX #29, the `unicode-segmentation` crate) as tokens, each input one
//! sentence, in the pipeline's JSONL contract (code-point offsets).
//!
//! ```text
//! cargo build --release -p segmenter --example uax29_tokens
//! cargo xtask eval segment --set tokens --binary target/release/examples/uax29_tokens
//! ```
//!
//! Reads `{"id", "text"}` lines on stdin; ignores its arguments.

use std::io::{BufRead, Write};

use unicode_segmentation::UnicodeSegmentation;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = serde_json::from_str(&line)?;
        let text = record["text"].as_str().unwrap_or_default();
        // Byte offset -> code-point offset.
        let mut chars_before = vec![0usize; text.len() + 1];
        let mut count = 0;
        for (at, c) in text.char_indices() {
            for slot in &mut chars_before[at..at + c.len_utf8()] {
                *slot = count;
            }
            count += 1;
        }
        chars_before[text.len()] = count;
        let tokens: Vec<[usize; 2]> = text
            .split_word_bound_indices()
            .filter(|(_, word)| !word.trim().is_empty())
            .map(|(at, word)| [chars_before[at], chars_before[at + word.len()]])
            .collect();
        let sentences = if text.trim().is_empty() {
            serde_json::json!([])
        } else {
            serde_json::json!([{ "start": 0, "end": count, "tokens": tokens }])
        };
        let reply = serde_json::json!({
            "id": record["id"], "text": text, "sentences": sentences,
            "entities": [], "clusters": [], "quotes": [],
        });
        writeln!(out, "{reply}")?;
    }
    out.flush()?;
    Ok(())
}
