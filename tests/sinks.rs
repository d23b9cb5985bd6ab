//! Output sinks through the binary: every format holds the same records,
//! files appear only when complete, existing files are refused without
//! `--force`, sink failures exit 2 with a clear message. The assertions are
//! invariants between formats (not particular quotes), so they hold whatever
//! the stages find. The HTML report in a real browser: `sinks/browser.rs`.

mod browser;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{assert_refused, fixture, pipeline, records, stderr};

/// A fresh folder for one test's outputs.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sinks-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn articles() -> String {
    fixture("sinks/articles.jsonl").display().to_string()
}

fn run(args: &[&str]) -> Output {
    pipeline().args(args).output().unwrap()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn names_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn jsonl_file(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn csv_file(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn text_of(value: &Value) -> String {
    value.as_str().unwrap_or("").to_string()
}

/// Each record's quotes (or entities) with the record's id.
fn items<'a>(recs: &'a [Value], key: &str) -> Vec<(&'a str, &'a Value)> {
    recs.iter()
        .filter(|r| r.get("error").is_none())
        .flat_map(|r| {
            let id = r["id"].as_str().unwrap();
            r[key].as_array().unwrap().iter().map(move |q| (id, q))
        })
        .collect()
}

#[test]
fn every_format_holds_the_same_records() {
    let dir = scratch("all-formats");
    let out = run(&[
        "--input",
        "seeds",
        &articles(),
        "--output",
        &path(&dir, "out.jsonl"),
        "--output",
        &path(&dir, "out.json"),
        "--output",
        &path(&dir, "quotes.csv"),
        "--output",
        &path(&dir, "entities.csv"),
        "--csv-table",
        "quotes",
        "--csv-table",
        "entities",
        "--output",
        &path(&dir, "report.html"),
        "--output",
        &path(&dir, "corpus.db"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one malformed line: {}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty(), "everything went to files");
    let expected: BTreeSet<String> = [
        "out.jsonl",
        "out.json",
        "quotes.csv",
        "entities.csv",
        "report.html",
        "corpus.db",
    ]
    .map(String::from)
    .into();
    assert_eq!(names_in(&dir), expected, "no temporary file left");

    // JSONL in a file is what stdout gets.
    let recs = jsonl_file(&dir.join("out.jsonl"));
    let stdout = run(&["--input", "seeds", &articles(), "--quiet"]);
    assert_eq!(records(&stdout), recs);
    assert_eq!(recs.len(), 5);
    let errors: Vec<&Value> = recs.iter().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(errors.len(), 1);
    let error_id = errors[0]["id"].as_str().unwrap();

    // JSON: the same objects in one array.
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out.json")).unwrap()).unwrap();
    assert_eq!(json, Value::Array(recs.clone()));

    // CSV: one row per quote / entity, one row per error.
    let quotes = items(&recs, "quotes");
    let rows = csv_file(&dir.join("quotes.csv"));
    let (error_rows, rows): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|r| !r["error"].is_empty());
    assert_eq!(error_rows.len(), 1);
    assert_eq!(error_rows[0]["doc_id"], error_id);
    assert_eq!(rows.len(), quotes.len());
    for (row, (id, q)) in rows.iter().zip(&quotes) {
        assert_eq!(row["doc_id"], *id);
        assert_eq!(row["text"], text_of(&q["text"]));
        assert_eq!(row["kind"], text_of(&q["kind"]));
        assert_eq!(row["start"], q["start"].to_string());
        assert_eq!(row["end"], q["end"].to_string());
        assert_eq!(row["speaker_name"], text_of(&q["speaker_name"]));
        assert_eq!(row["speaker"], text_of(&q["speaker"]["text"]));
        assert_eq!(row["cue"], text_of(&q["cue"]["text"]));
    }
    let entities = items(&recs, "entities");
    let rows = csv_file(&dir.join("entities.csv"));
    let rows: Vec<_> = rows.into_iter().filter(|r| r["error"].is_empty()).collect();
    assert_eq!(rows.len(), entities.len());
    for (row, (id, e)) in rows.iter().zip(&entities) {
        assert_eq!(row["doc_id"], *id);
        assert_eq!(row["text"], text_of(&e["text"]));
        assert_eq!(row["label"], text_of(&e["label"]));
        assert_eq!(row["start"], e["start"].to_string());
    }

    // SQLite: a row per record, the same children.
    let db = rusqlite::Connection::open(dir.join("corpus.db")).unwrap();
    let ids: Vec<(String, Option<String>)> = db
        .prepare("SELECT id, error_kind FROM documents ORDER BY rowid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected_ids: Vec<(String, Option<String>)> = recs
        .iter()
        .map(|r| {
            let kind = r.get("error").map(|e| text_of(&e["kind"]));
            (text_of(&r["id"]), kind)
        })
        .collect();
    assert_eq!(ids, expected_ids);
    let db_quotes: Vec<(String, String, i64, i64)> = db
        .prepare(
            "SELECT q.doc_id, q.text, q.char_start, q.char_end FROM quotes q
             JOIN documents d ON d.id = q.doc_id ORDER BY d.rowid, q.idx",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let json_quotes: Vec<(String, String, i64, i64)> = quotes
        .iter()
        .map(|(id, q)| {
            let n = |k: &str| q[k].as_i64().unwrap();
            (id.to_string(), text_of(&q["text"]), n("start"), n("end"))
        })
        .collect();
    assert_eq!(db_quotes, json_quotes);
    for (table, key) in [
        ("entities", "entities"),
        ("sentences", "sentences"),
        ("clusters", "clusters"),
    ] {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n as usize, items(&recs, key).len(), "{table}");
    }

    // HTML: an article per record, a mark per entity, a span per quote part.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<details class=\"doc").count(), recs.len());
    assert_eq!(html.matches("<details class=\"doc error\"").count(), 1);
    assert_eq!(html.matches("<mark class=\"ent\"").count(), entities.len());
    let parts: usize = quotes
        .iter()
        .map(|(_, q)| q.get("parts").and_then(Value::as_array).map_or(1, Vec::len))
        .sum();
    assert_eq!(html.matches("<span class=\"quote\"").count(), parts);
    let html_ids: Vec<&str> = html
        .split("data-doc-id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let json_ids: Vec<String> = recs.iter().map(|r| text_of(&r["id"])).collect();
    assert_eq!(html_ids, json_ids);
    assert!(
        !html.contains("<script>document"),
        "article markup is escaped"
    );
}

#[test]
fn an_existing_output_is_refused_before_anything_runs() {
    let dir = scratch("refuse");
    let existing = dir.join("quotes.csv");
    std::fs::write(&existing, "precious\n").unwrap();
    let out = run(&[
        "--input",
        "seeds",
        "--output",
        &path(&dir, "new.jsonl"),
        "--output",
        &path(&dir, "quotes.csv"),
    ]);
    let err = assert_refused(&out, "refusing to overwrite");
    assert!(
        err.contains("quotes.csv") && err.contains("--force"),
        "{err}"
    );
    assert!(
        !err.contains("documents,"),
        "no document was processed: {err}"
    );
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "precious\n");
    assert_eq!(
        names_in(&dir),
        ["quotes.csv".to_string()].into(),
        "nothing else"
    );

    // SQLite says what --force would do to it.
    let db = dir.join("corpus.db");
    std::fs::write(&db, "").unwrap();
    let out = run(&["--input", "seeds", "--output", &path(&dir, "corpus.db")]);
    assert_refused(&out, "update it in place");
}

#[test]
fn force_replaces_existing_files_whole() {
    let dir = scratch("force");
    std::fs::write(
        dir.join("out.json"),
        "old content that is longer than the new one ".repeat(500),
    )
    .unwrap();
    let out = run(&[
        "--input",
        "seeds",
        "--output",
        &path(&dir, "out.json"),
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(names_in(&dir), ["out.json".to_string()].into());
}

#[test]
fn rerunning_into_a_database_does_not_duplicate_rows() {
    let dir = scratch("upsert");
    let db_path = path(&dir, "corpus.db");
    let args = ["--input", "seeds", &articles(), "--output", &db_path];
    assert_eq!(run(&args).status.code(), Some(1));
    let counts = || {
        let db = rusqlite::Connection::open(&db_path).unwrap();
        ["documents", "sentences", "entities", "clusters", "quotes"].map(|t| {
            db.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
        })
    };
    let first = counts();
    assert_eq!(first[0], 5);
    let out = run(&[&args[..], &["--force"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(counts(), first);
}

#[test]
fn an_unwritable_destination_exits_2_with_a_clear_message() {
    // A path below a regular file: refused even for root, which ignores
    // file permissions.
    let below_a_file = format!("{}/out", articles());
    for name in ["quotes.csv", "report.html", "corpus.db", "out.jsonl"] {
        let target = format!("{below_a_file}/{name}");
        let out = run(&["--input", "seeds", "--output", &target, "--force"]);
        let err = assert_refused(&out, &target);
        assert!(
            err.contains("is not a folder") || err.contains("does not exist"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = run(&["--input", "seeds", "--output", "no/such/folder/x.csv"]);
    assert_refused(&out, "folder no/such/folder does not exist");
}

#[test]
fn a_full_disk_exits_2_with_a_clear_message() {
    if !Path::new("/dev/full").exists() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED a_full_disk_exits_2: no /dev/full here"
        );
        return;
    }
    for format in ["jsonl", "json", "csv", "html"] {
        let out = run(&[
            "--input",
            "seeds",
            "--output",
            "/dev/full",
            "--format",
            format,
        ]);
        let err = assert_refused(&out, "cannot write /dev/full");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // SQLite needs a regular file.
    let out = run(&[
        "--input",
        "seeds",
        "--output",
        "/dev/full",
        "--format",
        "sqlite",
    ]);
    assert_refused(&out, "must be a regular file");
}

/// Starts a streaming run (stdin kept open) writing into `dir`, feeds it one
/// document and waits until that document reached the JSONL output's
/// temporary file, so the run is well under way. The caller waits for it.
#[allow(clippy::zombie_processes)] // the child is returned to be waited for
fn start_streaming_run(dir: &Path) -> Child {
    let mut child = pipeline()
        .args([
            "--input",
            "-",
            "--output",
            &path(dir, "out.jsonl"),
            "--output",
            &path(dir, "report.html"),
            "--output",
            &path(dir, "corpus.db"),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.as_mut().unwrap();
    stdin
        .write_all(b"{\"id\": \"a\", \"text\": \"Streaming, one line at a time.\"}\n")
        .unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let written = std::fs::read_dir(dir).unwrap().any(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(".out.jsonl.") && e.metadata().unwrap().len() > 0
        });
        if written {
            return child;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the run never wrote its first document");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_killed_run_leaves_nothing_under_the_final_names() {
    let dir = scratch("killed");
    let mut child = start_streaming_run(&dir);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let names = names_in(&dir);
    for name in ["out.jsonl", "report.html", "corpus.db"] {
        assert!(!names.contains(name), "{name} in {names:?}");
    }
}

#[test]
fn an_interrupted_run_removes_its_temporary_files() {
    let dir = scratch("interrupted");
    let mut child = start_streaming_run(&dir);
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    if !matches!(status, Ok(s) if s.success()) {
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED an_interrupted_run: no `kill` command"
        );
        return;
    }
    // Stdin stays open until the process is gone: the run must end by the
    // signal, not by the end of its input.
    let stdin = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("removed 3 unfinished output file(s)"),
        "{}",
        stderr(&out)
    );
    assert!(names_in(&dir).is_empty(), "{:?}", names_in(&dir));
}

#[test]
fn formats_can_go_to_stdout_except_sqlite() {
    let out = run(&[
        "--input",
        "seeds",
        &articles(),
        "--format",
        "csv",
        "--csv-table",
        "entities",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        &csv::StringRecord::from(sinks::ENTITY_COLUMNS.to_vec())
    );
    assert!(
        !out.stdout.starts_with("\u{feff}".as_bytes()),
        "no BOM on stdout"
    );
    let errors = reader
        .records()
        .filter(|r| !r.as_ref().unwrap()[10].is_empty())
        .count();
    assert_eq!(errors, 1);

    let out = run(&["--input", "seeds", "--output", "-", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["id"], "000_b6b9ef57101965bf");

    let out = run(&["--input", "seeds", "--format", "sqlite"]);
    assert_refused(&out, "cannot be written to stdout");
}

#[test]
fn output_usage_errors_exit_2_and_explain() {
    let dir = scratch("usage");
    let cases: [(&[&str], &str); 5] = [
        (&["--output", "out.txt"], "pass --format"),
        (
            &[
                "--output", "a.csv", "--output", "b.csv", "--format", "csv", "--format", "csv",
                "--format", "csv",
            ],
            "--format was given 3 times",
        ),
        (
            &["--output", "a.json", "--csv-table", "entities"],
            "--csv-table needs a CSV output",
        ),
        (&["--format", "xml"], "unknown format"),
        (
            &["--output", "a.csv", "--output", "./a.csv"],
            "given as an output twice",
        ),
    ];
    for (args, expected) in cases {
        let out = pipeline()
            .current_dir(&dir)
            .args([
                "--input",
                &crate::util::root().join("seeds").display().to_string(),
            ])
            .args(args)
            .output()
            .unwrap();
        assert_refused(&out, expected);
    }
    assert!(names_in(&dir).is_empty());
}

#[test]
fn tokens_flag_reaches_the_json_formats() {
    let dir = scratch("tokens");
    let out = run(&[
        "--input",
        "seeds",
        "--tokens",
        "--output",
        &path(&dir, "a.json"),
        "--output",
        &path(&dir, "a.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("a.json")).unwrap()).unwrap();
    assert!(json[0]["sentences"][0]["tokens"].is_array());
    assert_eq!(json[0], jsonl_file(&dir.join("a.jsonl"))[0]);
}
