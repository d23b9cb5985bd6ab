//! `cargo xtask eval quotes`: scores the release `pipeline` binary, run as a
//! black box, on PolNeAR, exactly as `../shared/tools/eval_quotes.py` does
//! (same inputs, normalisation, greedy matching at 0.5/0.8 overlap, speaker
//! and cue accuracy, end-to-end F1, slices), so the two can be compared line
//! by line.
//!
//! ```text
//! cargo xtask eval quotes [--set polnear-dev|polnear-train|polnear-test|all]
//!                         [--data DIR] [--system CMD]
//! ```
//!
//! The scoring functions are shared with `cargo xtask train-quotes`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::score::Prf;

/// Sets and their files under the data directory. `polnear-train` is for
/// tuning; dev is the reported set; test is held out.
const SETS: &[(&str, &str)] = &[
    ("polnear-dev", "polnear/polnear_dev.jsonl"),
    ("polnear-test", "polnear/polnear_test.jsonl"),
    ("polnear-train", "polnear/polnear_train.jsonl"),
];

const QMARKS: &[char] = &['"', '“', '”', '„', '‟', '«', '»', '‹', '›', '\'', '‘', '’'];

const PRONOUNS: &[&str] = &[
    "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "it",
    "its", "they", "them", "their", "who", "whom", "whose", "which", "that", "this", "these",
    "those", "one", "someone",
];

/// A span in code points, end exclusive.
pub type CharSpan = (usize, usize);

/// Python's `str.isspace`.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `eval_quotes.norm`: strip whitespace, outer quote marks, trailing `,`
/// and `.`, and a leading `that `, until stable.
pub fn norm(text: &[char], mut s: usize, mut e: usize) -> CharSpan {
    loop {
        let (s0, e0) = (s, e);
        while s < e && is_space(text[s]) {
            s += 1;
        }
        while e > s && is_space(text[e - 1]) {
            e -= 1;
        }
        while s < e && QMARKS.contains(&text[s]) {
            s += 1;
        }
        while s < e && (QMARKS.contains(&text[e - 1]) || text[e - 1] == ',' || text[e - 1] == '.') {
            e -= 1;
        }
        if e - s > 5 {
            let head: String = text[s..s + 5]
                .iter()
                .flat_map(|c| c.to_lowercase())
                .collect();
            if head == "that " {
                s += 5;
            }
        }
        if (s, e) == (s0, e0) {
            return (s, e);
        }
    }
}

/// `eval_quotes.norm_parts`: normalised, sorted, merged parts and the
/// normalised outer span.
pub fn norm_parts(text: &[char], parts: &[CharSpan]) -> (Vec<CharSpan>, Option<CharSpan>) {
    if parts.is_empty() {
        return (Vec::new(), None);
    }
    let mut normed: Vec<CharSpan> = parts.iter().map(|&(s, e)| norm(text, s, e)).collect();
    normed.sort_unstable();
    let mut out: Vec<CharSpan> = Vec::new();
    for (s, e) in normed {
        if s < e {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
    }
    let lo = parts.iter().map(|p| p.0).min().unwrap_or(0);
    let hi = parts.iter().map(|p| p.1).max().unwrap_or(0);
    (out, Some(norm(text, lo, hi)))
}

/// Characters shared by two lists of spans.
pub fn inter(a: &[CharSpan], b: &[CharSpan]) -> usize {
    let mut n = 0;
    for &(s1, e1) in a {
        for &(s2, e2) in b {
            n += e1.min(e2).saturating_sub(s1.max(s2));
        }
    }
    n
}

/// How the source of a gold attribution is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Pronoun,
    Other,
    None,
}

/// One gold attribution with content.
#[derive(Debug, Clone)]
pub struct Gold {
    pub parts: Vec<CharSpan>,
    pub outer: CharSpan,
    pub src: Vec<CharSpan>,
    pub cue: Vec<CharSpan>,
    pub ctype: String,
    pub form: Form,
}

/// One gold document.
#[derive(Debug, Clone)]
pub struct GoldDoc {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
    pub chars: Vec<char>,
    pub golds: Vec<Gold>,
}

