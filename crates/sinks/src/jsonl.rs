use crate::compact::{write_record, Scratch};
use crate::record::RecordOptions;
use crate::{io_error, Encoder, Outcome, Sink, SinkError, Target};

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
        encode_line(
            outcome,
            self.options,
            &mut self.scratch,
            &self.target,
            &mut self.pending,
        )?;
        if self.pending.len() >= BUFFER_BYTES {
            self.write_pending()?;
        }
        Ok(())
    }

    fn encoder(&self) -> Option<Box<dyn Encoder>> {
        Some(Box::new(JsonlEncoder {
            options: self.options,
            scratch: Scratch::default(),
            target: self.target.clone(),
        }))
    }

    fn write_encoded(&mut self, records: &[u8]) -> Result<(), SinkError> {
        if records.len() < BUFFER_BYTES / 4 {
            self.pending.extend_from_slice(records);
            if self.pending.len() >= BUFFER_BYTES {
                self.write_pending()?;
            }
            return Ok(());
        }
        // Large enough for a write of its own: out without a copy.
        if !self.pending.is_empty() {
            self.write_pending()?;
        }
        self.out.write_all(records).map_err(io_error(&self.target))
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

/// [`JsonlSink`]'s records, made on a worker.
#[derive(Debug)]
struct JsonlEncoder {
    options: RecordOptions,
    scratch: Scratch,
    target: String,
}

impl Encoder for JsonlEncoder {
    fn encode(&mut self, outcome: &Outcome, out: &mut Vec<u8>) -> Result<(), SinkError> {
        encode_line(outcome, self.options, &mut self.scratch, &self.target, out)
    }
}

/// Appends `outcome`'s line to `out`; on failure `out` is as it was.
fn encode_line(
    outcome: &Outcome,
    options: RecordOptions,
    scratch: &mut Scratch,
    target: &str,
    out: &mut Vec<u8>,
) -> Result<(), SinkError> {
    let start = out.len();
    if let Err(err) = write_record(out, outcome, options, scratch) {
        out.truncate(start);
        return Err(io_error(target)(err.into()));
    }
    out.push(b'\n');
    Ok(())
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
    fn encoded_records_are_written_as_write_would_write_them() {
        // Small and large batches (around the direct-write size), an error
        // record, and whole outcomes in between; extra fields on.
        let options = RecordOptions { tokens: true };
        let mut outcomes: Vec<Outcome> = (0..3 * BUFFER_BYTES / 1000).map(doc).collect();
        if let Ok(doc) = &mut outcomes[3] {
            doc.sentences.push(document::Sentence {
                span: document::Span::new(0, 10),
                tokens: 0..0,
                paragraph_idx: 0,
            });
        }
        outcomes[7] = Err(document::DocError {
            id: "bad".into(),
            source: "test".into(),
            kind: "invalid_json".into(),
            message: "expected \"text\"".into(),
        });
        let mut expected = Vec::new();
        let mut sink = JsonlSink::new(&mut expected).with_options(options);
        for outcome in &outcomes {
            sink.write(outcome).expect("write");
        }
        sink.finish().expect("finish");
        drop(sink);

        let mut out = Vec::new();
        let mut sink = JsonlSink::new(&mut out).with_options(options);
        let mut encoder = sink.encoder().expect("an encoder");
        let mut rest = &outcomes[..];
        for batch_len in [1, 2, 100, 5, 3, 200].into_iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (batch, tail) = rest.split_at(batch_len.min(rest.len()));
            rest = tail;
            if batch_len == 5 {
                batch.iter().for_each(|o| sink.write(o).expect("write"));
                continue;
            }
            let mut records = Vec::new();
            for outcome in batch {
                encoder.encode(outcome, &mut records).expect("encode");
            }
            sink.write_encoded(&records).expect("write encoded");
        }
        sink.finish().expect("finish");
        drop(sink);
        assert!(String::from_utf8_lossy(&out).contains("\"tokens\":"));
        assert_eq!(out, expected);
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
