//! Output sinks: where the pipeline's results go.
//!
//! Every format implements [`Sink`]. The pipeline hands each sink one
//! [`Outcome`] per input document, in input order, then calls
//! [`Sink::finish`]. [`record`] gives the JSON contract's view of one
//! outcome, shared by the formats that speak JSON.
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

mod jsonl;
pub mod record;

pub use jsonl::JsonlSink;
pub use record::{record, record_with, RecordOptions};

use document::{DocError, Document};

/// The result of one input document: the analysis or why there is none.
pub type Outcome = Result<Document, DocError>;

/// A sink failed; the run cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Writing failed (disk full, permission denied, closed pipe).
    #[error("cannot write {target}: {source}")]
    Io {
        /// What was being written (a path or `stdout`).
        target: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl SinkError {
    /// Whether the error is a closed pipe (the reader went away, as with
    /// `| head`): not worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            SinkError::Io { source, .. } => source.kind() == std::io::ErrorKind::BrokenPipe,
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

    /// Completes the output after the last document.
    fn finish(&mut self) -> Result<(), SinkError>;
}
