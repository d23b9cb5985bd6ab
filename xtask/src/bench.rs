//! `cargo xtask bench`: whole-binary throughput and peak memory.
//!
//! Runs the release `pipeline` binary over the news corpora in
//! `../shared/data/corpus` (or `--corpus DIR`), repeated with fresh ids to
//! reach larger sizes, at 1 and 2 threads (the median of five runs each,
//! taken in interleaved rounds), and reads the binary's own summary line
//! (MB of text per second, peak RSS). `--compare spacy` also runs `examples/bench/spacy_peer.py` on a
//! 1 MB slice when a Python with spaCy is available.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::{build_release_pipeline, root, run_for_summary};

struct Options {
    stages: String,
    corpus_dir: PathBuf,
    compare_spacy: bool,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        stages: "all".into(),
        corpus_dir: root().join("../shared/data/corpus"),
        compare_spacy: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stages" => options.stages = args.next().context("--stages needs a value")?.clone(),
            "--corpus" => {
                options.corpus_dir = args.next().context("--corpus needs a value")?.into()
            }
            "--compare" => match args.next().map(String::as_str) {
                Some("spacy") => options.compare_spacy = true,
                other => bail!("--compare takes `spacy`, not {other:?}"),
            },
            other => bail!(
                "unknown bench option {other:?} (known: --stages S, --corpus DIR, --compare spacy)"
            ),
        }
    }
    Ok(options)
}

/// One measured run.
struct Measured {
    label: String,
    threads: usize,
    mb: f64,
    mb_per_s: f64,
    /// Slowest and fastest of the runs the figure is the median of.
    mb_per_s_range: (f64, f64),
    peak_rss_mb: f64,
}

pub fn bench(args: &[String]) -> Result<()> {
    let options = parse(args)?;
    let bbc = options.corpus_dir.join("bbc.jsonl");
    if !bbc.exists() {
        bail!(
            "{} not found: pass --corpus DIR holding bbc.jsonl",
            bbc.display()
        );
    }
    let binary = build_release_pipeline()?;
    let scratch = root().join("target/bench-data");
    std::fs::create_dir_all(&scratch)?;
    let mut results = Vec::new();

    let runtime_only = options.stages == "none";
    // Throughput: the runtime alone is measured on 100 MB; full runs on the
    // corpora as they are.
    let throughput_inputs: Vec<(String, PathBuf)> = if runtime_only {
        vec![("bbc x20".into(), repeated(&bbc, 20, &scratch)?)]
    } else {
        let mut inputs = vec![("bbc".into(), bbc.clone())];
        let reuters = options.corpus_dir.join("reuters21578.jsonl");
        if reuters.exists() {
            inputs.push(("reuters".into(), reuters));
        }
        inputs
    };
    let configs: Vec<(&str, &Path, usize)> = throughput_inputs
        .iter()
        .flat_map(|(label, path)| [1, 2].map(|threads| (label.as_str(), path.as_path(), threads)))
        .collect();
    results.extend(median_runs(&binary, &configs, &options.stages)?);
    // Memory: the same run at 20 MB and 200 MB must peak at about the same.
    // The 20 MB input also runs on one thread (once): its scaling shows
    // what a longer run makes of the costs each worker pays once, such as
    // warming its caches.
    for (label, times) in [("bbc x4", 4), ("bbc x40", 40)] {
        let path = repeated(&bbc, times, &scratch)?;
        if times == 4 && !runtime_only {
            results.push(run(&binary, label, &path, 1, &options.stages)?);
        }
        results.push(run(&binary, label, &path, 2, &options.stages)?);
    }

    let spacy = if options.compare_spacy {
        compare_spacy(&binary, &bbc, &scratch, &options.stages)?
    } else {
        None
    };

    println!("stages: {}", options.stages);
    println!(
        "{:<10} {:>7} {:>8} {:>9} {:>13} {:>13}",
        "input", "threads", "MB", "MB/s", "(runs)", "peak RSS MB"
    );
    for m in &results {
        let (slowest, fastest) = m.mb_per_s_range;
        println!(
            "{:<10} {:>7} {:>8.1} {:>9.1} {:>13} {:>13.1}",
            m.label,
            m.threads,
            m.mb,
            m.mb_per_s,
            format!("{slowest:.1}-{fastest:.1}"),
            m.peak_rss_mb
        );
    }
    for label in throughput_inputs
        .iter()
        .map(|(label, _)| label.as_str())
        .chain(["bbc x4"])
    {
        let at = |t: usize| results.iter().find(|m| m.label == label && m.threads == t);
        if let (Some(one), Some(two)) = (at(1), at(2)) {
            let runs = if label == "bbc x4" {
                " (one run each)"
            } else {
                ""
            };
            println!(
                "{label}: scaling 1 -> 2 threads: {:.2}x{runs}",
                two.mb_per_s / one.mb_per_s
            );
        }
    }
    let rss = |l: &str| {
        results
            .iter()
            .find(|m| m.label == l && m.threads == 2)
            .map(|m| m.peak_rss_mb)
    };
    if let (Some(small), Some(large)) = (rss("bbc x4"), rss("bbc x40")) {
        println!(
            "peak RSS at 200 MB vs 20 MB of input: {large:.1} / {small:.1} MB = {:+.0}%",
            (large / small - 1.0) * 100.0
        );
    }
    if let Some((ours, theirs)) = spacy {
        println!(
            "1 MB slice of bbc, one thread: pipeline {ours:.2} MB/s, spaCy en_core_web_sm (sentencizer + NER) \
             {theirs:.3} MB/s: {:.0}x",
            ours / theirs
        );
    }
    Ok(())
}

