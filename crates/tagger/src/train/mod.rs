//! Training: labelled-data readers, gazetteer and word-cluster building, and
//! the two-stage averaged perceptron (compiled with the `train` feature).
//!
//! Stage 1 tags each sentence from local features; stage 2 adds what
//! stage 1 said about the same word elsewhere in the document. Stage 2 is
//! trained on stage-1 output for the training documents obtained by
//! jackknifing (each fold tagged by a stage-1 model that did not see it), so
//! it learns how much to trust realistic first-stage output.

mod augment;
mod clusters;
pub mod conll;
mod gazetteer;
mod perceptron;
mod tokenize;

pub use augment::AugmentConfig;
pub use clusters::ClusterConfig;

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::decode::{spans, Transitions, N_TAGS, N_TYPES};
use crate::features::{base_features, doc_features, Aggregates, DocContext, Scope};
use crate::lexicon::Lexicon;
use crate::model::{Model, Row, Scratch, ROW, STAGE};
use crate::table::PackedTable;
use conll::LabeledDoc;
use perceptron::{Averaged, Csr, Instance, Perceptron};

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Malformed data.
    #[error("{0}")]
    Data(String),
}

impl TrainError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        TrainError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// What to train on and how.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Labelled training data (CoNLL columns or IOB2).
    pub train: Vec<PathBuf>,
    /// Gazetteer folder (the shared gazetteer file layout), if any.
    pub gazetteers: Option<PathBuf>,
    /// Unlabeled text for word clusters: JSONL files with a `text` field or
    /// plain text files. The training files' words are added too.
    pub unlabeled: Vec<PathBuf>,
    /// Seed of every random choice.
    pub seed: u64,
    /// Epochs of stage 1 (also of the jackknife models).
    pub epochs1: usize,
    /// Epochs of stage 2.
    pub epochs2: usize,
    /// Jackknife folds.
    pub folds: usize,
    /// Features seen fewer times in training are dropped.
    pub min_feature_count: u32,
    /// Feature rows whose largest weight (quantized to 16 bits) is below
    /// this are dropped: smaller, faster models at little cost.
    pub prune: i16,
    /// Perceptrons (differently shuffled) averaged into each final stage.
    pub ensemble: usize,
    /// Word-cluster settings.
    pub clusters: clusters::ClusterConfig,
    /// Casing augmentation.
    pub augment: AugmentConfig,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            train: Vec::new(),
            gazetteers: None,
            unlabeled: Vec::new(),
            seed: 1,
            epochs1: 12,
            epochs2: 12,
            folds: 5,
            min_feature_count: 1,
            prune: 800,
            ensemble: 5,
            clusters: clusters::ClusterConfig::default(),
            augment: AugmentConfig::default(),
        }
    }
}

/// Reads unlabeled text as tokenized sentences (one per line or paragraph).
fn read_unlabeled(path: &Path, out: &mut Vec<Vec<String>>) -> Result<(), TrainError> {
    let file = std::fs::File::open(path).map_err(|e| TrainError::io(path, e))?;
    let reader = std::io::BufReader::new(file);
    let jsonl = path.extension().is_some_and(|e| e == "jsonl");
    for line in reader.lines() {
        let line = line.map_err(|e| TrainError::io(path, e))?;
        let text = if jsonl {
            let v: serde_json::Value = serde_json::from_str(&line)
                .map_err(|e| TrainError::Data(format!("{}: {e}", path.display())))?;
            match v.get("text").and_then(|t| t.as_str()) {
                Some(t) => t.to_string(),
                None => continue,
            }
        } else {
            line
        };
        for para in text.split('\n') {
            let mut toks = Vec::new();
            tokenize::tokenize(para, &mut toks);
            if !toks.is_empty() {
                out.push(toks);
            }
        }
    }
    Ok(())
}

