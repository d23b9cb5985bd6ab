use std::io::{BufWriter, Write};

use crate::compact::{write_record, Scratch};
use crate::record::RecordOptions;
use crate::{io_error, Outcome, Sink, SinkError, Target};

/// Output buffer size; the pipeline flushes whenever it runs out of ready
/// documents, so this only bounds latency under full load.
pub(crate) const BUFFER_BYTES: usize = 256 * 1024;

/// The JSONL contract: one JSON object per line per input document; an
/// error record is `{"id","source","error":{"kind","message"}}`.
#[derive(Debug)]
pub struct JsonlSink<W: Target> {
    out: BufWriter<W>,
    target: String,
    options: RecordOptions,
    line: Vec<u8>,
    scratch: Scratch,
}

impl<W: Target> JsonlSink<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self::with_target(out, "output")
    }

    /// Writes to `out`, naming it `target` in error messages.
    pub fn with_target(out: W, target: impl Into<String>) -> Self {
        JsonlSink {
            out: BufWriter::with_capacity(BUFFER_BYTES, out),
            target: target.into(),
            options: RecordOptions::default(),
            line: Vec::with_capacity(16 * 1024),
            scratch: Scratch::default(),
        }
    }

    /// Includes the extra fields chosen by `options` in every record.
    pub fn with_options(mut self, options: RecordOptions) -> Self {
        self.options = options;
        self
    }
}

impl<W: Target> Sink for JsonlSink<W> {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        self.line.clear();
        write_record(&mut self.line, outcome, self.options, &mut self.scratch)
            .map_err(|e| io_error(&self.target)(e.into()))?;
        self.line.push(b'\n');
        self.out
            .write_all(&self.line)
            .map_err(io_error(&self.target))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.out.flush().map_err(io_error(&self.target))
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.out.flush().map_err(io_error(&self.target))?;
        self.out.get_mut().commit().map_err(io_error(&self.target))
    }
}
