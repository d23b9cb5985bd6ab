//! `cargo xtask batch` survives SIGKILL at any moment: a rerun completes the
//! output with no document lost or duplicated, and keeps finished shards.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const N_DOCS: usize = 3000;
const SHARD_DOCS: usize = 100;

/// The `pipeline` binary of the same build profile, built if missing.
fn pipeline_binary() -> PathBuf {
    let xtask = Path::new(env!("CARGO_BIN_EXE_xtask"));
    let binary = xtask.with_file_name("pipeline");
    if !binary.exists() {
        let release = xtask.parent().is_some_and(|d| d.ends_with("release"));
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--package", "pipeline", "--bin", "pipeline"]);
        if release {
            cmd.arg("--release");
        }
        assert!(cmd.status().unwrap().success(), "build the pipeline binary");
    }
    binary
}

fn corpus(dir: &Path) -> PathBuf {
    let path = dir.join("corpus.jsonl");
    let mut out = String::new();
    let sentences = [
        "The regional council approved the new water plan on Tuesday.",
        "\"It is the best option we have,\" said council leader Ann Bell.",
        "Opponents said the cost, estimated at $2.4m, was too high.",
        "According to the planning office, work could start in May.",
    ];
    for i in 0..N_DOCS {
        let mut text = String::new();
        for p in 0..(2 + i % 4) {
            for s in 0..4 {
                text.push_str(sentences[(i + p + s) % sentences.len()]);
                text.push(' ');
            }
            text.push_str("\n\n");
        }
        let rec = serde_json::json!({"id": format!("doc-{i:05}"), "text": text.trim_end()});
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    std::fs::write(&path, out).unwrap();
    path
}

fn batch(corpus: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("batch")
        .arg("--input")
        .arg(corpus)
        .arg("--output")
        .arg(out)
        .args([
            "--shard-docs",
            &SHARD_DOCS.to_string(),
            "--threads",
            "1",
            "--pipeline",
        ])
        .arg(pipeline_binary())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn manifest(out: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(out.join("manifest.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn n_shards(out: &Path) -> usize {
    manifest(out).map_or(0, |m| m["shards"].as_array().unwrap().len())
}

/// Shard files the manifest lists, with their modification times.
fn listed_shards(out: &Path) -> HashMap<String, SystemTime> {
    let Some(m) = manifest(out) else {
        return HashMap::new();
    };
    m["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let file = s["file"].as_str().unwrap().to_string();
            let mtime = std::fs::metadata(out.join(&file))
                .unwrap()
                .modified()
                .unwrap();
            (file, mtime)
        })
        .collect()
}

fn ids_in_shards(out: &Path) -> Vec<String> {
    let m = manifest(out).unwrap();
    let mut ids = Vec::new();
    for shard in m["shards"].as_array().unwrap() {
        let file = std::fs::File::open(out.join(shard["file"].as_str().unwrap())).unwrap();
        let lines = BufReader::new(flate2::read::MultiGzDecoder::new(file)).lines();
        let mut n = 0;
        for line in lines {
            let rec: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
            ids.push(rec["id"].as_str().unwrap().to_string());
            n += 1;
        }
        assert_eq!(
            n,
            shard["docs"].as_u64().unwrap(),
            "shard count matches manifest"
        );
    }
    ids
}

#[test]
fn killed_batch_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus(dir.path());
    let out = dir.path().join("out");

    // Kill the job at growing points: as soon as 1, then 5, then 12 shards
    // are recorded (each time mid-run), then let it finish.
    let mut kept_before_last_kill = HashMap::new();
    let mut mid_run_kills = 0;
    for kill_at in [1, 5, 12] {
        let mut child = batch(&corpus, &out).spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if child.try_wait().unwrap().is_some() {
                break; // finished before the kill point: nothing to test here
            }
            if n_shards(&out) >= kill_at {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                let m = manifest(&out).unwrap();
                if m["complete"] == false {
                    mid_run_kills += 1;
                }
                kept_before_last_kill = listed_shards(&out);
                break;
            }
            assert!(Instant::now() < deadline, "batch made no progress");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    assert!(mid_run_kills >= 1, "the job was never killed mid-run");

    let status = batch(&corpus, &out).status().unwrap();
    assert!(status.success());
    let m = manifest(&out).unwrap();
    assert_eq!(m["complete"], true);
    assert_eq!(m["totals"]["docs"], N_DOCS);

    let ids = ids_in_shards(&out);
    let expected: Vec<String> = (0..N_DOCS).map(|i| format!("doc-{i:05}")).collect();
    assert!(ids == expected, "every document exactly once, in order");

    // Shards finished before the last kill were kept, not rewritten.
    for (file, mtime) in &kept_before_last_kill {
        let now = std::fs::metadata(out.join(file))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(&now, mtime, "{file} was rewritten");
    }
    // No temporary or unlisted files remain.
    for entry in std::fs::read_dir(&out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "leftover {name}");
    }

    // A rerun of a complete job changes nothing.
    let before = listed_shards(&out);
    assert!(batch(&corpus, &out).status().unwrap().success());
    assert_eq!(listed_shards(&out), before);
}
