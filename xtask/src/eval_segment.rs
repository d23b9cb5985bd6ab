//! `cargo xtask eval segment`: sentence-segmentation and tokenization scores of
//! the release `pipeline` binary, run as a black box
//! (`target/release/pipeline --input - --tokens`) exactly as
//! `../shared/tools/eval_segment.py --system "..."` runs it, with the same
//! metrics to the last digit:
//!
//! * `golden48`, `golden52`: a case passes iff the list of stripped predicted
//!   sentences equals the gold list (golden52 also collapses whitespace runs).
//! * `ewt-dev`, `gum-dev` (and `ewt-test`, `gum-test` when present): one input
//!   per whole document; boundary P/R/F1 (a sentence end counts by the number
//!   of non-whitespace chars before it, the document's end excluded) and
//!   exact-sentence P/R/F1 of the trimmed spans, micro-summed.
//! * `tokens` (this tool only): each paragraph of `ud_en_{ewt,gum}/dev.paragraphs.jsonl`
//!   is one input; the gold tokens are located left to right in the paragraph
//!   text, and token-span P/R/F1 compares the sets of predicted and gold
//!   (start, end) spans. Two views of the gold: `surface`, the tokens as the
//!   file gives them (UD's surface tokens, where `Russia's` and `don't` are one
//!   token each), and `words`, the same with English clitics split off as UD's
//!   syntactic words are (`Russia` `'s`, `do` `n't`, `can` `not`, `gon` `na`,
//!   `players` `'`). The segmenter splits possessives only, so it sits
//!   between the two views; `surface` is the headline figure.
//!
//! Whitespace means what Python's `str.isspace` means; offsets are code points.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::score::Prf;
use crate::{build_release_pipeline, root};

const USAGE: &str = "\
usage: cargo xtask eval segment [--set S[,S...]|all] [--data DIR] [--binary PATH] [--json]

sets: golden48 golden52 ewt-dev gum-dev ewt-test gum-test tokens
      (default golden48,golden52,ewt-dev,gum-dev,tokens; all = every set whose file exists)
