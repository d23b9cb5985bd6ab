//! `cargo xtask eval ner`: entity-level exact-span P/R/F1 of the release
//! `pipeline` binary, run as a black box exactly like
//! `../shared/tools/eval_ner.py` runs it (same documents, same label mapping,
//! same metric), so the two print the same numbers.
//!
//! Documents: CoNLL files give one document per `-DOCSTART-` block whose text
//! is the tokens joined by single spaces, one sentence per line; IOB2 (UNER)
//! files give one document per `# newdoc id`, the sentences' `# text` lines
//! joined by newlines. Gold spans are located in that text; predictions are
//! whitespace-trimmed, mapped to PER/ORG/LOC/MISC, and compared as sets of
//! `(start, end, type)` in code points.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::score::Prf;
use crate::{build_release_pipeline, root};

/// Named evaluation sets, relative to `../shared/data/ner`.
const SETS: [(&str, &str); 5] = [
    ("conll-dev", "conll2003/valid.txt"),
    ("conll-test", "conll2003/test.txt"),
    ("uner-ewt-dev", "uner_en/en_ewt-ud-dev.iob2"),
    ("uner-ewt-test", "uner_en/en_ewt-ud-test.iob2"),
    ("uner-pud", "uner_en/en_pud-ud-test.iob2"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Conll,
    Iob2,
}

struct EvalDoc {
    id: String,
    text: String,
    gold: BTreeSet<(usize, usize, String)>,
    n_tokens: usize,
}

/// A sentence: its `# text` (IOB2 only) and `(token, tag)` pairs.
type Block = (Option<String>, Vec<(String, String)>);

fn read_blocks(path: &Path, format: Format) -> Result<Vec<Vec<Block>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let uner = format == Format::Iob2;
    let mut docs = Vec::new();
    let mut doc: Vec<Block> = Vec::new();
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut stext: Option<String> = None;
    let lines: Vec<&str> = text.split('\n').chain(std::iter::once("")).collect();
    for line in lines {
        if uner && line.starts_with('#') {
            if line.starts_with("# newdoc id") && !doc.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            if let Some(rest) = line.strip_prefix("# text =") {
                stext = Some(rest.trim().to_string());
            }
            continue;
        }
        let cols: Vec<&str> = if uner {
            line.split('\t').collect()
        } else {
            line.split_whitespace().collect()
        };
        if !uner && cols.first() == Some(&"-DOCSTART-") {
            if !doc.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        if line.trim().is_empty() {
            if !sent.is_empty() {
                doc.push((stext.take(), std::mem::take(&mut sent)));
            }
            continue;
        }
        if cols.len() < if uner { 3 } else { 2 } {
            bail!("{}: bad line {line:?}", path.display());
        }
        if uner {
            sent.push((cols[1].to_string(), cols[2].to_string()));
        } else {
            sent.push((cols[0].to_string(), cols[cols.len() - 1].to_string()));
        }
    }
    if !doc.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// IOB2 tags -> `(first, last_exclusive, type)`; an `I-` that does not
/// continue an entity of its type starts one.
fn iob_spans(tags: &[&str]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, t) in tags.iter().copied().chain(std::iter::once("O")).enumerate() {
        let (kind, typ) = if t == "O" {
            ("O", "")
        } else {
            t.split_once('-').unwrap_or((t, ""))
        };
        if let Some((start, ty)) = &cur {
            if kind != "I" || typ != ty {
                out.push((*start, i, ty.clone()));
                cur = None;
            }
        }
        if (kind == "B" || kind == "I") && cur.is_none() {
            cur = Some((i, typ.to_string()));
        }
    }
    out
}

fn char_index(text: &str) -> Vec<usize> {
    // byte offset -> code-point offset, for every char boundary.
    let mut map = vec![0; text.len() + 1];
    let mut n = 0;
    for (b, c) in text.char_indices() {
        for k in 0..c.len_utf8() {
            map[b + k] = n;
        }
        n += 1;
    }
    map[text.len()] = n;
    map
}

fn load(name: &str, path: &Path, format: Format) -> Result<Vec<EvalDoc>> {
    let mut out = Vec::new();
    for (k, doc) in read_blocks(path, format)?.into_iter().enumerate() {
        let mut text = String::new();
        let mut gold_bytes = Vec::new();
        let mut n_tokens = 0;
        for (stext, sent) in &doc {
            let base = if text.is_empty() { 0 } else { text.len() + 1 };
            let stext = stext.clone().unwrap_or_else(|| {
                sent.iter()
                    .map(|(w, _)| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&stext);
            let mut pos = 0;
            let mut offs = Vec::new();
            for (w, _) in sent {
                let i = stext[pos..]
                    .find(w.as_str())
                    .map(|i| i + pos)
                    .with_context(|| format!("{name}: token {w:?} not found in {stext:?}"))?;
                offs.push((base + i, base + i + w.len()));
                pos = i + w.len();
            }
            let tags: Vec<&str> = sent.iter().map(|(_, t)| t.as_str()).collect();
            for (a, b, t) in iob_spans(&tags) {
                gold_bytes.push((offs[a].0, offs[b - 1].1, t));
            }
            n_tokens += sent.len();
        }
        let map = char_index(&text);
        let gold = gold_bytes
            .into_iter()
            .map(|(a, b, t)| (map[a], map[b], t))
            .collect();
        out.push(EvalDoc {
            id: format!("{name}-{k:04}"),
            text,
            gold,
            n_tokens,
        });
    }
    Ok(out)
}

fn map_label(label: &str) -> Option<&'static str> {
    Some(match label.to_uppercase().as_str() {
        "PER" | "PERSON" => "PER",
        "ORG" | "ORGANIZATION" | "ORGANISATION" => "ORG",
        "LOC" | "LOCATION" | "GPE" | "FAC" => "LOC",
        "MISC" | "NORP" | "EVENT" | "WORK_OF_ART" | "PRODUCT" | "LAW" | "LANGUAGE" => "MISC",
        _ => return None,
    })
}

/// Python's `str.isspace` for the characters that matter here.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

fn predicted(
    rec: Option<&serde_json::Value>,
    text: &[char],
    types: &[&str],
) -> BTreeSet<(usize, usize, String)> {
    let mut pred = BTreeSet::new();
    let Some(ents) = rec
        .and_then(|r| r.get("entities"))
        .and_then(|e| e.as_array())
    else {
        return pred;
    };
    for e in ents {
        let (Some(s), Some(t)) = (
            e.get("start").and_then(serde_json::Value::as_u64),
            e.get("end").and_then(serde_json::Value::as_u64),
        ) else {
            continue;
        };
        let (mut s, mut t) = (s as usize, t as usize);
        if s > t || t > text.len() {
            continue;
        }
        let Some(label) = e.get("label").and_then(|l| l.as_str()).and_then(map_label) else {
            continue;
        };
        if !types.contains(&label) {
            continue;
        }
        while s < t && is_space(text[s]) {
            s += 1;
        }
        while t > s && is_space(text[t - 1]) {
            t -= 1;
        }
        if s < t {
            pred.insert((s, t, label.to_string()));
        }
    }
    pred
}

/// Runs `system` (a shell command) over the documents; returns the records
/// by id and the wall time.
fn run_system(system: &str, docs: &[EvalDoc]) -> Result<(HashMap<String, serde_json::Value>, f64)> {
    let mut payload = String::new();
    for d in docs {
        payload.push_str(&serde_json::json!({"id": d.id, "text": d.text}).to_string());
        payload.push('\n');
    }
    let started = Instant::now();
    let mut child = Command::new("sh")
        .args(["-c", system])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {system}"))?;
    let mut stdin = child.stdin.take().context("stdin")?;
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(payload.as_bytes());
    });
    let stdout = child.stdout.take().context("stdout")?;
    let mut out = HashMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(rec) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let Some(id) = rec.get("id").and_then(|i| i.as_str()).map(str::to_string) else {
            continue;
        };
        if rec.get("error").is_none() && !out.contains_key(&id) {
            out.insert(id, rec);
        }
    }
    let _ = feeder.join();
    child.wait()?;
    Ok((out, started.elapsed().as_secs_f64()))
}

