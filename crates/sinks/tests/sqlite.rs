//! The SQLite sink on hand-built documents: queries give back the quotes and
//! speakers, re-runs replace rather than add, the database is only ever
//! complete or absent.

mod common;

use std::path::{Path, PathBuf};

use common::{cp, outcomes};
use document::Document;
use rusqlite::Connection;
use sinks::{Sink, SinkError, SqliteSink};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sqlite-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, overwrite: bool, outcomes: &[Result<Document, document::DocError>]) {
    let mut sink = SqliteSink::open(path, overwrite).unwrap();
    for outcome in outcomes {
        sink.write(outcome).unwrap();
    }
    sink.flush().unwrap();
    sink.finish().unwrap();
}

fn count(db: &Connection, table: &str) -> i64 {
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn queries_return_the_quotes_and_speakers() {
    let dir = scratch("roundtrip");
    let path = dir.join("corpus.db");
    write(&path, false, &outcomes());
    let db = Connection::open(&path).unwrap();

    let docs: Vec<Document> = outcomes().into_iter().filter_map(Result::ok).collect();
    let mut stmt = db
        .prepare(
            "SELECT q.doc_id, q.idx, q.text, q.kind, q.speaker, q.speaker_name, q.cue,
                    q.char_start, q.char_end, q.cluster_idx, q.parts,
                    substr(d.text, q.char_start + 1, q.char_end - q.char_start)
             FROM quotes q JOIN documents d ON d.id = q.doc_id
             ORDER BY d.rowid, q.idx",
        )
        .unwrap();
    type Row = (
        String,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        i64,
        Option<i64>,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected: Vec<(&Document, usize)> = docs
        .iter()
        .flat_map(|d| (0..d.quotes.len()).map(move |k| (d, k)))
        .collect();
    assert_eq!(rows.len(), expected.len());
    for (row, (doc, k)) in rows.iter().zip(expected) {
        let q = &doc.quotes[k];
        let text = |s: document::Span| doc.text[s.range()].to_string();
        assert_eq!(row.0, doc.id);
        assert_eq!(row.1, k as i64);
        assert_eq!(row.2, text(q.span));
        assert_eq!(row.3, q.kind.as_str());
        assert_eq!(row.4, q.speaker.map(text));
        assert_eq!(row.5, q.speaker_name);
        assert_eq!(row.6, q.cue.map(text));
        assert_eq!(row.7, cp(&doc.text, q.span.start) as i64);
        assert_eq!(row.8, cp(&doc.text, q.span.end) as i64);
        assert_eq!(row.9, q.cluster.map(i64::from));
        assert_eq!(row.10.is_some(), !q.parts.is_empty());
        assert_eq!(row.11, row.2, "code-point offsets select the text in SQL");
    }

    // The README's queries.
    let top: Vec<(String, i64, i64)> = db
        .prepare(
            "SELECT q.speaker_name, count(*) AS quotes, count(DISTINCT q.doc_id) AS articles
             FROM quotes q
             JOIN clusters c ON c.doc_id = q.doc_id AND c.idx = q.cluster_idx
             WHERE c.label = 'PERSON'
             GROUP BY q.speaker_name ORDER BY quotes DESC, q.speaker_name LIMIT 20",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        top,
        [
            ("Jens Stoltenberg".to_string(), 2, 1),
            ("Sergey Lavrov".to_string(), 1, 1),
            ("Zo\u{eb} M\u{fc}ller".to_string(), 1, 1),
        ]
    );
    let by_speaker: Vec<String> = db
        .prepare(
            "SELECT q.text FROM quotes q JOIN documents d ON d.id = q.doc_id
             WHERE q.speaker_name = ?1 ORDER BY d.id, q.idx",
        )
        .unwrap()
        .query_map(["Jens Stoltenberg"], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        by_speaker,
        [
            "We must support Ukraine,",
            "Russia must not win,\u{201d} he added, \u{201c}and it will not."
        ]
    );
    let mentioning: Vec<(String, i64)> = db
        .prepare(
            "SELECT d.id, c.mentions FROM clusters c JOIN documents d ON d.id = c.doc_id
             WHERE c.name = ?1 ORDER BY c.mentions DESC, d.id",
        )
        .unwrap()
        .query_map(["Jens Stoltenberg"], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(mentioning, [("nato-1".to_string(), 2)]);

    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_table_matches_the_documents_and_keys_hold() {
    let dir = scratch("tables");
    let path = dir.join("corpus.db");
    write(&path, false, &outcomes());
    let db = Connection::open(&path).unwrap();
    let docs: Vec<Document> = outcomes().into_iter().filter_map(Result::ok).collect();
    let total = |f: fn(&Document) -> usize| docs.iter().map(f).sum::<usize>() as i64;
    assert_eq!(count(&db, "documents"), outcomes().len() as i64);
    assert_eq!(count(&db, "sentences"), total(|d| d.sentences.len()));
    assert_eq!(count(&db, "entities"), total(|d| d.entities.len()));
    assert_eq!(count(&db, "clusters"), total(|d| d.clusters.len()));
    assert_eq!(count(&db, "quotes"), total(|d| d.quotes.len()));

    let (title, text, meta): (Option<String>, String, Option<String>) = db
        .query_row(
            "SELECT title, text, meta FROM documents WHERE id = ?1",
            [common::injection().id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(title, common::injection().title);
    assert_eq!(text, common::INJECTION_TEXT);
    let meta: serde_json::Value = serde_json::from_str(&meta.unwrap()).unwrap();
    assert_eq!(meta["url"], "https://example.com/<x>");

    let error: (Option<String>, String, String) = db
        .query_row(
            "SELECT text, error_kind, error_message FROM documents WHERE id = 'broken:3'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(error.0, None);
    assert_eq!(error.1, "malformed_json");
    assert!(error.2.starts_with("expected value"));

    // Entities point at their sentence and cluster; the names agree.
    let (entity, cluster, sentence_start): (String, String, i64) = db
        .query_row(
            "SELECT e.text, c.name, s.char_start FROM entities e
             JOIN clusters c ON c.doc_id = e.doc_id AND c.idx = e.cluster_idx
             JOIN sentences s ON s.doc_id = e.doc_id AND s.idx = e.sentence_idx
             WHERE e.doc_id = 'nato-1' AND e.idx = 5",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (entity.as_str(), cluster.as_str()),
        ("Stoltenberg", "Jens Stoltenberg")
    );
    let nato = common::nato();
    assert_eq!(
        sentence_start,
        cp(&nato.text, nato.sentences[1].span.start) as i64
    );

    let violations: i64 = db
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(violations, 0);
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let indexes: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(indexes >= 6, "{indexes} indexes");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn rerunning_replaces_documents_by_id_instead_of_adding() {
    let dir = scratch("upsert");
    let path = dir.join("corpus.db");
    write(&path, false, &outcomes());
    let counts = |db: &Connection| {
        ["documents", "sentences", "entities", "clusters", "quotes"].map(|t| count(db, t))
    };
    let before = counts(&Connection::open(&path).unwrap());
    write(&path, true, &outcomes());
    assert_eq!(
        counts(&Connection::open(&path).unwrap()),
        before,
        "same input, same rows"
    );

    // A changed document replaces its old rows; a new one is added; the
    // failed one, now a success, loses its error.
    let mut changed = common::nato();
    changed.quotes.truncate(1);
    let mut fixed = common::plain();
    fixed.id = "broken:3".into();
    let mut new = common::plain();
    new.id = "new".into();
    write(&path, true, &[Ok(changed), Ok(fixed), Ok(new)]);
    let db = Connection::open(&path).unwrap();
    let [docs, _, _, _, quotes] = counts(&db);
    assert_eq!(docs, before[0] + 1);
    assert_eq!(quotes, before[4] - 3);
    let error: Option<String> = db
        .query_row(
            "SELECT error_kind FROM documents WHERE id = 'broken:3'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(error, None);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn batches_commit_every_document() {
    let dir = scratch("batches");
    let path = dir.join("corpus.db");
    let n = sinks::sqlite::BATCH_DOCS * 2 + 7;
    let outcomes: Vec<_> = (0..n)
        .map(|i| {
            let mut doc = common::nato();
            doc.id = format!("doc-{i}");
            Ok(doc)
        })
        .collect();
    write(&path, false, &outcomes);
    let db = Connection::open(&path).unwrap();
    assert_eq!(count(&db, "documents"), n as i64);
    assert_eq!(count(&db, "quotes"), 4 * n as i64);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_new_database_appears_only_when_finished() {
    let dir = scratch("atomic");
    let path = dir.join("corpus.db");
    let mut sink = SqliteSink::open(&path, false).unwrap();
    for outcome in outcomes() {
        sink.write(&outcome).unwrap();
    }
    assert!(!path.exists(), "nothing under the final name before finish");
    drop(sink); // an interrupted run
    assert!(!path.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "temporary file removed"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn refuses_what_it_must_not_write_into() {
    let dir = scratch("refuse");
    let ours = dir.join("ours.db");
    write(&ours, false, &outcomes());
    let err = SqliteSink::open(&ours, false).unwrap_err();
    assert!(matches!(err, SinkError::Exists { .. }), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");

    let text = dir.join("notes.db");
    std::fs::write(&text, "these are my notes, not a database\n".repeat(100)).unwrap();
    let err = SqliteSink::open(&text, true).unwrap_err();
    assert!(err.to_string().contains("not a SQLite database"), "{err}");
    assert!(std::fs::read_to_string(&text)
        .unwrap()
        .starts_with("these are my notes"));

    let other = dir.join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE accounts (id INTEGER PRIMARY KEY);")
        .unwrap();
    let err = SqliteSink::open(&other, true).unwrap_err();
    assert!(err.to_string().contains("another application"), "{err}");

    let err = SqliteSink::open(&dir.join("ours.db/inner.db"), true).unwrap_err();
    assert!(err.to_string().contains("is not a folder"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn out_of_range_indices_from_a_stage_do_not_stop_the_run() {
    let dir = scratch("bad-indices");
    let path = dir.join("corpus.db");
    let mut doc = common::nato();
    doc.entities[0].sentence_idx = 99;
    doc.entities[1].cluster = Some(42);
    doc.quotes[0].cluster = Some(42);
    write(&path, false, &[Ok(doc)]);
    let db = Connection::open(&path).unwrap();
    let nulls: i64 = db
        .query_row(
            "SELECT count(*) FROM entities WHERE sentence_idx IS NULL OR
               (idx = 1 AND cluster_idx IS NULL)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nulls, 2);
    std::fs::remove_dir_all(dir).unwrap();
}