--data DIR     segmentation data (default ../shared/data/segmentation)
--binary PATH  score this binary instead of building target/release/pipeline
--json         print the metrics as one JSON object (eval_segment.py --json's layout)";

const DEFAULT_SETS: &str = "golden48,golden52,ewt-dev,gum-dev,tokens";

/// Files of the sentence sets, as in eval_segment.py.
const SENTENCE_SETS: [(&str, &str); 6] = [
    ("golden48", "golden_rules_en.jsonl"),
    ("golden52", "golden_rules_en_ps52.jsonl"),
    ("ewt-dev", "ud_en_ewt/dev.docs.jsonl"),
    ("gum-dev", "ud_en_gum/dev.docs.jsonl"),
    ("ewt-test", "ud_en_ewt/test.docs.jsonl"),
    ("gum-test", "ud_en_gum/test.docs.jsonl"),
];

/// Files of the token sets.
const TOKEN_SETS: [(&str, &str); 2] = [
    ("ewt-dev", "ud_en_ewt/dev.paragraphs.jsonl"),
    ("gum-dev", "ud_en_gum/dev.paragraphs.jsonl"),
];

struct Options {
    sets: Vec<String>,
    data: PathBuf,
    binary: Option<PathBuf>,
    json: bool,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut sets = DEFAULT_SETS.to_string();
    let mut data = root().join("../shared/data/segmentation");
    let mut binary = None;
    let mut json = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--set" => sets = value()?.clone(),
            "--data" => data = value()?.into(),
            "--binary" => binary = Some(value()?.into()),
            "--json" => json = true,
            "-h" | "--help" => {
                eprintln!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    let known: Vec<&str> = SENTENCE_SETS
        .iter()
        .map(|s| s.0)
        .chain(["tokens"])
        .collect();
    let sets: Vec<String> = if sets == "all" {
        SENTENCE_SETS
            .iter()
            .filter(|(_, file)| data.join(file).exists())
            .map(|(name, _)| name.to_string())
            .chain(["tokens".to_string()])
            .collect()
    } else {
        sets.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    if let Some(bad) = sets.iter().find(|s| !known.contains(&s.as_str())) {
        bail!(
            "unknown set {bad:?}; choose from {} or all",
            known.join(", ")
        );
    }
    if sets.is_empty() {
        bail!("no sets chosen\n{USAGE}");
    }
    Ok(Options {
        sets,
        data,
        binary,
        json,
    })
}

/// Entry point.
pub fn eval_segment(args: &[String]) -> Result<()> {
    let options = parse(args)?;
    if !options.data.exists() {
        bail!(
            "{} not found: pass --data DIR holding the segmentation data",
            options.data.display()
        );
    }
    let binary = match &options.binary {
        Some(path) => path.clone(),
        None => build_release_pipeline()?,
    };
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut summary = vec!["segment".to_string()];
    let mut missing_total = 0;
    let mut token_rows = Vec::new();
    let mut report = serde_json::Map::new();
    for name in &options.sets {
        if name == "tokens" {
            token_rows = score_tokens(&binary, &options.data, &mut notes, &mut missing_total)?;
            for row in &token_rows {
                report.insert(format!("tokens-{}", row.cells[0]), row.json.clone());
            }
            continue;
        }
        let file = SENTENCE_SETS.iter().find(|s| s.0 == name).expect("known").1;
        let cases = load_sentence_set(&options.data.join(file), name)?;
        let docs: Vec<(String, &[char])> = cases
            .iter()
            .map(|c| (c.id.clone(), c.text.as_slice()))
            .collect();
        let (outputs, stats) = run_system(&binary, &docs)?;
        missing_total += stats.missing + stats.errors;
        if let Some(note) = stats.note() {
            notes.push(format!("{name} {note}"));
        }
        if name.starts_with("golden") {
            let (passed, failed) = score_golden(&cases, &outputs, name == "golden52");
            report.insert(
                name.clone(),
                json!({"passed": passed, "total": cases.len(), "failed": failed, "run": stats.json()}),
            );
            rows.push(vec![
                name.clone(),
                cases.len().to_string(),
                (stats.missing + stats.errors).to_string(),
                format!("{passed}/{}", cases.len()),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                format!("{:.3}", stats.wall_s),
                format!("{:.3}", stats.mb_s),
            ]);
            summary.push(format!("{name} {passed}/{}", cases.len()));
            let shown: Vec<&str> = failed.iter().take(24).map(String::as_str).collect();
            let more = if failed.len() > 24 { " ..." } else { "" };
            let list = if shown.is_empty() {
                "-".to_string()
            } else {
                shown.join(" ")
            };
            notes.push(format!("{name} failed: {list}{more}"));
        } else {
            let (boundary, sentence) = score_ud(&cases, &outputs);
            report.insert(
                name.clone(),
                json!({"boundary": boundary.json(), "sentence": sentence.json(), "run": stats.json()}),
            );
            rows.push(vec![
                name.clone(),
                cases.len().to_string(),
                (stats.missing + stats.errors).to_string(),
                format!("{}/{}", boundary.tp, boundary.gold),
                format!("{:.3}", boundary.p()),
                format!("{:.3}", boundary.r()),
                format!("{:.3}", boundary.f1()),
                format!("{:.3}", sentence.p()),
                format!("{:.3}", sentence.r()),
                format!("{:.3}", sentence.f1()),
                format!("{:.3}", stats.wall_s),
                format!("{:.3}", stats.mb_s),
            ]);
            summary.push(format!(
                "{name} F1={:.3} sentF1={:.3}",
                boundary.f1(),
                sentence.f1()
            ));
        }
    }
    if options.json {
        println!("{}", serde_json::to_string_pretty(&Value::Object(report))?);
        return Ok(());
    }
    if !rows.is_empty() {
        table(
            &[
                "set",
                "docs",
                "no_out",
                "pass|bTP/gold",
                "bP",
                "bR",
                "bF1",
                "sentP",
                "sentR",
                "sentF1",
                "wall_s",
                "MB/s",
            ],
            &rows,
        );
    }
    if !token_rows.is_empty() {
        if !rows.is_empty() {
            println!();
        }
        table(
            &[
                "tokens", "paras", "no_out", "gold", "pred", "surfP", "surfR", "surfF1", "wordsP",
                "wordsR", "wordsF1", "wall_s", "MB/s",
            ],
            &token_rows
                .iter()
                .map(|r| r.cells.clone())
                .collect::<Vec<_>>(),
        );
        if let Some(all) = token_rows.last() {
            summary.push(format!(
                "tokens surfF1={:.3} wordsF1={:.3}",
                all.surface_f1, all.words_f1
            ));
        }
    }
    for note in &notes {
        println!("{note}");
    }
    summary.push(format!("missing={missing_total}"));
    println!("{}", summary.join(" "));
    Ok(())
}

/// One case of a sentence set.
struct Case {
    id: String,
    text: Vec<char>,
    gold: Gold,
}

enum Gold {
    /// Golden rules: the expected sentences.
    Strings(Vec<String>),
    /// UD: sentence offsets (code points).
    Spans(Vec<(usize, usize)>),
}

fn read_jsonl(path: &Path) -> Result<Vec<Value>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .with_context(|| format!("{}:{}: bad JSON", path.display(), n + 1))?,
        );
    }
    Ok(out)
}

