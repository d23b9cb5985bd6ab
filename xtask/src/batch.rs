//! `cargo xtask batch`: the release pipeline over a corpus, into sharded,
//! compressed, resumable output.
//!
//! Output directory layout:
//!
//! ```text
//! part-00000.jsonl.gz   documents 0 .. N-1 of the input, in input order
//! part-00000.stats.json per-shard speaker counts (for the final summary)
//! part-00001.jsonl.gz   documents N .. 2N-1
//! ...
//! manifest.json         inputs, shard list with counts and checksums, totals
//! ```
//!
//! Resumption rests on two facts: the input's document order is
//! deterministic, and a shard exists under its final name in the manifest
//! only once it is complete and synced. A shard is written to a temporary
//! name, synced, renamed, and only then recorded in the manifest (itself
//! replaced atomically). After a kill at any moment, a rerun keeps the shards
//! the manifest lists, deletes anything else, and asks the pipeline to skip
//! the documents those shards hold: none is lost, none is written twice.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{build_release_pipeline, run_for_summary};

const MANIFEST: &str = "manifest.json";
const DEFAULT_SHARD_DOCS: usize = 10_000;

#[derive(Debug)]
struct Options {
    inputs: Vec<String>,
    output: PathBuf,
    shard_docs: usize,
    threads: Option<usize>,
    pipeline: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut inputs = Vec::new();
    let mut output = None;
    let mut shard_docs = DEFAULT_SHARD_DOCS;
    let mut threads = None;
    let mut pipeline = None;
    let mut args = args.iter().peekable();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--input" => {
                inputs.push(value()?.clone());
                while let Some(more) = args.next_if(|a| !a.starts_with("--")) {
                    inputs.push(more.clone());
                }
            }
            "--output" => output = Some(PathBuf::from(value()?)),
            "--shard-docs" => shard_docs = value()?.parse().context("--shard-docs")?,
            "--threads" => threads = Some(value()?.parse().context("--threads")?),
            "--pipeline" => pipeline = Some(PathBuf::from(value()?)),
            other => bail!("unknown batch option {other:?}\n{USAGE}"),
        }
    }
    if inputs.is_empty() || output.is_none() || shard_docs == 0 {
        bail!("{USAGE}");
    }
    let output = output.expect("checked");
    Ok(Options {
        inputs,
        output,
        shard_docs,
        threads,
        pipeline,
    })
}

const USAGE: &str = "usage: cargo xtask batch --input PATH... --output DIR [--shard-docs N] \
[--threads N] [--pipeline BINARY]";

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Manifest {
    inputs: Vec<String>,
    shard_docs: usize,
    shards: Vec<Shard>,
    totals: Totals,
    complete: bool,
    versions: Versions,
    /// Wall time of all runs that contributed, in seconds.
    elapsed_s: f64,
    /// MB of input text per second of `elapsed_s`.
    mb_per_s: f64,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Clone)]
struct Shard {
    file: String,
    docs: u64,
    errors: u64,
    quotes: u64,
    text_bytes: u64,
    bytes: u64,
    sha256: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Default)]
