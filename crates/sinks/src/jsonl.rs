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
    out: W,
    target: String,
    options: RecordOptions,
    /// Records not yet handed to `out`. Records are serialized straight
    /// into it, so each byte is copied once; it plays the part of a
    /// `BufWriter` (also in being written out when the sink is dropped).
    pending: Vec<u8>,
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
            out,
            target: target.into(),
            options: RecordOptions::default(),
            pending: Vec::with_capacity(BUFFER_BYTES + 64 * 1024),
            scratch: Scratch::default(),
        }
    }

    /// Includes the extra fields chosen by `options` in every record.
    pub fn with_options(mut self, options: RecordOptions) -> Self {
        self.options = options;
        self
    }
}

impl<W: Target> JsonlSink<W> {
    /// Hands the pending records to `out`; after a failure they are
    /// dropped, as the output is broken anyway.
    fn write_pending(&mut self) -> Result<(), SinkError> {
        let written = self.out.write_all(&self.pending);
        self.pending.clear();
        written.map_err(io_error(&self.target))
    }
}

impl<W: Target> Sink for JsonlSink<W> {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        let start = self.pending.len();
        if let Err(err) = write_record(&mut self.pending, outcome, self.options, &mut self.scratch)
        {
            self.pending.truncate(start);
            return Err(io_error(&self.target)(err.into()));
        }
        self.pending.push(b'\n');
        if self.pending.len() >= BUFFER_BYTES {
            self.write_pending()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.write_pending()?;
        self.out.flush().map_err(io_error(&self.target))
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.flush()?;
        self.out.commit().map_err(io_error(&self.target))
    }
}

impl<W: Target> Drop for JsonlSink<W> {
    /// Like a `BufWriter`: what is buffered is written, errors ignored.
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.out.write_all(&self.pending);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::record;
    use document::Document;

    fn doc(i: usize) -> Outcome {
        Ok(Document::new(format!("d{i}"), "test", "x".repeat(1000 + i)))
    }

    /// What serde_json makes of the same records, one per line.
    fn expected(outcomes: &[Outcome]) -> Vec<u8> {
        let mut out = Vec::new();
        for outcome in outcomes {
            serde_json::to_writer(&mut out, &record(outcome)).expect("serde");
            out.push(b'\n');
        }
        out
    }

    #[test]
    fn records_beyond_the_buffer_are_written_in_order() {
        let outcomes: Vec<Outcome> = (0..2 * BUFFER_BYTES / 1000).map(doc).collect();
        let mut out = Vec::new();
        let mut sink = JsonlSink::new(&mut out);
        for (i, outcome) in outcomes.iter().enumerate() {
            sink.write(outcome).expect("write");
            if i == 10 {
                sink.flush().expect("flush");
            }
        }
        sink.finish().expect("finish");
        drop(sink);
        assert_eq!(out, expected(&outcomes));
    }

    #[test]
    fn dropping_the_sink_writes_what_it_holds() {
        let outcomes = [doc(1), doc(2)];
        let mut out = Vec::new();
        let mut sink = JsonlSink::new(&mut out);
        for outcome in &outcomes {
            sink.write(outcome).expect("write");
        }
        drop(sink);
        assert_eq!(out, expected(&outcomes));
    }
}
