//! A SQLite database of documents, sentences, entities, clusters and quotes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use document::{CharOffsets, Document};
use rusqlite::{params, Connection};

use crate::target::{check_path, PathState, TempPath};
use crate::{span_text, Outcome, Sink, SinkError};

/// Identifies a database written by this sink (`PRAGMA application_id`,
/// "NPIP"), so that `--force` never writes into someone else's database.
const APPLICATION_ID: i32 = 0x4E50_4950;

/// Version of [`SCHEMA`] (`PRAGMA user_version`).
const SCHEMA_VERSION: i32 = 1;

/// The schema. Offsets are code points, as in the JSON contract, so
/// `substr(documents.text, char_start + 1, char_end - char_start)` is the
/// span's text. Child rows are keyed by `(doc_id, idx)`, `idx` being the
/// position in the document's list (what the JSON contract's `cluster`
/// fields refer to).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS documents (
    id            TEXT PRIMARY KEY NOT NULL,
    source        TEXT NOT NULL,
    title         TEXT,
    text          TEXT,           -- NULL when the document failed
    meta          TEXT,           -- other input fields, as a JSON object
    error_kind    TEXT,           -- NULL unless the document failed
    error_message TEXT
);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id     TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    paragraph  INTEGER NOT NULL,
    PRIMARY KEY (doc_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clusters (
    doc_id   TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx      INTEGER NOT NULL,
    name     TEXT NOT NULL,
    label    TEXT NOT NULL,
    titles   TEXT NOT NULL,       -- JSON array of strings
    mentions INTEGER NOT NULL,    -- number of entity rows in the cluster
    PRIMARY KEY (doc_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
    doc_id       TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    label        TEXT NOT NULL,
    sentence_idx INTEGER,
    cluster_idx  INTEGER,
    PRIMARY KEY (doc_id, idx),
    FOREIGN KEY (doc_id, sentence_idx) REFERENCES sentences(doc_id, idx) ON DELETE CASCADE,
    FOREIGN KEY (doc_id, cluster_idx) REFERENCES clusters(doc_id, idx) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quotes (
    doc_id        TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    char_start    INTEGER NOT NULL,
    char_end      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    kind          TEXT NOT NULL,  -- direct, mixed, indirect
    parts         TEXT,           -- JSON [[start, end], ...] when split, else NULL
    cue           TEXT,
    cue_start     INTEGER,
    cue_end       INTEGER,
    speaker       TEXT,           -- as written
    speaker_start INTEGER,
    speaker_end   INTEGER,
    cluster_idx   INTEGER,
    speaker_name  TEXT,           -- canonical name of the resolved speaker
    PRIMARY KEY (doc_id, idx),
    FOREIGN KEY (doc_id, cluster_idx) REFERENCES clusters(doc_id, idx) ON DELETE CASCADE
) WITHOUT ROWID;
";

/// Secondary indexes. A new database gets them after its last row: one
/// sort per index instead of a B-tree update per row (in the `sinks` bench
/// this and unchecked keys make a new database 2.2 times faster to write).
pub const INDEXES: &str = "
CREATE INDEX IF NOT EXISTS entities_by_text ON entities(text, label);
CREATE INDEX IF NOT EXISTS entities_by_cluster ON entities(doc_id, cluster_idx);
CREATE INDEX IF NOT EXISTS entities_by_sentence ON entities(doc_id, sentence_idx);
CREATE INDEX IF NOT EXISTS clusters_by_name ON clusters(name, label);
CREATE INDEX IF NOT EXISTS quotes_by_speaker ON quotes(speaker_name);
CREATE INDEX IF NOT EXISTS quotes_by_cluster ON quotes(doc_id, cluster_idx);
";

/// SQLite's page cache for the writer, in KiB (negative: a size, not pages).
const CACHE_SIZE: i32 = -32 * 1024;

/// Documents per transaction.
pub const BATCH_DOCS: usize = 500;

/// On an idle flush, commit an open transaction older than this, so that a
/// slow stream still reaches the database.
const IDLE_COMMIT_AFTER: Duration = Duration::from_secs(2);

/// Writes every outcome into a SQLite database (see [`SCHEMA`]).
///
/// A new database is built under a temporary name and renamed into place by
/// `finish`. An existing one (allowed by `overwrite`) is updated in place:
/// each document replaces the rows of any earlier document with the same id
/// (its child rows are deleted, then it is inserted again), so re-running
/// the same input adds nothing. Documents are committed in transactions of
/// [`BATCH_DOCS`]; an interrupted update keeps the batches committed so far.
///
/// A failed document is a `documents` row with `error_kind` and
/// `error_message` set, `text` NULL and no child rows.
///
/// ```
/// use document::Document;
/// use sinks::{Sink, SqliteSink};
///
/// let dir = std::env::temp_dir().join(format!("sqlite-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("corpus.db");
/// let mut sink = SqliteSink::open(&path, false)?;
/// sink.write(&Ok(Document::new("a1", "example", "Hi.")))?;
/// sink.finish()?;
/// let db = rusqlite::Connection::open(&path)?;
/// let n: i64 = db.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
/// assert_eq!(n, 1);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteSink {
    // Declared before `temp`: the connection closes before the temporary
    // file is removed.
    conn: Option<Connection>,
    temp: Option<TempPath>,
    dest: PathBuf,
    target: String,
    in_batch: usize,
    batch_started: Instant,
}

impl SqliteSink {
    /// Opens the database at `path`: creates it if missing; if it exists,
    /// updates it only when `overwrite` is set and it is a database of ours
    /// (or an empty one).
    pub fn open(path: &Path, overwrite: bool) -> Result<SqliteSink, SinkError> {
        let target = path.display().to_string();
        let state = check_path(
            path,
            overwrite,
            "update it in place (documents are replaced by id)",
        )?;
        let (conn, temp) = match state {
            PathState::Special => {
                return Err(SinkError::Unusable {
                    target,
                    reason: "a SQLite database must be a regular file".into(),
                })
            }
            PathState::Missing => {
                let (temp, file) = TempPath::create(path)?;
                drop(file); // an empty file is an empty database
                let conn = Connection::open(temp.path()).map_err(sqlite_error(&target))?;
                // Atomicity comes from the rename, durability from the sync
                // before it: the journal and per-commit syncs buy nothing.
                // The keys are declared for readers but not checked while
                // writing (that doubles the cost of an insert): this sink
                // writes only indices it has checked.
                conn.execute_batch(&format!(
                    "PRAGMA journal_mode = MEMORY;
                     PRAGMA synchronous = OFF;
                     PRAGMA foreign_keys = OFF;
                     PRAGMA cache_size = {CACHE_SIZE};
                     PRAGMA application_id = {APPLICATION_ID};
                     PRAGMA user_version = {SCHEMA_VERSION};
                     {SCHEMA}"
                ))
                .map_err(sqlite_error(&target))?;
                (conn, Some(temp))
            }
            PathState::Existing => {
                let conn = Connection::open(path).map_err(sqlite_error(&target))?;
                check_ours(&conn, &target)?;
                conn.execute_batch(&format!(
                    "PRAGMA foreign_keys = ON;
                     PRAGMA cache_size = {CACHE_SIZE};
                     PRAGMA application_id = {APPLICATION_ID};
                     PRAGMA user_version = {SCHEMA_VERSION};
                     {SCHEMA}
                     {INDEXES}"
                ))
                .map_err(sqlite_error(&target))?;
                (conn, None)
            }
        };
        Ok(SqliteSink {
            conn: Some(conn),
            temp,
            dest: path.to_path_buf(),
            target,
            in_batch: 0,
            batch_started: Instant::now(),
        })
    }

    fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("connection is open until finish")
    }

    fn commit(&mut self) -> rusqlite::Result<()> {
        if self.in_batch > 0 {
            self.conn().execute_batch("COMMIT")?;
            self.in_batch = 0;
        }
        Ok(())
    }

    fn write_outcome(&mut self, outcome: &Outcome) -> rusqlite::Result<()> {
        if self.in_batch == 0 {
            self.conn().execute_batch("BEGIN")?;
            self.batch_started = Instant::now();
        }
        let conn = self.conn();
        let id = match outcome {
            Ok(doc) => doc.id.as_str(),
            Err(err) => err.id.as_str(),
        };
        // Children first: the foreign keys would refuse the other order.
        for delete in [
            "DELETE FROM quotes WHERE doc_id = ?1",
            "DELETE FROM entities WHERE doc_id = ?1",
            "DELETE FROM clusters WHERE doc_id = ?1",
            "DELETE FROM sentences WHERE doc_id = ?1",
            "DELETE FROM documents WHERE id = ?1",
        ] {
            conn.prepare_cached(delete)?.execute([id])?;
        }
        match outcome {
            Ok(doc) => insert_document(conn, doc)?,
            Err(err) => {
                conn.prepare_cached(
                    "INSERT INTO documents (id, source, error_kind, error_message)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![err.id, err.source, err.kind, err.message])?;
            }
        }
        self.in_batch += 1;
        if self.in_batch >= BATCH_DOCS {
            self.commit()?;
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), SinkError> {
        self.commit().map_err(sqlite_error(&self.target))?;
        if self.temp.is_some() {
            self.conn()
                .execute_batch(INDEXES)
                .map_err(sqlite_error(&self.target))?;
        }
        if let Some(conn) = self.conn.take() {
            conn.close()
                .map_err(|(_, source)| sqlite_error(&self.target)(source))?;
        }
        if let Some(temp) = &mut self.temp {
            let io = crate::io_error(&self.target);
            std::fs::File::open(temp.path())
                .and_then(|f| f.sync_all())
                .and_then(|()| temp.persist(&self.dest))
                .map_err(io)?;
        }
        Ok(())
    }
}

/// Refuses a file that is not a SQLite database, or is somebody else's.
fn check_ours(conn: &Connection, target: &str) -> Result<(), SinkError> {
    let unusable = |reason: &str| SinkError::Unusable {
        target: target.to_string(),
        reason: reason.to_string(),
    };
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|_| unusable("it exists and is not a SQLite database"))?;
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sqlite_error(target))?;
    let n_tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .map_err(|_| unusable("it exists and is not a SQLite database"))?;
    if app_id != APPLICATION_ID && n_tables > 0 {
        return Err(unusable(
            "it is a SQLite database of another application; refusing to add tables to it",
        ));
    }
    if version > SCHEMA_VERSION {
        return Err(unusable(&format!(
            "it was written by a newer version (schema {version}, this one writes {SCHEMA_VERSION})"
        )));
    }
    Ok(())
}

fn insert_document(conn: &Connection, doc: &Document) -> rusqlite::Result<()> {
    let offsets = doc.char_offsets();
    let meta = doc
        .meta
        .as_ref()
        .map(|m| serde_json::Value::Object(m.clone()).to_string());
    conn.prepare_cached(
        "INSERT INTO documents (id, source, title, text, meta) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![doc.id, doc.source, doc.title, doc.text, meta])?;

    let mut insert = conn.prepare_cached(
        "INSERT INTO sentences (doc_id, idx, char_start, char_end, paragraph)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (idx, s) in doc.sentences.iter().enumerate() {
        let (start, end) = offsets.span(s.span);
        insert.execute(params![
            doc.id,
            idx as i64,
            start as i64,
            end as i64,
            s.paragraph_idx
        ])?;
    }

    let mut insert = conn.prepare_cached(
        "INSERT INTO clusters (doc_id, idx, name, label, titles, mentions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (idx, c) in doc.clusters.iter().enumerate() {
        let titles = serde_json::Value::from(c.titles.clone()).to_string();
        insert.execute(params![
            doc.id,
            idx as i64,
            c.name,
            c.label.as_str(),
            titles,
            c.mentions.len() as i64
        ])?;
    }

    // A stage's out-of-range index becomes NULL rather than a foreign-key
    // failure that would stop the whole run.
    let sentence_ref = |i: u32| ((i as usize) < doc.sentences.len()).then_some(i);
    let cluster_ref = |c: Option<u32>| c.filter(|&c| (c as usize) < doc.clusters.len());
    let mut insert = conn.prepare_cached(
        "INSERT INTO entities (doc_id, idx, char_start, char_end, text, label, sentence_idx,
                               cluster_idx)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (idx, e) in doc.entities.iter().enumerate() {
        let (start, end) = offsets.span(e.span);
        insert.execute(params![
            doc.id,
            idx as i64,
            start as i64,
            end as i64,
            span_text(&doc.text, e.span),
            e.label.as_str(),
            sentence_ref(e.sentence_idx),
            cluster_ref(e.cluster),
        ])?;
    }

    let mut insert = conn.prepare_cached(
        "INSERT INTO quotes (doc_id, idx, char_start, char_end, text, kind, parts, cue, cue_start,
                             cue_end, speaker, speaker_start, speaker_end, cluster_idx,
                             speaker_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (idx, q) in doc.quotes.iter().enumerate() {
        let (start, end) = offsets.span(q.span);
        let parts = (!q.parts.is_empty()).then(|| {
            let pairs: Vec<[usize; 2]> = q
                .parts
                .iter()
                .map(|&p| {
                    let (s, e) = offsets.span(p);
                    [s, e]
                })
                .collect();
            serde_json::to_string(&pairs).expect("numbers serialize")
        });
        let (cue, cue_start, cue_end) = optional_span(doc, &offsets, q.cue);
        let (speaker, speaker_start, speaker_end) = optional_span(doc, &offsets, q.speaker);
        insert.execute(params![
            doc.id,
            idx as i64,
            start as i64,
            end as i64,
            span_text(&doc.text, q.span),
            q.kind.as_str(),
            parts,
            cue,
            cue_start,
            cue_end,
            speaker,
            speaker_start,
            speaker_end,
            cluster_ref(q.cluster),
            q.speaker_name,
        ])?;
    }
    Ok(())
}

fn optional_span<'a>(
    doc: &'a Document,
    offsets: &CharOffsets,
    span: Option<document::Span>,
) -> (Option<&'a str>, Option<i64>, Option<i64>) {
    match span {
        Some(span) => {
            let (start, end) = offsets.span(span);
            (
                Some(span_text(&doc.text, span)),
                Some(start as i64),
                Some(end as i64),
            )
        }
        None => (None, None, None),
    }
}

fn sqlite_error(target: &str) -> impl FnOnce(rusqlite::Error) -> SinkError + '_ {
    move |source| SinkError::Sqlite {
        target: target.to_string(),
        source,
    }
}

impl Sink for SqliteSink {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        let result = self.write_outcome(outcome);
        result.map_err(sqlite_error(&self.target))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        if self.in_batch > 0 && self.batch_started.elapsed() >= IDLE_COMMIT_AFTER {
            let result = self.commit();
            result.map_err(sqlite_error(&self.target))?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.close()
    }
}
