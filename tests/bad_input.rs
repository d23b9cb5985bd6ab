//! Bad input never crashes the run and never loses a document: every input
//! document yields exactly one record, a result or an error naming the cause.

use std::io::Write;
use std::process::Stdio;

use crate::util::{error_kind, pipeline, records, run_on, stderr};

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn invalid_utf8_and_binary_files_become_error_records() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "1_latin1.txt", b"Caf\xe9 society");
    write(&dir, "2_binary.txt", b"\x7fELF\x02\x01\x01\0\0\0\0");
    write(&dir, "3_ok.txt", b"Plain text.");
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    assert_eq!(recs.len(), 3);
    assert_eq!(error_kind(&recs[0]), Some("invalid_utf8"));
    assert!(recs[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("offset 3"));
    assert_eq!(recs[0]["id"], "1_latin1");
    assert!(recs[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("1_latin1.txt"));
    assert_eq!(error_kind(&recs[1]), Some("binary"));
    assert_eq!(error_kind(&recs[2]), None);
}

#[test]
fn bom_is_dropped_and_crlf_is_understood() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir,
        "a.txt",
        b"\xEF\xBB\xBFTitle line\r\n\r\nFirst sentence. Second one.\r\n",
    );
    write(
        &dir,
        "b.jsonl",
        b"\xEF\xBB\xBF{\"id\":\"j1\",\"text\":\"A.\"}\r\n{\"id\":\"j2\",\"text\":\"B.\"}\r\n",
    );
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["title"], "Title line");
    let text = recs[0]["text"].as_str().unwrap();
    assert!(text.starts_with("Title line\r\n"), "BOM dropped: {text:?}");
    for s in recs[0]["sentences"].as_array().unwrap() {
        let (a, b) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        let sentence: String = text.chars().skip(a).take(b - a).collect();
        assert!(
            !sentence.contains('\r') || sentence.contains("\r\n"),
            "{sentence:?}"
        );
        assert_eq!(sentence.trim(), sentence);
    }
    assert_eq!(recs[1]["id"], "j1");
    assert_eq!(recs[2]["id"], "j2");
}

#[test]
fn empty_files() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "empty.txt", b"");
    write(&dir, "empty.jsonl", b"");
    write(&dir, "blank_lines.jsonl", b"\n  \n\n");
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    // One article (the empty .txt); JSONL files without lines hold none.
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["id"], "empty");
    assert_eq!(recs[0]["text"], "");
    assert_eq!(recs[0]["sentences"], serde_json::json!([]));
}

#[test]
fn a_50_mb_article_is_refused_by_the_default_limit_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let big = "All work and no play makes a long article. ".repeat(50 * 1024 * 1024 / 43 + 1);
    write(&dir, "1_big.txt", big.as_bytes());
    let line = format!(
        "{{\"id\":\"big-line\",\"text\":\"{big}\"}}\n{{\"id\":\"small\",\"text\":\"Fine.\"}}\n"
    );
    write(&dir, "2_feed.jsonl", line.as_bytes());
    write(&dir, "3_small.txt", b"Small article.");
    drop(big);
    drop(line);
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    let kinds: Vec<Option<&str>> = recs.iter().map(error_kind).collect();
    assert_eq!(kinds, [Some("too_large"), Some("too_large"), None, None]);
    let message = recs[1]["error"]["message"].as_str().unwrap();
    assert!(message.contains("--max-doc-bytes"), "{message}");
    assert_eq!(
        recs[1]["id"], "2_feed:1",
        "an unread line is named by file and line"
    );
    assert_eq!(recs[2]["id"], "small");
}

#[test]
fn a_large_article_is_processed_when_the_limit_allows_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = "The committee met again. Nothing was decided.\n\n".repeat(40_000); // ~1.9 MB
    write(&dir, "long.txt", text.as_bytes());
    let out = run_on(&[dir.path()], &["--max-doc-bytes", "4000000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert!(recs[0]["sentences"].as_array().unwrap().len() >= 40_000);
    let out = run_on(&[dir.path()], &["--max-doc-bytes", "1000000"]);
    assert_eq!(error_kind(&records(&out)[0]), Some("too_large"));
}

#[test]
fn malformed_and_textless_jsonl_lines_are_reported_by_line_and_later_lines_survive() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "feed.jsonl",
        b"{\"id\":\"a\",\"text\":\"One.\"}\n{\"id\":\"b\",\"text\":\n{\"id\":\"c\",\"title\":\"No text\"}\n[1,2]\n{\"id\":\"e\",\"text\":42}\n{\"id\":\"f\",\"text\":\"Six.\"}\n",
    );
    let out = run_on(&[&path], &[]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    let kinds: Vec<Option<&str>> = recs.iter().map(error_kind).collect();
    assert_eq!(
        kinds,
        [
            None,
            Some("malformed_json"),
            Some("missing_text"),
            Some("malformed_json"),
            Some("missing_text"),
            None
        ]
    );
    assert!(recs[1]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("line 2:"));
    assert_eq!(recs[1]["id"], "feed:2");
    assert_eq!(
        recs[2]["id"], "feed:3",
        "an unusable line keeps a positional id"
    );
    assert_eq!(recs[5]["id"], "f");
}

#[test]
fn unreadable_files_in_a_directory_are_reported_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "a.txt", b"Readable.");
    // A dangling link cannot be read by anyone, root included.
    std::os::unix::fs::symlink(dir.path().join("gone.txt"), dir.path().join("b.txt")).unwrap();
    write(&dir, "c.txt", b"Also readable.");
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let recs = records(&out);
    let kinds: Vec<Option<&str>> = recs.iter().map(error_kind).collect();
    assert_eq!(kinds, [None, Some("unreadable"), None]);
    assert!(recs[1]["source"].as_str().unwrap().ends_with("b.txt"));
}

#[test]
fn corrupt_gzip_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir,
        "a.txt.gz",
        b"\x1f\x8b\x08\x00garbage that is not deflate",
    );
    write(&dir, "b.txt", b"Fine.");
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    let kinds: Vec<Option<&str>> = recs.iter().map(error_kind).collect();
    assert_eq!(kinds, [Some("unreadable"), None]);
}

#[test]
fn stdin_closing_mid_line_reports_the_partial_line() {
    let mut child = pipeline()
        .args(["--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"{\"id\":\"a\",\"text\":\"Whole line.\"}\n{\"id\":\"b\",\"te")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(error_kind(&recs[0]), None);
    assert_eq!(error_kind(&recs[1]), Some("malformed_json"));
    assert_eq!(recs[1]["source"], "stdin:2");
}