/// The id eval_segment.py gives a record: `str(r.get("id", k))` for golden
/// sets, `f"{k:04d}-{doc_id}"` for UD sets, prefixed by the set name.
fn load_sentence_set(path: &Path, name: &str) -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for (k, rec) in read_jsonl(path)?.into_iter().enumerate() {
        let text = rec["text"]
            .as_str()
            .with_context(|| format!("{name}: record {k} lacks text"))?;
        let sentences = rec["sentences"]
            .as_array()
            .with_context(|| format!("{name}: record {k} lacks sentences"))?;
        let (id, gold) = if name.starts_with("golden") {
            let id = match rec.get("id") {
                Some(Value::String(s)) => s.clone(),
                Some(v) if !v.is_null() => v.to_string(),
                _ => k.to_string(),
            };
            let gold = sentences
                .iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect();
            (format!("{name}-{id}"), Gold::Strings(gold))
        } else {
            let offsets = rec["sentence_offsets"].as_array().map_or(&[][..], |a| a);
            if offsets.len() != sentences.len() {
                bail!("{name}: record {k} lacks sentence_offsets");
            }
            let spans = offsets
                .iter()
                .map(|o| {
                    let n = |i: usize| o[i].as_u64().unwrap_or_default() as usize;
                    (n(0), n(1))
                })
                .collect();
            let doc_id = rec["doc_id"].as_str().unwrap_or_default();
            (format!("{name}-{k:04}-{doc_id}"), Gold::Spans(spans))
        };
        cases.push(Case {
            id,
            text: text.chars().collect(),
            gold,
        });
    }
    Ok(cases)
}

/// Python's `str.isspace`.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `ek.trim`: shrinks `[s, e)` past whitespace at both ends.
fn trim(text: &[char], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && is_space(text[s]) {
        s += 1;
    }
    while e > s && is_space(text[e - 1]) {
        e -= 1;
    }
    (s, e)
}

/// `ek.get_span`: a `{start, end}` object with integer offsets inside the text.
fn get_span(obj: &Value, len: usize) -> Option<(usize, usize)> {
    let int = |v: &Value| match v {
        Value::Number(n) if n.is_i64() || n.is_u64() => n.as_i64(),
        _ => None,
    };
    let s = int(obj.get("start")?)?;
    let e = int(obj.get("end")?)?;
    (0 <= s && s <= e && e as usize <= len).then_some((s as usize, e as usize))
}

/// `pred_spans`: the valid, trimmed, non-empty sentence spans of an output.
fn pred_spans(record: Option<&Value>, text: &[char]) -> Vec<(usize, usize)> {
    let Some(sentences) = record.and_then(|r| r["sentences"].as_array()) else {
        return Vec::new();
    };
    sentences
        .iter()
        .filter_map(|s| get_span(s, text.len()))
        .map(|(s, e)| trim(text, s, e))
        .filter(|(s, e)| s < e)
        .collect()
}