/// Our one-thread MB/s and spaCy's on the same 1 MB slice, or `None` when
/// no Python with spaCy is available (`PYTHON` picks the interpreter).
fn compare_spacy(
    binary: &Path,
    bbc: &Path,
    scratch: &Path,
    stages: &str,
) -> Result<Option<(f64, f64)>> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let has_spacy = Command::new(&python)
        .args(["-c", "import spacy"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_spacy {
        eprintln!("--compare spacy: `import spacy` fails with {python}; set PYTHON to an environment with spacy and en_core_web_sm (the bench installs nothing)");
        return Ok(None);
    }
    let slice = scratch.join("bbc-1mb.jsonl");
    let mut out = BufWriter::new(File::create(&slice)?);
    let mut n_bytes = 0;
    for line in BufReader::new(File::open(bbc)?).lines() {
        let line = line?;
        if n_bytes + line.len() > 1_000_000 {
            break;
        }
        n_bytes += line.len() + 1;
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    drop(out);
    let ours = run(binary, "bbc 1 MB", &slice, 1, stages)?.mb_per_s;
    eprintln!("running spaCy on the same slice (this takes a while)...");
    let peer = Command::new(&python)
        .arg(root().join("examples/bench/spacy_peer.py"))
        .arg(&slice)
        .output()
        .context("run spaCy")?;
    let stdout = String::from_utf8_lossy(&peer.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("spacy "))
        .with_context(|| {
            format!(
                "spaCy printed no result: {}",
                String::from_utf8_lossy(&peer.stderr)
            )
        })?;
    let theirs: f64 = line.split(' ').nth(1).unwrap_or_default().parse()?;
    Ok(Some((ours, theirs)))
}

/// Runs of each throughput measurement: the median of several resists a
/// run slowed by whatever else the machine did.
const RUNS: usize = 5;

/// [`run`] of each configuration (label, input, threads) [`RUNS`] times,
/// in rounds that take every configuration in turn, so that a spell of
/// load on the machine slows all of them alike and the ratios between
/// them hold: per configuration, the median throughput (with the range of
/// its runs) and the highest peak RSS.
fn median_runs(
    binary: &Path,
    configs: &[(&str, &Path, usize)],
    stages: &str,
) -> Result<Vec<Measured>> {
    let mut runs: Vec<Vec<Measured>> = configs.iter().map(|_| Vec::new()).collect();
    for _ in 0..RUNS {
        for (&(label, input, threads), runs) in configs.iter().zip(&mut runs) {
            runs.push(run(binary, label, input, threads, stages)?);
        }
    }
    Ok(runs
        .into_iter()
        .map(|mut runs| {
            let peak_rss_mb = runs.iter().map(|m| m.peak_rss_mb).fold(0.0, f64::max);
            runs.sort_by(|a, b| a.mb_per_s.total_cmp(&b.mb_per_s));
            let range = (runs[0].mb_per_s, runs[RUNS - 1].mb_per_s);
            let mut median = runs.swap_remove(RUNS / 2);
            median.peak_rss_mb = peak_rss_mb;
            median.mb_per_s_range = range;
            median
        })
        .collect())
}

fn run(binary: &Path, label: &str, input: &Path, threads: usize, stages: &str) -> Result<Measured> {
    eprintln!("running {label} at {threads} thread(s)...");
    let threads_arg = threads.to_string();
    let args: [&OsStr; 6] = [
        "--input".as_ref(),
        input.as_os_str(),
        "--threads".as_ref(),
        threads_arg.as_ref(),
        "--stages".as_ref(),
        stages.as_ref(),
    ];
    let summary = &run_for_summary(binary, &args, label)?;
    let mb_per_s = number_before(summary, " MB/s")?;
    Ok(Measured {
        label: label.into(),
        threads,
        mb: number_before(summary, " MB of text")?,
        mb_per_s,
        mb_per_s_range: (mb_per_s, mb_per_s),
        peak_rss_mb: number_after(summary, "peak RSS ")?,
    })
}

/// `"... 12.5 MB/s"` -> 12.5 for marker `" MB/s"`.
fn number_before(line: &str, marker: &str) -> Result<f64> {
    let head = &line[..line
        .find(marker)
        .with_context(|| format!("{marker:?} in {line:?}"))?];
    let word = head.rsplit([' ', '(']).next().unwrap_or_default();
    word.parse()
        .with_context(|| format!("number before {marker:?} in {line:?}"))
}

fn number_after(line: &str, marker: &str) -> Result<f64> {
    let tail = &line[line
        .find(marker)
        .with_context(|| format!("{marker:?} in {line:?}"))?
        + marker.len()..];
    let word = tail.split(' ').next().unwrap_or_default();
    word.parse()
        .with_context(|| format!("number after {marker:?} in {line:?}"))
}

/// `corpus` repeated `times` times with fresh ids, cached under `scratch`.
pub fn repeated(corpus: &Path, times: usize, scratch: &Path) -> Result<PathBuf> {
    let stem = corpus.file_stem().unwrap_or_default().to_string_lossy();
    let path = scratch.join(format!("{stem}-x{times}.jsonl"));
    if path.exists() {
        return Ok(path);
    }
    let tmp = path.with_extension("tmp");
    let mut out = BufWriter::new(File::create(&tmp)?);
    for rep in 0..times {
        let lines = BufReader::new(File::open(corpus)?).lines();
        for line in lines {
            let mut rec: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&line?)?;
            let id = rec
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("doc")
                .to_string();
            rec.insert("id".into(), format!("{id}-r{rep}").into());
            serde_json::to_writer(&mut out, &rec)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn options_parse() {
        let o = parse(&args(&["--stages", "tag", "--compare", "spacy"])).unwrap();
        assert_eq!(o.stages, "tag");
        assert!(o.compare_spacy);
        assert!(!parse(&args(&[])).unwrap().compare_spacy);
        assert!(parse(&args(&["--compare", "nltk"])).is_err());
        assert!(parse(&args(&["--fast"])).is_err());
    }
}
