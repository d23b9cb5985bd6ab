//! Output sinks: where the pipeline's results go.
//!
//! Every format implements [`Sink`]. The pipeline hands each sink one
//! [`Outcome`] per input document, in input order, calls [`Sink::flush`]
//! when it is idle and [`Sink::finish`] after the last document. A sink
//! whose records stand alone may also give out [`Encoder`]s, so that the
//! pipeline's workers encode records in parallel and the sink only appends
//! them ([`Sink::write_encoded`]).
//! [`record()`] gives the JSON contract's view of one outcome, shared by the
//! formats that speak JSON.
//!
//! | format | sink | an error record becomes |
//! | --- | --- | --- |
//! | `jsonl` | [`JsonlSink`]: one object per line (the contract) | `{"id","source","error":{"kind","message"}}` |
//! | `json` | [`JsonSink`]: one pretty array of the same objects | the same object |
//! | `csv` | [`CsvSink`]: a quotes or an entities table | one row with the id and the `error` column |
//! | `html` | [`HtmlSink`]: a self-contained report page | an article marked as failed, with the message |
//! | `sqlite` | [`SqliteSink`]: tables with keys and indexes | a `documents` row with `error_kind`, `error_message` |
//!
//! Files are written atomically ([`AtomicFile`]); [`open`] builds the sink
//! an [`OutputSpec`] describes, and [`plan_outputs`] turns command-line
//! choices into specs.
//!
//! ```
//! use document::Document;
//! use sinks::{JsonlSink, Sink};
//!
//! let mut out = Vec::new();
//! let mut sink = JsonlSink::new(&mut out);
//! sink.write(&Ok(Document::new("a1", "example", "Hi.")))?;
//! sink.finish()?;
//! drop(sink);
//! let line: serde_json::Value = serde_json::from_slice(&out)?;
//! assert_eq!(line["id"], "a1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod compact;
mod csv_table;
mod fanout;
pub mod html;
mod json;
mod jsonl;
pub mod record;
mod spec;
pub mod sqlite;
mod target;

pub use csv_table::{CsvSink, CsvTable, ENTITY_COLUMNS, QUOTE_COLUMNS};
pub use fanout::Fanout;
pub use html::HtmlSink;
pub use json::JsonSink;
pub use jsonl::JsonlSink;
pub use record::{record, record_with, RecordOptions};
pub use spec::{open, plan_outputs, Format, OutputSpec, PlanError};
pub use sqlite::SqliteSink;
pub use target::{remove_temp_files, AtomicFile, Output, Target};

use document::{DocError, Document};

/// The result of one input document: the analysis or why there is none.
pub type Outcome = Result<Document, DocError>;

/// A sink failed; the run cannot go on.
///
/// The message names the output; the cause, where there is one, is the
/// error's [`source`](std::error::Error::source) (print the chain, as
/// `anyhow`'s `{:#}` does, to show both).
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Writing failed (disk full, permission denied, closed pipe).
    #[error("cannot write {target}")]
    Io {
        /// What was being written (a path or `stdout`).
        target: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The output exists and replacing it was not allowed.
    #[error("refusing to overwrite {target}: it already exists (pass --force to {hint})")]
    Exists {
        /// The output path.
        target: String,
        /// What `--force` would do with it.
        hint: &'static str,
    },
    /// The output cannot be written at all (a folder, a missing folder, not
    /// a database of ours).
    #[error("cannot write {target}: {reason}")]
    Unusable {
        /// The output path.
        target: String,
        /// Why.
        reason: String,
    },
    /// SQLite failed.
    #[error("cannot write SQLite database {target}")]
    Sqlite {
        /// The database path.
        target: String,
        /// The underlying error.
        source: rusqlite::Error,
    },
}

impl SinkError {
    /// Whether the error is a closed pipe (the reader went away, as with
    /// `| head`): not worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            SinkError::Io { source, .. } => source.kind() == std::io::ErrorKind::BrokenPipe,
            _ => false,
        }
    }
}

/// An output format.
pub trait Sink {
    /// Writes one document's outcome. Called once per input document, in
    /// input order.
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError>;

    /// Pushes buffered output to its destination. The pipeline calls it when
    /// it has nothing else to write, so that streamed input gets streamed
    /// output.
    fn flush(&mut self) -> Result<(), SinkError> {
        Ok(())
    }

    /// Completes the output after the last document: a file output appears
    /// under its final name only now. A sink dropped without `finish`
    /// leaves no output behind (or, for a database updated in place, only
    /// its committed batches).
    fn finish(&mut self) -> Result<(), SinkError>;

    /// A fresh [`Encoder`] for this sink's records, if the format writes
    /// each record on its own (the JSONL contract does; a database or a
    /// report page does not, and keeps the default `None`). The pipeline
    /// gives one to each worker, which then encodes its documents where they
    /// were made, in parallel, and the sink only appends the bytes with
    /// [`write_encoded`](Sink::write_encoded).
    fn encoder(&self) -> Option<Box<dyn Encoder>> {
        None
    }

    /// Writes records made by this sink's [`encoder`](Sink::encoder), in
    /// input order, as [`write`](Sink::write) would have written them. Only
    /// called on a sink that gave an encoder; the default refuses.
    fn write_encoded(&mut self, records: &[u8]) -> Result<(), SinkError> {
        let _ = records;
        Err(SinkError::Unusable {
            target: "output".into(),
            reason: "this format takes whole documents, not encoded records".into(),
        })
    }
}

/// Turns outcomes into one sink's bytes away from the sink, on any thread.
///
/// ```
/// use document::Document;
/// use sinks::{JsonlSink, Sink};
///
/// let outcome = Ok(Document::new("a1", "example", "Hi."));
/// let mut encoded = Vec::new();
/// let mut written = Vec::new();
/// let mut sink = JsonlSink::new(&mut written);
/// sink.encoder().expect("JSONL encodes apart").encode(&outcome, &mut encoded)?;
/// sink.write(&outcome)?;
/// sink.finish()?;
/// drop(sink);
/// assert_eq!(encoded, written);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Encoder: Send {
    /// Appends `outcome`'s record to `out`: the bytes the sink's
    /// [`write`](Sink::write) would write for it.
    fn encode(&mut self, outcome: &Outcome, out: &mut Vec<u8>) -> Result<(), SinkError>;
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        (**self).write(outcome)
    }

    fn encoder(&self) -> Option<Box<dyn Encoder>> {
        (**self).encoder()
    }

    fn write_encoded(&mut self, records: &[u8]) -> Result<(), SinkError> {
        (**self).write_encoded(records)
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        (**self).flush()
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        (**self).finish()
    }
}

/// Wraps an I/O error with the output's name.
pub(crate) fn io_error(target: &str) -> impl FnOnce(std::io::Error) -> SinkError + '_ {
    move |source| SinkError::Io {
        target: target.to_string(),
        source,
    }
}

/// The text of `span`, or `""` when a stage produced a span that does not
/// fit the text (a sink must not panic on a stage's bug).
pub(crate) fn span_text(text: &str, span: document::Span) -> &str {
    text.get(span.range()).unwrap_or("")
}
