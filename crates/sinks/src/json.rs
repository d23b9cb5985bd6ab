use std::io::{BufWriter, Write};

use crate::jsonl::BUFFER_BYTES;
use crate::record::{record_with, RecordOptions};
use crate::{io_error, Outcome, Sink, SinkError, Target};

/// One pretty-printed JSON array holding the same objects as the JSONL
/// contract, error records included, in input order. Streams: only one
/// record is held in memory.
///
/// ```
/// use document::Document;
/// use sinks::{JsonSink, Sink};
///
/// let mut out = Vec::new();
/// let mut sink = JsonSink::new(&mut out);
/// sink.write(&Ok(Document::new("a1", "example", "Hi.")))?;
/// sink.write(&Ok(Document::new("a2", "example", "Bye.")))?;
/// sink.finish()?;
/// drop(sink);
/// let array: serde_json::Value = serde_json::from_slice(&out)?;
/// assert_eq!(array[1]["id"], "a2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JsonSink<W: Target> {
    out: BufWriter<W>,
    target: String,
    options: RecordOptions,
    n_records: u64,
    pretty: Vec<u8>,
}

impl<W: Target> JsonSink<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self::with_target(out, "output")
    }

    /// Writes to `out`, naming it `target` in error messages.
    pub fn with_target(out: W, target: impl Into<String>) -> Self {
        JsonSink {
            out: BufWriter::with_capacity(BUFFER_BYTES, out),
            target: target.into(),
            options: RecordOptions::default(),
            n_records: 0,
            pretty: Vec::with_capacity(16 * 1024),
        }
    }

    /// Includes the extra fields chosen by `options` in every record.
    pub fn with_options(mut self, options: RecordOptions) -> Self {
        self.options = options;
        self
    }

    fn write_record(&mut self, outcome: &Outcome) -> std::io::Result<()> {
        self.pretty.clear();
        serde_json::to_writer_pretty(&mut self.pretty, &record_with(outcome, self.options))?;
        let separator: &[u8] = if self.n_records == 0 {
            b"[\n  "
        } else {
            b",\n  "
        };
        self.out.write_all(separator)?;
        // Indent the record one level inside the array. A newline can only
        // be pretty-printing: JSON strings escape theirs.
        for (i, line) in self.pretty.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n  ")?;
            }
            self.out.write_all(line)?;
        }
        self.n_records += 1;
        Ok(())
    }
}

impl<W: Target> Sink for JsonSink<W> {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        self.write_record(outcome).map_err(io_error(&self.target))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.out.flush().map_err(io_error(&self.target))
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        let end: &[u8] = if self.n_records == 0 {
            b"[]\n"
        } else {
            b"\n]\n"
        };
        self.out.write_all(end).map_err(io_error(&self.target))?;
        self.out.flush().map_err(io_error(&self.target))?;
        self.out.get_mut().commit().map_err(io_error(&self.target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use document::{DocError, Document};

    fn run(outcomes: &[Outcome]) -> String {
        let mut out = Vec::new();
        let mut sink = JsonSink::new(&mut out);
        for outcome in outcomes {
            sink.write(outcome).unwrap();
        }
        sink.finish().unwrap();
        drop(sink);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn empty_run_is_an_empty_array() {
        assert_eq!(run(&[]), "[]\n");
    }

    #[test]
    fn records_are_indented_array_elements_and_newlines_in_text_survive() {
        let doc = Document::new("a1", "x", "Line one.\n\nLine two.");
        let err = DocError {
            id: "a2".into(),
            source: "x:2".into(),
            kind: "malformed_json".into(),
            message: "expected value".into(),
        };
        let text = run(&[Ok(doc), Err(err)]);
        assert!(text.starts_with("[\n  {\n    \"id\": \"a1\""), "{text}");
        assert!(text.ends_with("\n  }\n]\n"), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value[0]["text"], "Line one.\n\nLine two.");
        assert_eq!(value[1]["error"]["kind"], "malformed_json");
    }
}