/// Builds the lexicon: gazetteers and word clusters.
pub(crate) fn build_lexicon(
    cfg: &TrainConfig,
    train_docs: &[LabeledDoc],
    log: &mut dyn FnMut(&str),
) -> Result<Lexicon, TrainError> {
    let mut lex = Lexicon::default();
    if let Some(dir) = &cfg.gazetteers {
        gazetteer::load(dir, &mut lex)?;
        log(&format!("gazetteers: {} phrase keys", lex.gazetteer.len()));
    }
    let mut sentences = Vec::new();
    for path in &cfg.unlabeled {
        read_unlabeled(path, &mut sentences)?;
    }
    for d in train_docs {
        for s in &d.sentences {
            sentences.push(d.words[s.clone()].to_vec());
        }
    }
    let n_tokens: usize = sentences.iter().map(Vec::len).sum();
    log(&format!(
        "unlabeled text: {} sentences, {n_tokens} tokens",
        sentences.len()
    ));
    lex.clusters = clusters::learn(&sentences, &cfg.clusters);
    lex.case_stats = case_stats(&sentences);
    log(&format!("word clusters: {} words", lex.clusters.len()));
    Ok(lex)
}

/// How often each word is written in lower case in mid-sentence (the first
/// word of a sentence is capitalised whatever it is).
fn case_stats(sentences: &[Vec<String>]) -> crate::table::Table {
    let mut counts: HashMap<u64, (u32, u32)> = HashMap::new();
    for s in sentences {
        for w in s.iter().skip(1) {
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            let c = counts.entry(crate::text::hash_lower(w)).or_default();
            c.1 += 1;
            if !w.chars().any(char::is_uppercase) {
                c.0 += 1;
            }
        }
    }
    let mut kept: Vec<(u64, u32)> = counts
        .into_iter()
        .filter(|&(_, (_, total))| total >= 5)
        .map(|(k, (lower, total))| (k, crate::lexicon::case_bucket(lower, total)))
        .collect();
    kept.sort_unstable();
    let mut table = crate::table::Table::with_capacity(kept.len());
    for (k, b) in kept {
        table.insert(k, b);
    }
    table
}

/// Feature keys of one document: base keys per token.
fn base_keys(lex: &Lexicon, doc: &LabeledDoc, dc: &mut DocContext) -> Vec<Vec<u64>> {
    dc.compute(
        lex,
        0,
        doc.words.as_slice(),
        &doc.sentences,
        Scope::AllTokens,
    );
    let mut out = vec![Vec::new(); doc.words.len()];
    for sent in &doc.sentences {
        for i in sent.clone() {
            base_features(dc, doc.words.as_slice(), sent.clone(), i, |k| {
                out[i].push(k)
            });
        }
    }
    out
}

fn extra_keys(
    dc: &DocContext,
    doc: &LabeledDoc,
    tags1: &[u8],
    agg: &mut Aggregates,
) -> Vec<Vec<u64>> {
    agg.compute(dc, tags1);
    let mut out = vec![Vec::new(); doc.words.len()];
    for sent in &doc.sentences {
        for i in sent.clone() {
            doc_features(agg, tags1, sent.clone(), i, |k| out[i].push(k));
        }
    }
    out
}

/// Interns keys seen at least `min` times; ids in key order.
fn intern(keys: &[Vec<Vec<u64>>], min: u32, index: &mut HashMap<u64, u32>, key_of: &mut Vec<u64>) {
    let mut count: HashMap<u64, u32> = HashMap::new();
    for doc in keys {
        for tok in doc {
            for &k in tok {
                *count.entry(k).or_default() += 1;
            }
        }
    }
    let mut kept: Vec<u64> = count
        .into_iter()
        .filter(|&(k, c)| c >= min && !index.contains_key(&k))
        .map(|(k, _)| k)
        .collect();
    kept.sort_unstable();
    for k in kept {
        index.insert(k, key_of.len() as u32);
        key_of.push(k);
    }
}

fn to_csr(keys: &[Vec<u64>], index: &HashMap<u64, u32>) -> Csr {
    let mut csr = Csr::new();
    for tok in keys {
        csr.push(tok.iter().filter_map(|k| index.get(k).copied()));
    }
    csr
}