/// One predicted quote, normalised.
#[derive(Debug, Clone)]
pub struct Pred {
    pub parts: Vec<CharSpan>,
    pub outer: Option<CharSpan>,
    /// The `kind` as the scorer reads it (`str(kind or "direct").lower()`).
    pub kind: String,
    pub spk: Option<CharSpan>,
    pub cue: Option<CharSpan>,
}

fn spans_of(v: &Value) -> Vec<CharSpan> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| Some((x["start"].as_u64()? as usize, x["end"].as_u64()? as usize)))
                .collect()
        })
        .unwrap_or_default()
}

/// Loads a set: the first record of each article id; attributions without
/// content are skipped (returned as a count).
pub fn load(data: &Path, set: &str) -> Result<(Vec<GoldDoc>, usize)> {
    let file = SETS
        .iter()
        .find(|(name, _)| *name == set)
        .map(|(_, f)| data.join(f))
        .with_context(|| {
            let names: Vec<&str> = SETS.iter().map(|s| s.0).collect();
            format!("unknown set {set:?}; choose from {}", names.join(", "))
        })?;
    let reader = BufReader::new(
        std::fs::File::open(&file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    let mut seen = HashSet::new();
    let mut docs = Vec::new();
    let mut skipped = 0;
    for (n, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let r: Value = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: malformed JSON", file.display(), n + 1))?;
        let id = r["id"].as_str().context("record without id")?.to_string();
        if !seen.insert(id.clone()) {
            continue;
        }
        let text = r["text"]
            .as_str()
            .context("record without text")?
            .to_string();
        let chars: Vec<char> = text.chars().collect();
        let mut golds = Vec::new();
        for att in r["attributions"].as_array().into_iter().flatten() {
            let content = spans_of(&att["content"]);
            let (parts, outer) = norm_parts(&chars, &content);
            let Some(outer) = outer.filter(|_| !parts.is_empty()) else {
                skipped += 1;
                continue;
            };
            let src = spans_of(&att["source"]);
            let stext: String = att["source"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x["text"].as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let stext = stext
                .trim()
                .trim_matches(|c| matches!(c, '.' | ',' | ':' | ';'))
                .to_lowercase();
            let form = if src.is_empty() {
                Form::None
            } else if PRONOUNS.contains(&stext.as_str()) {
                Form::Pronoun
            } else {
                Form::Other
            };
            golds.push(Gold {
                parts,
                outer,
                src,
                cue: spans_of(&att["cue"]),
                ctype: att["content_type"].as_str().unwrap_or("").to_string(),
                form,
            });
        }
        docs.push(GoldDoc {
            id,
            title: r["title"].as_str().map(str::to_string),
            text,
            chars,
            golds,
        });
    }
    Ok((docs, skipped))
}

/// `evalkit.get_span`: a valid `{start, end}` object for a text of `len`
/// code points.
fn get_span(v: &Value, len: usize) -> Option<CharSpan> {
    let s = v.get("start")?;
    let e = v.get("end")?;
    if !(s.is_u64() || s.is_i64()) || !(e.is_u64() || e.is_i64()) {
        return None;
    }
    let (s, e) = (s.as_i64()?, e.as_i64()?);
    (0 <= s && s <= e && e as usize <= len).then_some((s as usize, e as usize))
}

/// `eval_quotes.preds_of`: the predicted quotes of one output record.
pub fn preds_of(rec: Option<&Value>, chars: &[char]) -> Vec<Pred> {
    let mut out = Vec::new();
    let Some(quotes) = rec.and_then(|r| r.get("quotes")).and_then(Value::as_array) else {
        return out;
    };
    for q in quotes {
        if !q.is_object() {
            continue;
        }
        let whole = get_span(q, chars.len());
        let parts: Vec<CharSpan> = q
            .get("parts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| get_span(p, chars.len()))
            .collect();
        let source = if parts.is_empty() {
            whole.into_iter().collect()
        } else {
            parts
        };
        let (ps, outer) = norm_parts(chars, &source);
        if ps.is_empty() {
            continue;
        }
        let outer = match whole {
            Some((s, e)) => Some(norm(chars, s, e)),
            None => outer,
        };
        let kind = match q.get("kind") {
            None | Some(Value::Null) => "direct".to_string(),
            Some(Value::String(s)) if s.is_empty() => "direct".to_string(),
            Some(Value::String(s)) => s.to_lowercase(),
            Some(other) => other.to_string().to_lowercase(),
        };
        out.push(Pred {
            parts: ps,
            outer,
            kind,
            spk: q.get("speaker").and_then(|s| get_span(s, chars.len())),
            cue: q.get("cue").and_then(|s| get_span(s, chars.len())),
        });
    }
    out
}

/// `eval_quotes.match`: greedy one-to-one matching, gold index -> pred
/// index; `t = None` is exact matching of the outer spans.
pub fn match_quotes(golds: &[&Gold], preds: &[&Pred], t: Option<f64>) -> HashMap<usize, usize> {
    let mut cands: Vec<(f64, f64, usize, usize)> = Vec::new();
    for (gi, g) in golds.iter().enumerate() {
        let glen: usize = g.parts.iter().map(|p| p.1 - p.0).sum();
        for (pi, p) in preds.iter().enumerate() {
            match t {
                None => {
                    if Some(g.outer) == p.outer {
                        cands.push((0.0, 0.0, gi, pi));
                    }
                }
                Some(t) => {
                    let i = inter(&g.parts, &p.parts);
                    let extent = [(g.parts[0].0, g.parts[g.parts.len() - 1].1)];
                    let plen: usize = p.parts.iter().map(|x| x.1 - x.0).sum();
                    let j = inter(&extent, &p.parts) as f64 / plen as f64;
                    if i > 0 && i as f64 / glen as f64 >= t && j >= 0.5 {
                        cands.push((-(i as f64) / glen as f64, -j, gi, pi));
                    }
                }
            }
        }
    }
    cands.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    let mut m = HashMap::new();
    let mut used = HashSet::new();
    for (_, _, gi, pi) in cands {
        if !m.contains_key(&gi) && !used.contains(&pi) {
            m.insert(gi, pi);
            used.insert(pi);
        }
    }
    m
}

/// `eval_quotes.ok`: a predicted span overlaps a gold part, or both empty.
pub fn span_ok(pred: Option<CharSpan>, gold: &[CharSpan]) -> bool {
    match pred {
        None => gold.is_empty(),
        Some(p) => !gold.is_empty() && inter(&[p], gold) > 0,
    }
}

/// Scores of one scope (`dm` or `all`).
#[derive(Debug, Clone, Default)]
pub struct ScopeScore {
    pub exact: Prf,
    pub at05: Prf,
    pub at08: Prf,
    pub e2e: Prf,
    pub speaker_acc: Option<f64>,
    pub cue_acc: Option<f64>,
    pub matched: usize,
}

/// One gold-side slice.
#[derive(Debug, Clone, Default)]
pub struct Slice {
    pub n: usize,
    pub exact: usize,
    pub at05: usize,
    pub spk: usize,
}

/// The scores of a set.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub dm: ScopeScore,
    pub all: ScopeScore,
    pub slices: BTreeMap<usize, (String, Slice)>,
}

/// `eval_quotes.score`: scores predictions (by document index) against the
/// gold.
pub fn score(docs: &[GoldDoc], preds: &[Vec<Pred>]) -> Scores {
    #[derive(Default)]
    struct Counts {
        gold: usize,
        pred: usize,
        exact: usize,
        at05: usize,
        at08: usize,
        e2e: usize,
        spk: usize,
        cue: usize,
    }
    let order: Vec<String> = ["direct", "mixed", "indirect"]
        .iter()
        .map(|s| s.to_string())
        .chain(["dm", "all"].iter().flat_map(|sc| {
            ["pronoun", "other", "none"]
                .iter()
                .map(move |f| format!("{sc} src={f}"))
        }))
        .collect();
    let mut slices: HashMap<String, Slice> = HashMap::new();
    let mut counts = [Counts::default(), Counts::default()];
    for (d, allp) in docs.iter().zip(preds) {
        for (si, scope) in ["dm", "all"].iter().enumerate() {
            let golds: Vec<&Gold> = d
                .golds
                .iter()
                .filter(|g| *scope == "all" || g.ctype == "direct" || g.ctype == "mixed")
                .collect();
            let ps: Vec<&Pred> = allp
                .iter()
                .filter(|p| *scope == "all" || p.kind == "direct" || p.kind == "mixed")
                .collect();
            let c = &mut counts[si];
            c.gold += golds.len();
            c.pred += ps.len();
            let exact = match_quotes(&golds, &ps, None);
            let m05 = match_quotes(&golds, &ps, Some(0.5));
            let m08 = match_quotes(&golds, &ps, Some(0.8));
            c.exact += exact.len();
            c.at05 += m05.len();
            c.at08 += m08.len();
            for (gi, g) in golds.iter().enumerate() {
                let pi = m05.get(&gi).copied();
                let spk = pi.is_some_and(|pi| span_ok(ps[pi].spk, &g.src));
                if let Some(pi) = pi {
                    c.spk += usize::from(spk);
                    c.cue += usize::from(span_ok(ps[pi].cue, &g.cue));
                }
                c.e2e += usize::from(spk);
                let form = match g.form {
                    Form::Pronoun => "pronoun",
                    Form::Other => "other",
                    Form::None => "none",
                };
                let mut names = Vec::new();
                if *scope == "all" {
                    names.push(g.ctype.clone());
                }
                names.push(format!("{scope} src={form}"));
                for name in names {
                    let s = slices.entry(name).or_default();
                    s.n += 1;
                    s.exact += usize::from(exact.contains_key(&gi));
                    s.at05 += usize::from(pi.is_some());
                    s.spk += usize::from(spk);
                }
            }
        }
    }
    let scope_score = |c: &Counts| ScopeScore {
        exact: Prf::new(c.exact, c.pred, c.gold),
        at05: Prf::new(c.at05, c.pred, c.gold),
        at08: Prf::new(c.at08, c.pred, c.gold),
        e2e: Prf::new(c.e2e, c.pred, c.gold),
        speaker_acc: (c.at05 > 0).then(|| c.spk as f64 / c.at05 as f64),
        cue_acc: (c.at05 > 0).then(|| c.cue as f64 / c.at05 as f64),
        matched: c.at05,
    };
    let mut out = Scores {
        dm: scope_score(&counts[0]),
        all: scope_score(&counts[1]),
        slices: BTreeMap::new(),
    };
    for (i, name) in order.iter().enumerate() {
        if let Some(s) = slices.remove(name) {
            if s.n > 0 {
                out.slices.insert(i, (name.clone(), s));
            }
        }
    }
    out
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |x| format!("{x:.3}"))
}

/// Prints a small left-aligned table, like `evalkit.table`.
fn table(headers: &[&str], rows: &[Vec<String>]) {
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(k, h)| {
            rows.iter()
                .map(|r| r[k].len())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let s: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(k, c)| format!("{c:<w$}", w = widths[k]))
            .collect();
        println!("{}", s.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    for r in rows {
        line(r.clone());
    }
}

/// Prints the scorer's report for one set.
pub fn print_report(name: &str, docs: &[GoldDoc], skipped: usize, s: &Scores, run: &RunStats) {
    let n_gold: usize = docs.iter().map(|d| d.golds.len()).sum();
    println!(
        "== {name}: {} articles, {n_gold} gold attributions ({skipped} without content skipped), wall {:.2} s, {:.3} MB/s",
        docs.len(),
        run.wall_s,
        run.mb_s()
    );
    let mut rows = Vec::new();
    for (scope, sc) in [("dm", &s.dm), ("all", &s.all)] {
        for (k, m) in [
            ("exact", sc.exact),
            ("@0.5", sc.at05),
            ("@0.8", sc.at08),
            ("e2e@0.5", sc.e2e),
        ] {
            rows.push(vec![
                scope.to_string(),
                k.to_string(),
                m.gold.to_string(),
                m.pred.to_string(),
                m.tp.to_string(),
                format!("{:.3}", m.p()),
                format!("{:.3}", m.r()),
                format!("{:.3}", m.f1()),
            ]);
        }
    }
    table(
        &["scope", "match", "gold", "pred", "tp", "P", "R", "F1"],
        &rows,
    );
    println!(
        "speaker acc / cue acc over pairs matched @0.5: dm {} / {} (n={}); all {} / {} (n={})",
        fmt_opt(s.dm.speaker_acc),
        fmt_opt(s.dm.cue_acc),
        s.dm.matched,
        fmt_opt(s.all.speaker_acc),
        fmt_opt(s.all.cue_acc),
        s.all.matched
    );
    let rows: Vec<Vec<String>> = s
        .slices
        .values()
        .map(|(name, sl)| {
            let n = sl.n as f64;
            vec![
                name.clone(),
                sl.n.to_string(),
                format!("{:.3}", sl.exact as f64 / n),
                format!("{:.3}", sl.at05 as f64 / n),
                fmt_opt((sl.at05 > 0).then(|| sl.spk as f64 / sl.at05 as f64)),
                format!("{:.3}", sl.spk as f64 / n),
            ]
        })
        .collect();
    table(
        &[
            "slice (gold side)",
            "n",
            "R_exact",
            "R@0.5",
            "spk_acc",
            "e2e_R",
        ],
        &rows,
    );
    if !run.note().is_empty() {
        println!("{name} {}", run.note());
    }
}

/// The grep-able summary of a set, as the Python scorer prints it.
pub fn summary(name: &str, s: &Scores) -> String {
    format!(
        "{name} dm@0.5 F1={:.3} dm-exact F1={:.3} all@0.5 F1={:.3} spk(dm)={} e2e(dm) F1={:.3}",
        s.dm.at05.f1(),
        s.dm.exact.f1(),
        s.all.at05.f1(),
        fmt_opt(s.dm.speaker_acc),
        s.dm.e2e.f1()
    )
}

/// What happened when the system ran.
#[derive(Debug, Clone, Default)]
pub struct RunStats {
    pub docs: usize,
    pub returned: usize,
    pub errors: usize,
    pub stray: usize,
    pub dup: usize,
    pub bad_lines: usize,
    pub exit_code: Option<i32>,
    pub wall_s: f64,
    pub bytes: usize,
}

impl RunStats {
    fn mb_s(&self) -> f64 {
        if self.wall_s > 0.0 {
            self.bytes as f64 / 1e6 / self.wall_s
        } else {
            0.0
        }
    }

    fn missing(&self) -> usize {
        self.docs - self.returned - self.errors
    }

    fn note(&self) -> String {
        let mut bad = Vec::new();
        for (k, v) in [
            ("missing", self.missing()),
            ("errors", self.errors),
            ("stray", self.stray),
            ("dup", self.dup),
            ("bad_lines", self.bad_lines),
        ] {
            if v > 0 {
                bad.push(format!("{k}={v}"));
            }
        }
        if let Some(code) = self.exit_code.filter(|&c| c != 0) {
            bad.push(format!("exit_code={code}"));
        }
        if bad.is_empty() {
            String::new()
        } else {
            format!(
                "system problems: {} (counted as empty output)",
                bad.join(" ")
            )
        }
    }
}

/// Runs `cmd` (a shell command) on the documents, as `evalkit.run_system`:
/// output records by id; error records, strays and duplicates counted.
pub fn run_system(
    cmd: &str,
    root: &Path,
    docs: &[GoldDoc],
) -> Result<(HashMap<String, Value>, RunStats)> {
    let mut payload = String::new();
    for d in docs {
        payload.push_str(&json!({"id": d.id, "title": d.title, "text": d.text}).to_string());
        payload.push('\n');
    }
    let mut stats = RunStats {
        docs: docs.len(),
        bytes: docs.iter().map(|d| d.text.len()).sum(),
        ..RunStats::default()
    };
    let started = Instant::now();
    let mut child = Command::new("sh")
        .args(["-c", cmd])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {cmd:?}"))?;
    let mut stdin = child.stdin.take().context("child stdin")?;
    let feeder = std::thread::spawn(move || {
        // The system may exit early; a broken pipe is its problem, not ours.
        let _ = stdin.write_all(payload.as_bytes());
    });
    let stdout = child.stdout.take().context("child stdout")?;
    let want: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let mut out: HashMap<String, Value> = HashMap::new();
    let mut errored: HashSet<String> = HashSet::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        let rec: Option<Value> = serde_json::from_str(&line).ok().filter(Value::is_object);
        let Some(rec) = rec else {
            stats.bad_lines += usize::from(!line.trim().is_empty());
            continue;
        };
        let id = rec
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !want.contains(id.as_str()) {
            stats.stray += 1;
        } else if out.contains_key(&id) || errored.contains(&id) {
            stats.dup += 1;
        } else if rec.get("error").is_some() {
            errored.insert(id);
        } else {
            out.insert(id, rec);
        }
    }
    let status = child.wait()?;
    let _ = feeder.join();
    stats.exit_code = status.code();
    stats.wall_s = started.elapsed().as_secs_f64();
    stats.returned = out.len();
    stats.errors = errored.len();
    Ok((out, stats))
}

/// The default data directory: `../shared/data/quotes` beside the workspace.
pub fn default_data(root: &Path) -> PathBuf {
    root.join("..").join("shared").join("data").join("quotes")
}

/// `cargo xtask eval quotes [...]`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut set = "polnear-dev".to_string();
    let mut data = default_data(root);
    let mut system: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--set" => set = it.next().context("--set needs a value")?.clone(),
            "--data" => data = PathBuf::from(it.next().context("--data needs a value")?),
            "--system" => system = Some(it.next().context("--system needs a value")?.clone()),
            other => bail!("unknown argument {other:?} (use --set, --data, --system)"),
        }
    }
    let names: Vec<String> = if set == "all" {
        vec!["polnear-dev".into(), "polnear-test".into()]
    } else {
        set.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let system = match system {
        Some(cmd) => cmd,
        None => {
            crate::cargo(&["build", "--release", "--bin", "pipeline"])?;
            "target/release/pipeline --input - -q".to_string()
        }
    };
    let mut summ = vec!["quotes".to_string()];
    let mut missing = 0;
    for name in &names {
        let (docs, skipped) = load(&data, name)?;
        let (outs, run) = run_system(&system, root, &docs)?;
        let preds: Vec<Vec<Pred>> = docs
            .iter()
            .map(|d| preds_of(outs.get(&d.id), &d.chars))
            .collect();
        let scores = score(&docs, &preds);
        print_report(name, &docs, skipped, &scores, &run);
        summ.push(summary(name, &scores));
        missing += run.missing() + run.errors;
    }
    summ.push(format!("missing={missing}"));
    println!("{}", summ.join(" "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn norm_strips_marks_punctuation_and_that() {
        let t = chars("  “that it works,”  ");
        let (s, e) = norm(&t, 0, t.len());
        assert_eq!(t[s..e].iter().collect::<String>(), "it works");
    }

    #[test]
    fn matching_is_greedy_one_to_one() {
        let t = chars("He said the plan works and the other one fails too.");
        let gold = Gold {
            parts: vec![(8, 24)],
            outer: (8, 24),
            src: vec![(0, 2)],
            cue: vec![(3, 7)],
            ctype: "indirect".into(),
            form: Form::Pronoun,
        };
        let good = Pred {
            parts: vec![(8, 24)],
            outer: Some((8, 24)),
            kind: "indirect".into(),
            spk: Some((0, 2)),
            cue: None,
        };
        let whole = Pred {
            parts: vec![(0, t.len())],
            outer: Some((0, t.len())),
            kind: "indirect".into(),
            spk: None,
            cue: None,
        };
        let m = match_quotes(&[&gold], &[&whole, &good], Some(0.5));
        assert_eq!(
            m.get(&0),
            Some(&1),
            "the whole-sentence prediction is too long"
        );
        assert!(span_ok(good.spk, &gold.src));
        assert!(!span_ok(None, &gold.src));
    }
}