struct Totals {
    docs: u64,
    errors: u64,
    quotes: u64,
    text_bytes: u64,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Versions {
    pipeline: String,
    git_commit: Option<String>,
}

/// The fields of an output record the summary needs.
#[derive(Deserialize)]
struct RecordStats {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    quotes: Vec<QuoteStats>,
}

#[derive(Deserialize)]
struct QuoteStats {
    #[serde(default)]
    speaker_name: Option<String>,
}

pub fn batch(args: &[String]) -> Result<()> {
    let options = parse(args)?;
    let binary = match &options.pipeline {
        Some(path) => path.clone(),
        None => build_release_pipeline()?,
    };
    fs::create_dir_all(&options.output)
        .with_context(|| format!("create {}", options.output.display()))?;
    let started = Instant::now();

    let mut manifest = load_or_start(&options, &binary)?;
    if manifest.complete {
        eprintln!("{} is already complete", options.output.display());
        return summarize(&options.output, &manifest);
    }
    remove_leftovers(&options.output, &manifest)?;
    let clock = (manifest.elapsed_s, started);
    let done_docs: u64 = manifest.shards.iter().map(|s| s.docs).sum();
    if done_docs > 0 {
        eprintln!(
            "resuming: {} finished shards ({done_docs} documents) are kept",
            manifest.shards.len()
        );
    }
    let total_docs = count_docs(&binary, &options.inputs)?;
    let progress = progress_bar(total_docs, done_docs);

    let mut cmd = Command::new(&binary);
    cmd.arg("--input")
        .args(&options.inputs)
        .args(["--skip-docs", &done_docs.to_string(), "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(threads) = options.threads {
        cmd.args(["--threads", &threads.to_string()]);
    }
    let mut child = cmd.spawn().context("start the pipeline")?;
    let stdout = BufReader::with_capacity(1 << 20, child.stdout.take().expect("piped"));

    let mut writer: Option<ShardWriter> = None;
    let mut run_bytes = 0u64;
    for line in stdout.lines() {
        let line = line.context("read pipeline output")?;
        let shard = match &mut writer {
            Some(w) => w,
            None => writer.insert(ShardWriter::create(&options.output, manifest.shards.len())?),
        };
        let stats: RecordStats = serde_json::from_str(&line).context("parse pipeline output")?;
        shard.add(&line, &stats)?;
        run_bytes += stats.text.as_ref().map_or(0, |t| t.len() as u64);
        progress.inc(1);
        progress.set_message(format!(
            "{:.1} MB/s",
            run_bytes as f64 / 1e6 / started.elapsed().as_secs_f64()
        ));
        if shard.docs as usize == options.shard_docs {
            let finished = writer.take().expect("open shard").finish()?;
            record_shard(&options.output, &mut manifest, finished, clock)?;
        }
    }
    let status = child.wait()?;
    if !matches!(status.code(), Some(0 | 1)) {
        bail!("the pipeline failed ({status}); rerun the same command to resume");
    }
    if let Some(last) = writer.take() {
        let finished = last.finish()?;
        record_shard(&options.output, &mut manifest, finished, clock)?;
    }
    progress.finish_and_clear();
    manifest.complete = true;
    write_manifest(&options.output, &manifest)?;
    summarize(&options.output, &manifest)
}

/// The manifest of an earlier run of the same job, or a fresh one.
fn load_or_start(options: &Options, binary: &Path) -> Result<Manifest> {
    let path = options.output.join(MANIFEST);
    if path.exists() {
        let manifest: Manifest = serde_json::from_slice(&fs::read(&path)?)
            .with_context(|| format!("read {}", path.display()))?;
        if manifest.inputs != options.inputs || manifest.shard_docs != options.shard_docs {
            bail!(
                "{} holds a different job (inputs {:?}, --shard-docs {}); use another --output \
                 or delete it",
                options.output.display(),
                manifest.inputs,
                manifest.shard_docs
            );
        }
        for shard in &manifest.shards {
            let file = options.output.join(&shard.file);
            let len = fs::metadata(&file).map(|m| m.len()).unwrap_or(u64::MAX);
            if len != shard.bytes {
                bail!(
                    "{} is missing or changed since it was recorded; delete {} to start over",
                    file.display(),
                    options.output.display()
                );
            }
        }
        return Ok(manifest);
    }
    let version = Command::new(binary).arg("--version").output()?;
    let git_commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let manifest = Manifest {
        inputs: options.inputs.clone(),
        shard_docs: options.shard_docs,
        shards: Vec::new(),
        totals: Totals::default(),
        complete: false,
        versions: Versions {
            pipeline: String::from_utf8_lossy(&version.stdout).trim().to_string(),
            git_commit,
        },
        elapsed_s: 0.0,
        mb_per_s: 0.0,
    };
    write_manifest(&options.output, &manifest)?;
    Ok(manifest)
}

/// Deletes shard files the manifest does not list (a kill can leave a
/// temporary file, or a renamed shard the manifest had not yet recorded).
fn remove_leftovers(dir: &Path, manifest: &Manifest) -> Result<()> {
    let kept: Vec<String> = manifest
        .shards
        .iter()
        .flat_map(|s| [s.file.clone(), stats_name(&s.file)])
        .collect();
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let ours =
            name.starts_with("part-") || name.starts_with(".part-") || name == ".manifest.tmp";
        if ours && !kept.contains(&name) {
            fs::remove_file(dir.join(&name))?;
        }
    }
    Ok(())
}

/// Documents in the inputs, from a pass-through run of the binary (the same
/// walk and framing as the real run, at hundreds of MB/s).
fn count_docs(binary: &Path, inputs: &[String]) -> Result<u64> {
    let mut args: Vec<&OsStr> = vec!["--input".as_ref()];
    args.extend(inputs.iter().map(OsStr::new));
    args.extend(["--stages", "none"].map(OsStr::new));
    let summary = &run_for_summary(binary, &args, "the inputs")?;
    let n = summary.split(' ').next().unwrap_or_default();
    n.parse()
        .with_context(|| format!("document count in {summary:?}"))
}

fn progress_bar(total: u64, done: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} documents ({per_sec}, {msg}) ETA {eta}",
        )
        .expect("valid template"),
    );
    bar.set_position(done);
    bar.reset_eta();
    bar
}

