//! `cargo xtask train-quotes`: learns the quote stage's cue statistics from
//! PolNeAR train and writes `crates/quotes/data/cue_stats.tsv`.
//!
//! Every article runs through the segmenter and the tagger, then the quote
//! stage lists all its candidates without dropping any (permissive mode),
//! each indirect or mixed one with its cue key (lemma, form, pattern, quoted
//! or not). Candidates are matched to the gold attributions as the scorer
//! does (all attributions, 0.5 overlap); per key, matched ones count as `tp`
//! and the others as `fp`. The precision threshold is then chosen on train
//! by running the real stage with each threshold of a grid and keeping the
//! one with the best mean of dm@0.5 and all@0.5 F1.
//!
//! ```text
//! cargo xtask train-quotes [--data DIR] [--out FILE]
//! ```
//!
//! Only counts are written, never text.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use document::{Document, Quote, Stage};
use quotes::{CueKey, CueStats, QuoteAttributor};

use crate::eval_quotes::{self, GoldDoc, Pred};

/// Thresholds tried.
const GRID: &[f64] = &[0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60];

/// The quotes of a document as the scorer reads them.
fn preds_of(doc: &Document, quotes: impl Iterator<Item = Quote>) -> Vec<Pred> {
    let offsets = doc.char_offsets();
    let chars: Vec<char> = doc.text.chars().collect();
    quotes
        .map(|q| {
            let whole = offsets.span(q.span);
            let parts: Vec<(usize, usize)> = if q.parts.is_empty() {
                vec![whole]
            } else {
                q.parts.iter().map(|p| offsets.span(*p)).collect()
            };
            let (parts, _) = eval_quotes::norm_parts(&chars, &parts);
            Pred {
                parts,
                outer: Some(eval_quotes::norm(&chars, whole.0, whole.1)),
                kind: q.kind.as_str().to_string(),
                spk: q.speaker.map(|s| offsets.span(s)),
                cue: q.cue.map(|s| offsets.span(s)),
            }
        })
        .collect()
}

/// Runs the segmenter and the tagger.
fn prepare(gold: &GoldDoc) -> Result<Document> {
    let mut doc = Document::new(gold.id.clone(), "polnear", gold.text.clone());
    doc.title = gold.title.clone();
    segmenter::Segmenter::new()
        .process(&mut doc)
        .map_err(|e| anyhow::anyhow!("segmenter on {}: {e}", gold.id))?;
    tagger::Tagger::new()
        .process(&mut doc)
        .map_err(|e| anyhow::anyhow!("tagger on {}: {e}", gold.id))?;
    Ok(doc)
}

/// `cargo xtask train-quotes [...]`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut data = eval_quotes::default_data(root);
    let mut out = root.join("crates/quotes/data/cue_stats.tsv");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--data" => data = PathBuf::from(it.next().context("--data needs a value")?),
            "--out" => out = PathBuf::from(it.next().context("--out needs a value")?),
            other => bail!("unknown argument {other:?} (use --data, --out)"),
        }
    }
    let (golds, _) = eval_quotes::load(&data, "polnear-train")?;
    eprintln!("train: {} articles", golds.len());
    let docs: Vec<Document> = golds.iter().map(prepare).collect::<Result<_>>()?;

    // Count candidates per key.
    let permissive = QuoteAttributor::with_cue_stats(&CueStats::empty());
    let mut counts: HashMap<CueKey, (u32, u32)> = HashMap::new();
    for (gold, doc) in golds.iter().zip(&docs) {
        let cands = permissive.candidates(doc);
        let preds = preds_of(doc, cands.iter().map(|c| c.quote.clone()));
        let all_golds: Vec<_> = gold.golds.iter().collect();
        let pred_refs: Vec<&Pred> = preds.iter().collect();
        let matched = eval_quotes::match_quotes(&all_golds, &pred_refs, Some(0.5));
        let hit: std::collections::HashSet<usize> = matched.values().copied().collect();
        for (pi, c) in cands.iter().enumerate() {
            if let Some(key) = &c.key {
                let e = counts.entry(key.clone()).or_default();
                if hit.contains(&pi) {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
    }
    let (tp, fp) = counts.values().fold((0, 0), |a, c| (a.0 + c.0, a.1 + c.1));
    eprintln!(
        "{} cue keys, {tp} matched and {fp} unmatched candidates",
        counts.len()
    );

    // Choose the threshold on train with the real stage.
    let mut best: Option<(f64, f64)> = None;
    eprintln!("threshold  dm@0.5 F1  all@0.5 F1");
    for &threshold in GRID {
        let stats = CueStats::from_counts(counts.clone(), threshold);
        let stage = QuoteAttributor::with_cue_stats(&stats);
        let preds: Vec<Vec<Pred>> = docs
            .iter()
            .map(|doc| preds_of(doc, stage.find(doc).into_iter()))
            .collect();
        let s = eval_quotes::score(&golds, &preds);
        let objective = (s.dm.at05.f1() + s.all.at05.f1()) / 2.0;
        eprintln!(
            "{threshold:9.2}  {:9.3}  {:10.3}",
            s.dm.at05.f1(),
            s.all.at05.f1()
        );
        if best.map_or(true, |(_, b)| objective > b) {
            best = Some((threshold, objective));
        }
    }
    let (threshold, _) = best.context("empty grid")?;
    let stats = CueStats::from_counts(counts, threshold);
    std::fs::write(&out, stats.to_tsv())
        .with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!("threshold {threshold:.2}; wrote {}", out.display());
    Ok(())
}