/// Trains a model; `log` receives progress lines.
pub fn train(cfg: &TrainConfig, log: &mut dyn FnMut(&str)) -> Result<Model, TrainError> {
    let started = std::time::Instant::now();
    let mut docs = Vec::new();
    for path in &cfg.train {
        docs.extend(conll::read_file(path)?);
    }
    if docs.is_empty() {
        return Err(TrainError::Data("no training documents".into()));
    }
    let n_tokens: usize = docs.iter().map(|d| d.words.len()).sum();
    log(&format!(
        "training data: {} documents, {n_tokens} tokens",
        docs.len()
    ));
    let lexicon = build_lexicon(cfg, &docs, log)?;
    // Re-cased copies; `orig[d]` is the document a copy was made from.
    let n_orig = docs.len();
    let mut orig: Vec<usize> = (0..n_orig).collect();
    // A word is a known name if news writes it capitalised (a gazetteer
    // alone is not enough: it holds many common words).
    let known = |w: &str| {
        let key = crate::text::hash_lower(w);
        lexicon.case_stats.get(key).is_some_and(|b| b <= 2)
    };
    for c in 0..cfg.augment.copies {
        for d in 0..n_orig {
            let seed = crate::text::mix(cfg.seed ^ ((c as u64) << 32 | d as u64));
            docs.push(augment::recase(&docs[d], &cfg.augment, seed, &known));
            orig.push(d);
        }
    }
    if docs.len() > n_orig {
        log(&format!("re-cased copies: {}", docs.len() - n_orig));
    }
    log(&format!(
        "lexicon built in {:.1} s",
        started.elapsed().as_secs_f64()
    ));

    let mut dc = DocContext::default();
    let base: Vec<Vec<Vec<u64>>> = docs
        .iter()
        .map(|d| base_keys(&lexicon, d, &mut dc))
        .collect();
    let mut index = HashMap::new();
    let mut key_of = Vec::new();
    intern(&base, cfg.min_feature_count, &mut index, &mut key_of);
    let n_base = key_of.len();
    log(&format!("stage-1 features: {n_base}"));
    let mut instances: Vec<Instance> = docs
        .iter()
        .zip(&base)
        .map(|(d, keys)| Instance {
            sentences: d.sentences.clone(),
            gold: d.tags(),
            feats: vec![to_csr(keys, &index)],
        })
        .collect();

    // Jackknifed stage-1 tags of the training documents (a re-cased copy
    // is in the fold of its original).
    let all: Vec<usize> = (0..docs.len()).collect();
    let mut order: Vec<usize> = (0..n_orig).collect();
    {
        let mut rng = cfg.seed ^ 0xf01d;
        for i in (1..order.len()).rev() {
            rng = crate::text::mix(rng.wrapping_add(i as u64));
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
    }
    let folds = cfg.folds.max(2);
    let mut fold_of_orig = vec![0; n_orig];
    for (pos, &d) in order.iter().enumerate() {
        fold_of_orig[d] = pos % folds;
    }
    let mut tags1: Vec<Vec<u8>> = vec![Vec::new(); docs.len()];
    for fold in 0..folds {
        let held: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&d| fold_of_orig[orig[d]] == fold)
            .collect();
        let rest: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&d| fold_of_orig[orig[d]] != fold)
            .collect();
        let mut p = Perceptron::new(n_base);
        p.train(
            &instances,
            &rest,
            cfg.epochs1,
            cfg.seed.wrapping_add(fold as u64),
        );
        let avg = p.averaged();
        for &d in &held {
            perceptron::predict(&avg, &instances[d], &mut tags1[d]);
        }
        log(&format!(
            "jackknife fold {}/{folds}: {:.1} s",
            fold + 1,
            started.elapsed().as_secs_f64()
        ));
    }
    let gold_spans: usize = docs.iter().map(|d| d.entities.len()).sum();
    let (tp, pred) = docs.iter().zip(&tags1).fold((0, 0), |(tp, np), (d, t)| {
        let mut found = Vec::new();
        spans(t, |a, b, ty| found.push((a, b, ty)));
        let hit = found.iter().filter(|s| d.entities.contains(s)).count();
        (tp + hit, np + found.len())
    });
    log(&format!(
        "jackknife stage-1 F1 on training data: {:.2}",
        f1(tp, pred, gold_spans) * 100.0
    ));

    // Stage-2 features.
    let mut agg = Aggregates::default();
    let extra: Vec<Vec<Vec<u64>>> = docs
        .iter()
        .zip(&tags1)
        .map(|(d, t)| {
            dc.compute(
                &lexicon,
                0,
                d.words.as_slice(),
                &d.sentences,
                Scope::AllTokens,
            );
            extra_keys(&dc, d, t, &mut agg)
        })
        .collect();
    intern(&extra, cfg.min_feature_count, &mut index, &mut key_of);
    let n_all = key_of.len();
    log(&format!("stage-2 features: {} more", n_all - n_base));

    let avg1 = bagged(
        &instances,
        &all,
        n_base,
        cfg.epochs1,
        cfg.seed.wrapping_add(100),
        cfg.ensemble,
    );
    log(&format!(
        "stage 1 trained: {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    for (inst, keys) in instances.iter_mut().zip(&extra) {
        inst.feats.push(to_csr(keys, &index));
    }
    let avg2 = bagged(
        &instances,
        &all,
        n_all,
        cfg.epochs2,
        cfg.seed.wrapping_add(200),
        cfg.ensemble,
    );
    log(&format!(
        "stage 2 trained: {:.1} s",
        started.elapsed().as_secs_f64()
    ));

    let model = assemble(lexicon, &key_of, n_base, &avg1, &avg2, cfg.prune);
    log(&format!(
        "model: {} feature rows, trained in {:.1} s",
        model.features.len(),
        started.elapsed().as_secs_f64()
    ));
    Ok(model)
}

