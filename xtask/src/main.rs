//! `cargo xtask <task>`: the single entry point for project chores.
//!
//! Run `cargo xtask help` for the list of tasks.

// Reports are the output of these tasks.
#![allow(clippy::print_stdout)]

mod batch;
mod bench;
mod eval_ner;
mod eval_quotes;
mod eval_segment;
mod lexicons;
mod score;
mod spark;
mod train_ner;
mod train_quotes;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <task> [args]

tasks:
  ci              fmt --check, clippy --all-targets -D warnings, tests (what .ci/run runs)
  batch --input PATH... --output DIR [--shard-docs N] [--threads N] [--pipeline BINARY]
                  the release pipeline over a corpus into resumable gzip shards + manifest.json
  bench [--stages all|tag|segment|none] [--corpus DIR] [--compare spacy]
                  throughput (MB/s of text, 1 and 2 threads) and peak RSS (20 vs 200 MB)
                  of the release binary on ../shared/data/corpus
  eval ner [--set conll-dev|uner-ewt-dev|...|all] [--file PATH --format conll|iob2] [--system CMD]
                  entity P/R/F1 of the release pipeline, as ../shared/tools/eval_ner.py computes it
  train-ner [--train FILE]... [--dev FILE]... [--out PATH] [--seed N] (--help for more)
                  train the entity tagger (writes crates/tagger/model/ner.bin)
  eval segment [--set S,...|all] [--data DIR] [--binary PATH]
                  sentence (golden rules, UD EWT/GUM) and token scores of the release
                  binary, as ../shared/tools/eval_segment.py computes them
  spark-check [--input FILE.jsonl]
                  run examples/spark/pipe_corpus.py in Spark local mode (needs pyspark;
                  PYTHON=path/to/python) and check it equals a single-process run
  eval quotes     [--set polnear-dev|polnear-train|polnear-test|all] [--data DIR] [--system CMD]
                  score the release binary on PolNeAR exactly as ../shared/tools/eval_quotes.py
  train-quotes    [--data DIR] [--out FILE] learn crates/quotes/data/cue_stats.tsv from PolNeAR train
  lexicons        [--data DIR]              derive crates/quotes/data/{cues.tsv,role_nouns.txt} from the gazetteers
";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();
    match task.as_deref() {
        Some("ci") => ci(&rest),
        Some("eval") if rest.first().map(String::as_str) == Some("quotes") => {
            eval_quotes::run(&root(), &rest[1..])
        }
        Some("train-quotes") => train_quotes::run(&root(), &rest),
        Some("lexicons") => lexicons::run(&root(), &rest),
        Some("bench") => bench::bench(&rest),
        Some("batch") => batch::batch(&rest),
        Some("eval") if rest.first().is_some_and(|s| s == "segment") => {
            eval_segment::eval_segment(&rest[1..])
        }
        Some("spark-check") => spark::spark_check(&rest),
        Some("eval") => eval_ner::eval(&rest),
        Some("train-ner") => train_ner::train_ner(&rest),
        Some("-h" | "--help" | "help") | None => {
            eprint!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n{USAGE}"),
    }
}

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Runs a command in the workspace root, failing if it fails.
fn cargo(args: &[&str]) -> Result<()> {
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(root())
        .status()
        .with_context(|| format!("cannot run cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Builds the release `pipeline` binary and returns its path.
fn build_release_pipeline() -> Result<PathBuf> {
    cargo(&[
        "build",
        "--release",
        "--quiet",
        "--package",
        "pipeline",
        "--bin",
        "pipeline",
    ])?;
    Ok(root().join("target/release/pipeline"))
}

/// Runs the release `pipeline` binary with `args` (output to `/dev/null`)
/// and returns its summary line (`N documents, E errors, X MB of text in
/// ...`); `what` names the run in errors. Exit code 1 (some documents
/// became error records) still counts as a run.
fn run_for_summary(binary: &Path, args: &[&OsStr], what: &str) -> Result<String> {
    let out = Command::new(binary)
        .args(args)
        .args(["--output", "/dev/null"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("run pipeline on {what}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !matches!(out.status.code(), Some(0 | 1)) {
        bail!("pipeline failed on {what}: {stderr}");
    }
    stderr
        .lines()
        .rev()
        .find(|l| l.contains(" MB of text in "))
        .map(str::to_string)
        .with_context(|| format!("no summary line from the pipeline on {what}: {stderr}"))
}

fn ci(_args: &[String]) -> Result<()> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--workspace", "--release"])?;
    Ok(())
}