/// Python's `str.strip()` and `" ".join(s.split())`.
fn normalize(s: &str, collapse: bool) -> String {
    if collapse {
        s.split(is_space)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        s.trim_matches(is_space).to_string()
    }
}

fn score_golden(
    cases: &[Case],
    outputs: &HashMap<String, Value>,
    collapse: bool,
) -> (usize, Vec<String>) {
    let mut failed = Vec::new();
    for case in cases {
        let Gold::Strings(gold) = &case.gold else {
            continue;
        };
        let got: Vec<String> = pred_spans(outputs.get(&case.id), &case.text)
            .into_iter()
            .map(|(s, e)| normalize(&case.text[s..e].iter().collect::<String>(), collapse))
            .collect();
        let want: Vec<String> = gold.iter().map(|g| normalize(g, collapse)).collect();
        if got != want {
            failed.push(case.id.split_once('-').map_or("", |x| x.1).to_string());
        }
    }
    (cases.len() - failed.len(), failed)
}

fn score_ud(cases: &[Case], outputs: &HashMap<String, Value>) -> (Prf, Prf) {
    let (mut boundary, mut sentence) = (Prf::default(), Prf::default());
    for case in cases {
        let Gold::Spans(gold) = &case.gold else {
            continue;
        };
        let text = &case.text;
        // ws[i] = non-whitespace chars in text[..i]
        let mut ws = Vec::with_capacity(text.len() + 1);
        ws.push(0usize);
        for &c in text {
            ws.push(ws[ws.len() - 1] + usize::from(!is_space(c)));
        }
        let n = ws[text.len()];
        let pred = pred_spans(outputs.get(&case.id), text);
        let ends = |spans: &[(usize, usize)]| -> HashSet<usize> {
            spans
                .iter()
                .filter(|&&(_, e)| e <= text.len())
                .map(|&(_, e)| ws[e])
                .filter(|&b| b != 0 && b != n)
                .collect()
        };
        let (gb, pb) = (ends(gold), ends(&pred));
        boundary.add(Prf {
            tp: gb.intersection(&pb).count(),
            pred: pb.len(),
            gold: gb.len(),
        });
        let gs: HashSet<(usize, usize)> = gold
            .iter()
            .map(|&(s, e)| trim(text, s.min(text.len()), e.min(text.len())))
            .collect();
        let ps: HashSet<(usize, usize)> = pred.iter().copied().collect();
        sentence.add(Prf {
            tp: gs.intersection(&ps).count(),
            pred: pred.len(),
            gold: gold.len(),
        });
    }
    (boundary, sentence)
}

/// How a run of the system went (evalkit's `run_system` stats).
#[derive(Debug, Default)]
struct Stats {
    missing: usize,
    errors: usize,
    stray: usize,
    dup: usize,
    bad_lines: usize,
    text_mismatch: usize,
    exit_code: Option<i32>,
    wall_s: f64,
    mb_s: f64,
}

impl Stats {
    fn json(&self) -> Value {
        json!({
            "missing": self.missing, "errors": self.errors, "stray": self.stray, "dup": self.dup,
            "bad_lines": self.bad_lines, "text_mismatch": self.text_mismatch,
            "exit_code": self.exit_code, "wall_s": self.wall_s, "mb_s": self.mb_s,
        })
    }