/// The mean of `k` averaged perceptrons trained on differently shuffled
/// data: still one linear model, a little more stable than any of them.
fn bagged(
    instances: &[Instance],
    docs: &[usize],
    n_feats: usize,
    epochs: usize,
    seed: u64,
    k: usize,
) -> Averaged {
    let mut sum: Option<Averaged> = None;
    for r in 0..k.max(1) {
        let mut p = Perceptron::new(n_feats);
        p.train(instances, docs, epochs, seed.wrapping_add(r as u64 * 7919));
        let avg = p.averaged();
        sum = Some(match sum {
            None => avg,
            Some(mut acc) => {
                for (a, b) in acc.w.iter_mut().zip(&avg.w) {
                    *a += b;
                }
                for (a, b) in acc.t.iter_mut().zip(&avg.t) {
                    *a += b;
                }
                acc
            }
        });
    }
    let mut avg = sum.expect("at least one model");
    let n = k.max(1) as f64;
    avg.w
        .iter_mut()
        .chain(avg.t.iter_mut())
        .for_each(|x| *x /= n);
    avg
}

/// Quantizes both stages into one table of rows, dropping all-zero rows.
fn assemble(
    lexicon: Lexicon,
    key_of: &[u64],
    n_base: usize,
    avg1: &Averaged,
    avg2: &Averaged,
    prune: i16,
) -> Model {
    // The largest weight relative to tag O's (see below), or transition.
    let scale = |avg: &Averaged| {
        let max = avg
            .w
            .chunks_exact(N_TAGS)
            .flat_map(|r| r[1..].iter().map(move |&x| x - r[0]))
            .chain(avg.t.iter().copied())
            .fold(0f64, |m, x| m.max(x.abs()));
        if max > 0.0 {
            f64::from(i16::MAX - 1) / max
        } else {
            1.0
        }
    };
    let (s1, s2) = (scale(avg1), scale(avg2));
    let q = |x: f64, s: f64| (x * s).round() as i16;
    let mut kept = Vec::new();
    let mut weights = Vec::new();
    let mut row = [0i16; ROW];
    // Weights relative to tag O's (see `model::STAGE`).
    let relative = |w: &[f64], f: usize, t: usize| w[f * N_TAGS + 1 + t] - w[f * N_TAGS];
    for (f, &key) in key_of.iter().enumerate() {
        row.fill(0);
        if f < n_base {
            for (t, w) in row[..STAGE].iter_mut().enumerate() {
                *w = q(relative(&avg1.w, f, t), s1);
            }
        }
        for (t, w) in row[STAGE..].iter_mut().enumerate() {
            *w = q(relative(&avg2.w, f, t), s2);
        }
        if row.iter().all(|&w| w.unsigned_abs() < prune.max(1) as u16) {
            continue;
        }
        kept.push(key);
        weights.push(Row(row));
    }
    let mut features = PackedTable::with_capacity(kept.len());
    for (row, key) in kept.into_iter().enumerate() {
        features.insert(key, row as u32);
    }
    let trans = |avg: &Averaged, s: f64| -> Transitions { avg.transitions(s) };
    Model {
        id: crate::model::next_model_id(),
        lexicon,
        features,
        weights,
        trans: [trans(avg1, s1), trans(avg2, s2)],
        about: String::new(),
    }
}