/// One shard being written under a temporary name.
struct ShardWriter {
    dir: PathBuf,
    name: String,
    tmp: PathBuf,
    gz: flate2::write::GzEncoder<File>,
    docs: u64,
    errors: u64,
    quotes: u64,
    text_bytes: u64,
    speakers: HashMap<String, u64>,
}

impl ShardWriter {
    fn create(dir: &Path, idx: usize) -> Result<ShardWriter> {
        let name = format!("part-{idx:05}.jsonl.gz");
        let tmp = dir.join(format!(".{name}.tmp"));
        let file = File::create(&tmp).with_context(|| format!("create {}", tmp.display()))?;
        Ok(ShardWriter {
            dir: dir.to_path_buf(),
            name,
            tmp,
            gz: flate2::write::GzEncoder::new(file, flate2::Compression::fast()),
            docs: 0,
            errors: 0,
            quotes: 0,
            text_bytes: 0,
            speakers: HashMap::new(),
        })
    }

    fn add(&mut self, line: &str, stats: &RecordStats) -> Result<()> {
        self.gz.write_all(line.as_bytes())?;
        self.gz.write_all(b"\n")?;
        self.docs += 1;
        self.errors += u64::from(stats.error.is_some());
        self.quotes += stats.quotes.len() as u64;
        self.text_bytes += stats.text.as_ref().map_or(0, |t| t.len() as u64);
        for quote in &stats.quotes {
            if let Some(name) = &quote.speaker_name {
                *self.speakers.entry(name.clone()).or_default() += 1;
            }
        }
        Ok(())
    }

    /// Completes, syncs and renames the shard; returns its record.
    fn finish(self) -> Result<Shard> {
        let file = self.gz.finish()?;
        file.sync_all()?;
        drop(file);
        write_atomic(
            &self.dir.join(stats_name(&self.name)),
            &serde_json::to_vec(&self.speakers)?,
        )?;
        let path = self.dir.join(&self.name);
        fs::rename(&self.tmp, &path)?;
        Ok(Shard {
            sha256: sha256_of(&path)?,
            bytes: fs::metadata(&path)?.len(),
            file: self.name,
            docs: self.docs,
            errors: self.errors,
            quotes: self.quotes,
            text_bytes: self.text_bytes,
        })
    }
}

fn stats_name(shard_file: &str) -> String {
    shard_file.replace(".jsonl.gz", ".stats.json")
}

/// Adds a finished shard to the manifest and saves it. `clock` is the time
/// of earlier runs and the start of this one: elapsed time accumulates over
/// resumed runs (a killed run's time after its last shard is not counted).
fn record_shard(
    dir: &Path,
    manifest: &mut Manifest,
    shard: Shard,
    clock: (f64, Instant),
) -> Result<()> {
    let totals = &mut manifest.totals;
    totals.docs += shard.docs;
    totals.errors += shard.errors;
    totals.quotes += shard.quotes;
    totals.text_bytes += shard.text_bytes;
    manifest.shards.push(shard);
    manifest.elapsed_s = clock.0 + clock.1.elapsed().as_secs_f64();
    manifest.mb_per_s = manifest.totals.text_bytes as f64 / 1e6 / manifest.elapsed_s.max(1e-9);
    write_manifest(dir, manifest)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    write_atomic(&dir.join(MANIFEST), &serde_json::to_vec_pretty(manifest)?)
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    Ok(())
}

fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

fn summarize(dir: &Path, manifest: &Manifest) -> Result<()> {
    let mut speakers: HashMap<String, u64> = HashMap::new();
    for shard in &manifest.shards {
        let counts: HashMap<String, u64> =
            serde_json::from_slice(&fs::read(dir.join(stats_name(&shard.file)))?)?;
        for (name, n) in counts {
            *speakers.entry(name).or_default() += n;
        }
    }
    let mut top: Vec<(String, u64)> = speakers.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let t = &manifest.totals;
    println!(
        "{} documents ({} errors), {} quotes, {:.1} MB of text in {} shards under {}",
        t.docs,
        t.errors,
        t.quotes,
        t.text_bytes as f64 / 1e6,
        manifest.shards.len(),
        dir.display()
    );
    println!("top speakers:");
    for (name, n) in top.iter().take(10) {
        println!("  {n:>6}  {name}");
    }
    Ok(())
}
