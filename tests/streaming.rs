//! The runtime: streaming from stdin, order and determinism across thread
//! counts, and failures isolated to their document.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use document::{Document, Stage, StageError};
use sinks::{JsonlSink, Sink};

use crate::util::{pipeline, records, stderr};

#[test]
fn stdin_is_streamed_record_by_record() {
    let mut child = pipeline()
        .args(["--input", "-", "--threads", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if line_tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    for (n, text) in ["First article.", "Second article."].iter().enumerate() {
        writeln!(stdin, "{{\"id\":\"s{n}\",\"text\":\"{text}\"}}").unwrap();
        stdin.flush().unwrap();
        // The record arrives while stdin is still open.
        let line = line_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a record for each line before stdin closes");
        let rec: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(rec["id"], format!("s{n}"));
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// A few hundred generated articles of varied size and content.
fn generated_corpus() -> String {
    let mut out = String::new();
    let bits = [
        "The minister said the talks would resume on Monday.",
        "\"We are not there yet,\" she told reporters in Geneva.",
        "Shares in Acme Corp. rose 4.5% to $12.30 after the U.S. report.",
        "Mr. Smith, who joined in 2019, declined to comment.",
        "According to the agency, exports fell for a third month.",
        "Zoë Müller – a résumé of 😀 events – was published in Zürich.",
    ];
    for i in 0..300usize {
        let n_paragraphs = 1 + i % 7;
        let mut text = String::new();
        for p in 0..n_paragraphs {
            if p > 0 {
                text.push_str("\n\n");
            }
            for s in 0..(1 + (i * 7 + p) % 5) {
                text.push_str(bits[(i + p + s) % bits.len()]);
                text.push(' ');
            }
        }
        let rec = serde_json::json!({"id": format!("gen-{i}"), "text": text.trim_end()});
        out.push_str(&rec.to_string());
        out.push('\n');
        if i % 50 == 49 {
            out.push_str("{\"id\": broken\n"); // an error record mid-stream
        }
    }
    out
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    std::fs::write(&path, generated_corpus()).unwrap();
    let run = |threads: &str| {
        let out = pipeline()
            .arg("--input")
            .arg(&path)
            .args(["--threads", threads])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        out.stdout
    };
    let one = run("1");
    let four = run("4");
    assert!(one == four, "--threads 1 and --threads 4 differ");
    let recs = records(&std::process::Output {
        status: std::process::ExitStatus::default(),
        stdout: one,
        stderr: Vec::new(),
    });
    assert_eq!(recs.len(), 306, "300 articles + 6 broken lines");
    assert_eq!(recs[0]["id"], "gen-0");
    assert_eq!(recs[304]["id"], "gen-299");
    assert_eq!(
        recs[305]["id"], "corpus:306",
        "the last line is a broken one"
    );
}

/// Panics on one document, fails another, passes the rest.
struct Troublemaker;

impl Stage for Troublemaker {
    fn name(&self) -> &'static str {
        "troublemaker"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        match doc.text.as_str() {
            "panic" => panic!("boom on purpose"),
            "fail" => Err(StageError::new("refused on purpose")),
            _ => Ok(()),
        }
    }
}

#[test]
fn a_panicking_stage_costs_only_its_document() {
    let lines: Vec<String> = ["ok", "panic", "ok", "fail", "ok"]
        .iter()
        .enumerate()
        .map(|(i, text)| format!("{{\"id\":\"d{i}\",\"text\":\"{text}\"}}"))
        .collect();
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path().with_extension("jsonl"), lines.join("\n")).unwrap();
    let jsonl = path.path().with_extension("jsonl");
    let inputs = reader::resolve(&[&jsonl]).unwrap();
    let stages: Vec<Box<dyn Stage>> = vec![Box::new(Troublemaker)];
    let mut out = Vec::new();
    let mut sink = JsonlSink::new(&mut out);
    let summary = pipeline::run(
        reader::Reader::new(inputs, reader::DEFAULT_MAX_DOC_BYTES),
        &stages,
        &mut sink as &mut dyn Sink,
        3,
        &mut |_| {},
    )
    .unwrap();
    drop(sink);
    std::fs::remove_file(jsonl).unwrap();
    assert_eq!(summary.n_docs, 5);
    assert_eq!(summary.n_errors, 2);
    let recs: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["d0", "d1", "d2", "d3", "d4"]);
    assert_eq!(recs[1]["error"]["kind"], "panic");
    let message = recs[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("troublemaker") && message.contains("boom on purpose"),
        "{message}"
    );
    assert_eq!(recs[3]["error"]["kind"], "stage_failed");
    assert!(recs[3]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("refused on purpose"));
}