fn f1(tp: usize, pred: usize, gold: usize) -> f64 {
    let p = if pred > 0 {
        tp as f64 / pred as f64
    } else {
        0.0
    };
    let r = if gold > 0 {
        tp as f64 / gold as f64
    } else {
        0.0
    };
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// Entity-level scores of a model on labelled documents with their gold
/// tokenization.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Per type (PER, ORG, LOC, MISC): true positives, predicted, gold.
    pub counts: [(usize, usize, usize); N_TYPES],
}

impl Scores {
    /// Micro F1 over all types, in percent.
    pub fn f1(&self) -> f64 {
        let (tp, p, g) = self
            .counts
            .iter()
            .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
        f1(tp, p, g) * 100.0
    }

    /// F1 of one type, in percent.
    pub fn type_f1(&self, ty: usize) -> f64 {
        let (tp, p, g) = self.counts[ty];
        f1(tp, p, g) * 100.0
    }
}

/// Scores `model` on `docs` (both stages, gold tokens and sentences). When
/// the gold has no MISC entity at all (UNER), MISC predictions are ignored,
/// as the reference scorer does. Up to `show_errors` sentences with wrong or
/// missed spans are passed to `errors`.
pub fn evaluate(
    model: &Model,
    docs: &[LabeledDoc],
    show_errors: usize,
    errors: &mut dyn FnMut(String),
) -> Scores {
    let mut scores = Scores::default();
    let mut sc = Scratch::default();
    let has_misc = docs.iter().any(|d| d.entities.iter().any(|e| e.2 == 3));
    let mut shown = 0;
    let names = ["PER", "ORG", "LOC", "MISC"];
    for d in docs {
        model.tag(d.words.as_slice(), &d.sentences, &mut sc);
        let mut found = Vec::new();
        spans(&sc.tags, |a, b, ty| {
            if has_misc || ty != 3 {
                found.push((a, b, ty))
            }
        });
        for sent in &d.sentences {
            if shown >= show_errors {
                break;
            }
            let wrong: Vec<String> = found
                .iter()
                .filter(|e| sent.contains(&e.0) && !d.entities.contains(e))
                .map(|&(a, b, ty)| format!("+{}[{}]", names[ty], d.words[a..b].join(" ")))
                .chain(
                    d.entities
                        .iter()
                        .filter(|e| sent.contains(&e.0) && !found.contains(e))
                        .map(|&(a, b, ty)| format!("-{}[{}]", names[ty], d.words[a..b].join(" "))),
                )
                .collect();
            if !wrong.is_empty() {
                shown += 1;
                errors(format!(
                    "{}\n    {}",
                    d.words[sent.clone()].join(" "),
                    wrong.join("  ")
                ));
            }
        }
        for &(a, b, ty) in &found {
            scores.counts[ty].1 += 1;
            if d.entities.contains(&(a, b, ty)) {
                scores.counts[ty].0 += 1;
            }
        }
        for &(_, _, ty) in &d.entities {
            scores.counts[ty].2 += 1;
        }
    }
    scores
}

impl Model {
    /// Sets the provenance text stored in the model.
    pub fn set_about(&mut self, about: String) {
        self.about = about;
    }
}
