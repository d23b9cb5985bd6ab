//! `cargo xtask spark-check`: runs `examples/spark/pipe_corpus.py` in Spark
//! local mode and checks that its output equals a plain single-process run.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{build_release_pipeline, root};

/// Articles taken from the corpus for the check.
const N_DOCS: usize = 400;

pub fn spark_check(args: &[String]) -> Result<()> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let has_pyspark = Command::new(&python)
        .args(["-c", "import pyspark"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_pyspark {
        bail!(
            "pyspark is not importable with {python}.\n\
             Install it (it needs Java 17+ on PATH), e.g.:\n  \
             python3 -m venv .venv && .venv/bin/pip install pyspark\n  \
             PYTHON=.venv/bin/python cargo xtask spark-check"
        );
    }
    let corpus = match args {
        [flag, path] if flag == "--input" => PathBuf::from(path),
        [] => root().join("../shared/data/corpus/bbc.jsonl"),
        _ => bail!("usage: cargo xtask spark-check [--input FILE.jsonl]"),
    };
    let binary = build_release_pipeline()?;
    let work = root().join("target/spark-check");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work)?;
    let input = work.join("input.jsonl");
    take_lines(&corpus, &input, N_DOCS)?;

    let spark_out = work.join("spark-out");
    eprintln!("running examples/spark/pipe_corpus.py in local[2] mode...");
    let status = Command::new(&python)
        .arg(root().join("examples/spark/pipe_corpus.py"))
        .args(["--master", "local[2]", "--partitions", "4", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&spark_out)
        .arg("--binary")
        .arg(&binary)
        .status()
        .context("run pyspark")?;
    if !status.success() {
        bail!("the Spark job failed ({status})");
    }
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&spark_out)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    parts.retain(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("part-"))
    });
    parts.sort();
    let mut from_spark = Vec::new();
    for part in &parts {
        from_spark.extend(records(BufReader::new(std::fs::File::open(part)?))?);
    }

    let single = Command::new(&binary)
        .arg("--input")
        .arg(&input)
        .arg("--quiet")
        .output()
        .context("run pipeline")?;
    let from_single = records(single.stdout.as_slice())?;

    // `source` names where a record was read: `stdin:N` within a Spark
    // partition, `input.jsonl:N` in the single run. Everything else must match.
    let strip = |mut v: serde_json::Value| {
        if let Some(map) = v.as_object_mut() {
            map.remove("source");
        }
        v
    };
    if from_spark.len() != from_single.len() {
        bail!(
            "Spark gave {} records, the single run {}",
            from_spark.len(),
            from_single.len()
        );
    }
    for (n, (a, b)) in from_spark.into_iter().zip(from_single).enumerate() {
        if strip(a) != strip(b) {
            bail!("record {} differs between Spark and the single run", n + 1);
        }
    }
    println!(
        "spark-check passed: {} documents through {} Spark partitions equal the single-process run \
         (all fields but `source`)",
        N_DOCS.min(count_lines(&input)?),
        parts.len()
    );
    Ok(())
}

fn records(reader: impl BufRead) -> Result<Vec<serde_json::Value>> {
    reader
        .lines()
        .map(|line| Ok(serde_json::from_str(&line?)?))
        .collect()
}

fn take_lines(from: &Path, to: &Path, n: usize) -> Result<()> {
    let reader = BufReader::new(
        std::fs::File::open(from).with_context(|| format!("open {}", from.display()))?,
    );
    let mut out = std::fs::File::create(to)?;
    for line in reader.lines().take(n) {
        writeln!(out, "{}", line?)?;
    }
    Ok(())
}

fn count_lines(path: &Path) -> Result<usize> {
    Ok(BufReader::new(std::fs::File::open(path)?).lines().count())
}