fn usage() -> &'static str {
    "usage: cargo xtask eval ner [--set conll-dev|uner-ewt-dev|conll-test|uner-ewt-test|uner-pud|all]... \
     [--file PATH --format conll|iob2] [--system CMD] [--data DIR]"
}

/// `cargo xtask eval <what> ...`.
pub fn eval(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("ner") => eval_ner(&args[1..]),
        _ => bail!("{}", usage()),
    }
}

fn eval_ner(args: &[String]) -> Result<()> {
    let mut sets: Vec<(String, PathBuf, Format)> = Vec::new();
    let mut data = root().join("../shared/data/ner");
    let mut system: Option<String> = None;
    let mut names: Vec<String> = Vec::new();
    let mut file: Option<PathBuf> = None;
    let mut format: Option<Format> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{arg} needs a value\n{}", usage()))
        };
        match arg.as_str() {
            "--set" => names.extend(value()?.split(',').map(str::to_string)),
            "--file" => file = Some(value()?.into()),
            "--format" => {
                format = Some(match value()?.as_str() {
                    "conll" => Format::Conll,
                    "iob2" => Format::Iob2,
                    other => bail!("unknown format {other:?}: conll or iob2"),
                })
            }
            "--system" => system = Some(value()?.clone()),
            "--data" => data = value()?.into(),
            other => bail!("unknown option {other:?}\n{}", usage()),
        }
    }
    if let Some(path) = file {
        let format = format.unwrap_or_else(|| {
            if path.extension().is_some_and(|e| e == "iob2") {
                Format::Iob2
            } else {
                Format::Conll
            }
        });
        let name = path
            .file_stem()
            .map_or("file".into(), |s| s.to_string_lossy().into_owned());
        sets.push((name, path, format));
    }
    if names.is_empty() && sets.is_empty() {
        names.push("conll-dev".into());
    }
    if names.iter().any(|n| n == "all") {
        names = SETS
            .iter()
            .filter(|(_, p)| data.join(p).exists())
            .map(|(n, _)| n.to_string())
            .collect();
    }
    for name in names {
        let (_, rel) = SETS
            .iter()
            .find(|(n, _)| *n == name)
            .with_context(|| format!("unknown set {name:?}\n{}", usage()))?;
        let format = if name.starts_with("uner") {
            Format::Iob2
        } else {
            Format::Conll
        };
        sets.push((name.clone(), data.join(rel), format));
    }
    let system = match system {
        Some(s) => s,
        None => format!("{} --input - --quiet", build_release_pipeline()?.display()),
    };

    println!(
        "{:<14} {:<5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "set", "type", "gold", "pred", "tp", "P", "R", "F1"
    );
    let mut summary = vec!["ner".to_string()];
    for (name, path, format) in sets {
        let docs = load(&name, &path, format)?;
        let types: &[&str] = if format == Format::Iob2 {
            &["PER", "ORG", "LOC"]
        } else {
            &["PER", "ORG", "LOC", "MISC"]
        };
        let (outs, wall) = run_system(&system, &docs)?;
        let mut counts: Vec<Prf> = types.iter().map(|_| Prf::default()).collect();
        let mut missing = 0;
        for d in &docs {
            let rec = outs.get(&d.id);
            if rec.is_none() {
                missing += 1;
            }
            let chars: Vec<char> = d.text.chars().collect();
            let pred = predicted(rec, &chars, types);
            for (k, ty) in types.iter().enumerate() {
                let g: BTreeSet<_> = d.gold.iter().filter(|x| x.2 == *ty).collect();
                let p: BTreeSet<_> = pred.iter().filter(|x| x.2 == *ty).collect();
                counts[k].tp += g.intersection(&p).count();
                counts[k].pred += p.len();
                counts[k].gold += g.len();
            }
        }
        let all = Prf {
            tp: counts.iter().map(|c| c.tp).sum(),
            pred: counts.iter().map(|c| c.pred).sum(),
            gold: counts.iter().map(|c| c.gold).sum(),
        };
        for (ty, m) in std::iter::once(("ALL", &all)).chain(types.iter().copied().zip(&counts)) {
            println!(
                "{:<14} {:<5} {:>6} {:>6} {:>6} {:>6.3} {:>6.3} {:>6.3}",
                name,
                ty,
                m.gold,
                m.pred,
                m.tp,
                m.p(),
                m.r(),
                m.f1()
            );
        }
        let n_tokens: usize = docs.iter().map(|d| d.n_tokens).sum();
        let tok_s = if wall > 0.0 {
            n_tokens as f64 / wall
        } else {
            0.0
        };
        println!(
            "{name}: {} docs, {n_tokens} gold tokens, wall {wall:.2} s = {tok_s:.0} tok/s; missing {missing}",
            docs.len()
        );
        summary.push(format!(
            "{name} F1={:.3} P={:.3} R={:.3} tok/s={tok_s:.0}",
            all.f1(),
            all.p(),
            all.r()
        ));
    }
    println!("{}", summary.join(" "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob_spans_follow_the_reference_scorer() {
        let tags = ["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"];
        assert_eq!(
            iob_spans(&tags),
            vec![
                (0, 2, "PER".to_string()),
                (3, 4, "LOC".to_string()),
                (4, 5, "LOC".to_string()),
                (5, 6, "ORG".to_string())
            ]
        );
    }

    #[test]
    fn predictions_are_trimmed_and_mapped() {
        let text: Vec<char> = "Ada  went".chars().collect();
        let rec = serde_json::json!({"entities": [
            {"start": 0, "end": 4, "label": "PERSON"},
            {"start": 5, "end": 9, "label": "DATE"},
            {"start": 5, "end": 99, "label": "ORG"}
        ]});
        let pred = predicted(Some(&rec), &text, &["PER", "ORG", "LOC"]);
        assert_eq!(
            pred.into_iter().collect::<Vec<_>>(),
            vec![(0, 3, "PER".to_string())]
        );
    }
}
