//! `cargo xtask <task>`: the single entry point for project chores.
//!
//! Tasks:
//!   ci            cargo fmt --check, clippy -D warnings, the workspace tests
//!   eval quotes   score the release binary on PolNeAR (as eval_quotes.py)
//!   train-quotes  learn the quote stage's cue statistics from PolNeAR train

mod eval_quotes;
mod train_quotes;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <task> [args]

tasks:
  ci              fmt --check, clippy --all-targets -D warnings, tests (what .ci/run runs)
  eval quotes     [--set polnear-dev|polnear-train|polnear-test|all] [--data DIR] [--system CMD]
                  score the release binary on PolNeAR exactly as ../shared/tools/eval_quotes.py
  train-quotes    [--data DIR] [--out FILE] learn crates/quotes/data/cue_stats.tsv from PolNeAR train
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