    fn note(&self) -> Option<String> {
        let mut bad: Vec<String> = [
            ("missing", self.missing),
            ("errors", self.errors),
            ("stray", self.stray),
            ("dup", self.dup),
            ("bad_lines", self.bad_lines),
            ("text_mismatch", self.text_mismatch),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{k}={n}"))
        .collect();
        if let Some(code) = self.exit_code.filter(|&c| c != 0) {
            bad.push(format!("exit_code={code}"));
        }
        (!bad.is_empty()).then(|| {
            format!(
                "system problems: {} (counted as empty output)",
                bad.join(" ")
            )
        })
    }
}

/// Runs the binary on `docs` (id, text) as JSONL on stdin; returns the usable
/// output record of each id and the run's stats.
fn run_system(
    binary: &Path,
    docs: &[(String, &[char])],
) -> Result<(HashMap<String, Value>, Stats)> {
    let mut payload = String::new();
    let mut bytes = 0usize;
    let mut texts: HashMap<&str, String> = HashMap::new();
    for (id, text) in docs {
        let text: String = text.iter().collect();
        bytes += text.len();
        payload.push_str(&json!({ "id": id, "text": text }).to_string());
        payload.push('\n');
        texts.insert(id.as_str(), text);
    }
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["--input", "-", "--tokens", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let feeder = std::thread::spawn(move || {
        // A system that exits early closes its stdin; that is its business.
        let _ = stdin.write_all(payload.as_bytes());
    });
    let stdout = child.stdout.take().expect("piped");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .collect::<std::io::Result<_>>()
        .context("cannot read the system's output")?;
    let status = child.wait()?;
    let wall = started.elapsed().as_secs_f64();
    let _ = feeder.join();
    // evalkit rounds to milliseconds before dividing.
    let wall_s = (wall * 1000.0).round() / 1000.0;
    let mut stats = Stats {
        exit_code: status.code(),
        wall_s,
        mb_s: if wall_s > 0.0 {
            bytes as f64 / 1e6 / wall_s
        } else {
            0.0
        },
        ..Stats::default()
    };
    let mut outputs = HashMap::new();
    let mut errored = BTreeSet::new();
    for line in &lines {
        let Ok(Value::Object(record)) = serde_json::from_str::<Value>(line) else {
            if !line.trim().is_empty() {
                stats.bad_lines += 1;
            }
            continue;
        };
        let record = Value::Object(record);
        let Some(id) = record.get("id").and_then(Value::as_str).map(str::to_string) else {
            stats.stray += 1;
            continue;
        };
        if !texts.contains_key(id.as_str()) {
            stats.stray += 1;
        } else if outputs.contains_key(&id) || errored.contains(&id) {
            stats.dup += 1;
        } else if record.get("error").is_some() {
            errored.insert(id);
        } else {
            if let Some(text) = record.get("text").and_then(Value::as_str) {
                if text != texts[id.as_str()] {
                    stats.text_mismatch += 1;
                }
            }
            outputs.insert(id, record);
        }
    }
    stats.errors = errored.len();
    stats.missing = docs.len() - outputs.len() - errored.len();
    Ok((outputs, stats))
}

/// One row of the token table, with the F1s for the summary line.
struct TokenRow {
    cells: Vec<String>,
    json: Value,
    surface_f1: f64,
    words_f1: f64,
}

fn score_tokens(
    binary: &Path,
    data: &Path,
    notes: &mut Vec<String>,
    missing_total: &mut usize,
) -> Result<Vec<TokenRow>> {
    let mut rows = Vec::new();
    let (mut all_surface, mut all_words) = (Prf::default(), Prf::default());
    let (mut all_paras, mut all_missing, mut all_wall, mut all_bytes) = (0, 0, 0.0, 0.0);
    for (name, file) in TOKEN_SETS {
        let records = read_jsonl(&data.join(file))?;
        let mut paragraphs = Vec::new();
        for (k, rec) in records.iter().enumerate() {
            let text: Vec<char> = rec["text"]
                .as_str()
                .with_context(|| format!("{file}: record {k} lacks text"))?
                .chars()
                .collect();
            let tokens: Vec<String> = rec["tokens"]
                .as_array()
                .with_context(|| format!("{file}: record {k} lacks tokens"))?
                .iter()
                .flat_map(|s| s.as_array().map_or(&[][..], |a| a).iter())
                .map(|t| t.as_str().unwrap_or_default().to_string())
                .collect();
            paragraphs.push((format!("tokens-{name}-{k:04}"), text, tokens));
        }
        let docs: Vec<(String, &[char])> = paragraphs
            .iter()
            .map(|(id, text, _)| (id.clone(), text.as_slice()))
            .collect();
        let (outputs, stats) = run_system(binary, &docs)?;
        *missing_total += stats.missing + stats.errors;
        if let Some(note) = stats.note() {
            notes.push(format!("tokens {name} {note}"));
        }
        let (mut surface, mut words) = (Prf::default(), Prf::default());
        let mut unlocated = 0;
        for (id, text, gold) in &paragraphs {
            let predicted = predicted_tokens(outputs.get(id), text.len());
            let (spans, lost) = locate(text, gold.iter().map(String::as_str));
            unlocated += lost;
            surface.add(compare(&spans, &predicted));
            let split = gold.iter().flat_map(|t| ud_words(t));
            let (spans, _) = locate(text, split);
            words.add(compare(&spans, &predicted));
        }
        if unlocated > 0 {
            notes.push(format!(
                "tokens {name}: {unlocated} gold tokens not found in their text"
            ));
        }
        rows.push(token_row(
            name,
            paragraphs.len(),
            stats.missing + stats.errors,
            surface,
            words,
            stats.wall_s,
            stats.mb_s,
        ));
        all_surface.add(surface);
        all_words.add(words);
        all_paras += paragraphs.len();
        all_missing += stats.missing + stats.errors;
        all_wall += stats.wall_s;
        all_bytes += stats.mb_s * stats.wall_s;
    }
    let all_mb_s = if all_wall > 0.0 {
        all_bytes / all_wall
    } else {
        0.0
    };
    rows.push(token_row(
        "all",
        all_paras,
        all_missing,
        all_surface,
        all_words,
        all_wall,
        all_mb_s,
    ));
    Ok(rows)
}

fn token_row(
    name: &str,
    paragraphs: usize,
    missing: usize,
    surface: Prf,
    words: Prf,
    wall_s: f64,
    mb_s: f64,
) -> TokenRow {
    TokenRow {
        cells: vec![
            name.to_string(),
            paragraphs.to_string(),
            missing.to_string(),
            surface.gold.to_string(),
            surface.pred.to_string(),
            format!("{:.4}", surface.p()),
            format!("{:.4}", surface.r()),
            format!("{:.4}", surface.f1()),
            format!("{:.4}", words.p()),
            format!("{:.4}", words.r()),
            format!("{:.4}", words.f1()),
            format!("{wall_s:.3}"),
            format!("{mb_s:.3}"),
        ],
        json: json!({"surface": surface.json(), "words": words.json(), "paragraphs": paragraphs, "no_out": missing}),
        surface_f1: surface.f1(),
        words_f1: words.f1(),
    }
}

/// All valid token spans of all sentences of an output record.
fn predicted_tokens(record: Option<&Value>, len: usize) -> HashSet<(usize, usize)> {
    let mut out = HashSet::new();
    let Some(sentences) = record.and_then(|r| r["sentences"].as_array()) else {
        return out;
    };
    for sentence in sentences {
        for token in sentence["tokens"].as_array().map_or(&[][..], |a| a) {
            let (Some(s), Some(e)) = (token[0].as_u64(), token[1].as_u64()) else {
                continue;
            };
            let (s, e) = (s as usize, e as usize);
            if s < e && e <= len {
                out.insert((s, e));
            }
        }
    }
    out
}

/// Finds each token left to right (`text.find(token, cursor)`); returns the
/// spans and the number of tokens not found.
fn locate<'a>(
    text: &[char],
    tokens: impl Iterator<Item = &'a str>,
) -> (HashSet<(usize, usize)>, usize) {
    let mut spans = HashSet::new();
    let (mut cursor, mut lost) = (0, 0);
    for token in tokens {
        let token: Vec<char> = token.chars().collect();
        if token.is_empty() {
            continue;
        }
        let found = (cursor..=text.len().saturating_sub(token.len()))
            .find(|&i| text[i..i + token.len()] == token[..]);
        match found {
            Some(i) => {
                spans.insert((i, i + token.len()));
                cursor = i + token.len();
            }
            None => lost += 1,
        }
    }
    (spans, lost)
}

fn compare(gold: &HashSet<(usize, usize)>, predicted: &HashSet<(usize, usize)>) -> Prf {
    Prf {
        tp: gold.intersection(predicted).count(),
        pred: predicted.len(),
        gold: gold.len(),
    }
}

/// A gold surface token split into UD's syntactic words where English writes
/// a clitic or a fused form inside one token: `n't`, `'s`, `'m`, `'d`, `'ll`,
/// `'re`, `'ve` (straight or curly apostrophe), the `'` of `players'`,
/// `cannot` and `gonna`/`wanna`/`gotta`.
fn ud_words(token: &str) -> Vec<&str> {
    let lower = token.to_lowercase();
    if lower == "cannot" || ["gonna", "wanna", "gotta"].contains(&lower.as_str()) {
        return vec![&token[..3], &token[3..]];
    }
    let chars: Vec<(usize, char)> = token.char_indices().collect();
    let n = chars.len();
    let is_apostrophe = |c: char| c == '\'' || c == '\u{2019}';
    let lower_at = |i: usize| chars[i].1.to_ascii_lowercase();
    // n't
    if n >= 4 && lower_at(n - 1) == 't' && is_apostrophe(chars[n - 2].1) && lower_at(n - 3) == 'n' {
        return vec![&token[..chars[n - 3].0], &token[chars[n - 3].0..]];
    }
    for clitic in ["s", "m", "d", "ll", "re", "ve"] {
        let k = clitic.len();
        if n >= k + 2 && is_apostrophe(chars[n - k - 1].1) {
            let tail: String = (n - k..n).map(lower_at).collect();
            if tail == clitic {
                let at = chars[n - k - 1].0;
                return vec![&token[..at], &token[at..]];
            }
        }
    }
    if n >= 3 && is_apostrophe(chars[n - 1].1) && lower_at(n - 2) == 's' {
        let at = chars[n - 1].0;
        return vec![&token[..at], &token[at..]];
    }
    vec![token]
}

/// Prints a left-aligned table like evalkit's.
fn table(headers: &[&str], rows: &[Vec<String>]) {
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(k, h)| {
            rows.iter()
                .map(|r| r[k].chars().count())
                .max()
                .unwrap_or(0)
                .max(h.len())
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(headers.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ud_words_split_clitics_like_the_treebanks() {
        assert_eq!(ud_words("Russia's"), ["Russia", "'s"]);
        assert_eq!(ud_words("don’t"), ["do", "n’t"]);
        assert_eq!(ud_words("can't"), ["ca", "n't"]);
        assert_eq!(ud_words("I'm"), ["I", "'m"]);
        assert_eq!(ud_words("they'll"), ["they", "'ll"]);
        assert_eq!(ud_words("players'"), ["players", "'"]);
        assert_eq!(ud_words("Cannot"), ["Can", "not"]);
        assert_eq!(ud_words("gonna"), ["gon", "na"]);
        for whole in ["O'Neill", "'s", "'", "rock'n'roll", "Paris", "n't", "'70s"] {
            assert_eq!(ud_words(whole), [whole], "{whole}");
        }
    }

    #[test]
    fn python_whitespace_and_normalisation() {
        assert!(is_space('\u{1c}') && is_space('\u{a0}') && !is_space('\u{200b}'));
        assert_eq!(normalize("  a \n b\t", true), "a b");
        assert_eq!(normalize("  a \n b\t", false), "a \n b");
        let text: Vec<char> = " ab ".chars().collect();
        assert_eq!(trim(&text, 0, 4), (1, 3));
    }

    #[test]
    fn tokens_are_located_left_to_right() {
        let text: Vec<char> = "a b a".chars().collect();
        let (spans, lost) = locate(&text, ["a", "a", "x"].into_iter());
        assert_eq!(lost, 1);
        assert!(spans.contains(&(0, 1)) && spans.contains(&(4, 5)));
    }

    #[test]
    fn prf_matches_evalkit() {
        let prf = Prf {
            tp: 3,
            pred: 4,
            gold: 6,
        };
        assert!((prf.f1() - 0.6).abs() < 1e-12);
        assert_eq!(Prf::default().f1(), 0.0);
    }
}
