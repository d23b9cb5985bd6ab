//! The streaming runtime: the only code that knows about threads and
//! channels.
//!
//! ```text
//!  reader thread ──INPUT_QUEUE──▶ rayon workers ──RESULT_QUEUE──▶ writer (caller's thread)
//!  (I/O, framing)   (bounded)     (decode + stages   (bounded)     (reorder, sinks)
//!                                  + encode)
//!        ▲                                                              │
//!        └──────────────── InFlight window: released once written ──────┘
//! ```
//!
//! The reader never runs more than [`MAX_DOCS_IN_FLIGHT`] documents or
//! [`MAX_BYTES_IN_FLIGHT`] bytes ahead of the writer, so memory stays flat
//! however large the corpus, and the writer's reorder buffer is bounded by
//! the same window. Output order is input order whatever the thread count.

mod window;

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, select, Receiver, Sender};
use document::{DocError, Stage};
use reader::RawDoc;
use sinks::{Encoder, Outcome, Sink, SinkError};

use window::InFlight;

/// Documents the reader hands to a worker at once, at most. A batch costs
/// one wake-up of a worker and one of the writer (each a system call)
/// instead of one per document; the reader hands a batch on early when its
/// next document is not at hand ([`DocStream::next_is_ready`]), so a
/// stream's documents are never held back waiting for more.
pub const BATCH_DOCS: usize = 16;

/// Input bytes in a batch before it is handed on (a larger document
/// travels alone): a batch of long articles still spreads over workers.
pub const BATCH_BYTES: usize = 64 * 1024;

/// Batches of raw documents waiting for a worker. When full, the reader
/// blocks: every worker is busy and enough work is queued to keep them so.
pub const INPUT_QUEUE_CAP: usize = 16;

/// Batches of finished documents waiting for the writer. When full,
/// workers block: the writer (or the disk behind it) is the bottleneck.
pub const RESULT_QUEUE_CAP: usize = 16;

/// Documents read but not yet written, wherever they are (queued, in a
/// worker, or in the writer's reorder buffer). When reached, the reader
/// blocks until the writer catches up; one slow document therefore stalls
/// reading instead of growing the reorder buffer without end.
pub const MAX_DOCS_IN_FLIGHT: usize = 2048;

/// Input bytes read but not yet written. Bounds memory when documents are
/// large; the reader blocks when a new document would exceed it (a single
/// document larger than this still passes, alone).
pub const MAX_BYTES_IN_FLIGHT: usize = 64 * 1024 * 1024;

/// Encoded batches' buffers the writer hands back to the workers for reuse,
/// so that output buffers are not allocated, faulted in and freed across
/// threads batch after batch. Never blocks anyone: when it is full the
/// writer frees the buffer, when it is empty a worker allocates one.
pub const SPARE_BUFFERS: usize = RESULT_QUEUE_CAP + 16;

/// Larger buffers (made by a long document) are freed, not kept.
const MAX_SPARE_BYTES: usize = 4 * 1024 * 1024;

/// Room made for a batch's encoded records per byte of its input, so that
/// the buffer seldom grows (each growth copies it). A JSONL record of news
/// is about four times its raw input (text, then its sentences, entities and
/// quotes with their texts again); only pages written to count in memory.
const ENCODED_PER_RAW_BYTE: usize = 5;

/// The stages a normal run applies, in order.
pub fn default_stages() -> Vec<Box<dyn Stage>> {
    stages_up_to(StageSet::All)
}

/// How far down the pipeline a run goes. Each stage needs the ones before
/// it, so a run is always a prefix of segment -> tag -> quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StageSet {
    /// No stages: read and write only (for measuring the runtime).
    None,
    /// Paragraphs, sentences and tokens.
    Segment,
    /// ... and entities with clusters.
    Tag,
    /// ... and quotes: everything.
    All,
}

/// The stages of `set`, in order.
pub fn stages_up_to(set: StageSet) -> Vec<Box<dyn Stage>> {
    let mut stages: Vec<Box<dyn Stage>> = Vec::new();
    if set >= StageSet::Segment {
        stages.push(Box::new(segmenter::Segmenter::new()));
    }
    if set >= StageSet::Tag {
        stages.push(Box::new(tagger::Tagger::new()));
    }
    if set >= StageSet::All {
        stages.push(Box::new(quotes::QuoteAttributor::new()));
    }
    stages
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    /// Documents written (results and errors).
    pub n_docs: u64,
    /// Documents written as error records.
    pub n_errors: u64,
    /// Bytes of text of the documents processed (error records count 0).
    pub n_bytes: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl Summary {
    /// Input megabytes (10^6 bytes) per second of wall time.
    pub fn mb_per_s(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.n_bytes as f64 / 1e6 / secs
        } else {
            0.0
        }
    }
}

/// The documents of a run, in order.
pub trait DocStream: Iterator<Item = RawDoc> {
    /// Whether [`next`](Iterator::next) returns at once, without waiting
    /// for whoever writes a pipe or terminal. When false, the reader hands
    /// the documents it holds to the workers before it reads on.
    fn next_is_ready(&self) -> bool;
}

impl DocStream for reader::Reader {
    fn next_is_ready(&self) -> bool {
        reader::Reader::next_is_ready(self)
    }
}

/// Documents in memory are always at hand.
impl DocStream for std::vec::IntoIter<RawDoc> {
    fn next_is_ready(&self) -> bool {
        true
    }
}

/// Documents read together, with their sequence numbers.
type Batch = Vec<(u64, RawDoc)>;

/// A finished batch: consecutive documents from `first_seq` on.
struct Done {
    first_seq: u64,
    /// Raw input bytes the batch holds in the in-flight window.
    n_raw_bytes: usize,
    records: Records,
}

/// A finished batch's documents, as the writer gets them.
enum Records {
    /// Whole outcomes, for sinks without an [`Encoder`].
    Outcomes(Vec<Outcome>),
    /// The sink's bytes for the batch, made by the worker's [`Encoder`],
    /// and each document's text length or error (for the summary and
    /// `on_written`).
    Encoded {
        bytes: Vec<u8>,
        docs: Vec<Result<usize, DocError>>,
    },
}

impl Done {
    fn n_docs(&self) -> usize {
        match &self.records {
            Records::Outcomes(outcomes) => outcomes.len(),
            Records::Encoded { docs, .. } => docs.len(),
        }
    }
}

/// Runs `stages` over every document of `docs` on `threads` worker threads
/// and writes each outcome to `sink` in input order. `on_written` sees every
/// document after it was written: its error, if it failed (for progress
/// reporting).
///
/// If the sink has an [`Encoder`], each worker encodes its own documents
/// and the writer only copies bytes: the writer's thread then does almost
/// no work, and `threads` is the number of cores the run keeps busy.
///
/// A failure or panic in one document becomes that document's error record;
/// only a sink error stops the run.
pub fn run<I>(
    docs: I,
    stages: &[Box<dyn Stage>],
    sink: &mut dyn Sink,
    threads: usize,
    on_written: &mut dyn FnMut(Option<&DocError>),
) -> Result<Summary, SinkError>
where
    I: DocStream + Send + 'static,
{
    let started = Instant::now();
    let threads = threads.max(1);
    let window = Arc::new(InFlight::new(MAX_DOCS_IN_FLIGHT, MAX_BYTES_IN_FLIGHT));
    let (input_tx, input_rx) = bounded::<Batch>(INPUT_QUEUE_CAP);
    let (result_tx, result_rx) = bounded::<Done>(RESULT_QUEUE_CAP);
    // Never sent on: dropped by the writer when it stops, which wakes workers
    // waiting for input from a reader that is stuck in a blocking read.
    let (stop_tx, stop_rx) = bounded::<()>(0);

    // Detached, not scoped: it may sit in a blocking read of stdin, and a
    // failed run must be able to return without waiting for that read.
    let reader_window = Arc::clone(&window);
    std::thread::Builder::new()
        .name("reader".into())
        .spawn(move || read_loop(docs, &input_tx, &reader_window))
        .expect("spawn reader thread");

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("worker-{i}"))
        .build()
        .expect("build worker pool");

    let (spare_tx, spare_rx) = bounded::<Vec<u8>>(SPARE_BUFFERS);
    let encoders: Vec<Option<Encoding>> = (0..threads)
        .map(|_| {
            sink.encoder().map(|encoder| Encoding {
                encoder,
                spare_rx: spare_rx.clone(),
            })
        })
        .collect();
    let pool = &pool;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.scope(|workers| {
                for mut encoder in encoders {
                    let input_rx = input_rx.clone();
                    let result_tx = result_tx.clone();
                    let stop_rx = stop_rx.clone();
                    workers.spawn(move |_| {
                        work_loop(&input_rx, &result_tx, &stop_rx, stages, &mut encoder);
                    });
                }
            });
            // Dropping the last result sender ends the writer's loop.
            drop(result_tx);
        });
        let written = write_loop(result_rx, sink, &window, &spare_tx, on_written);
        // Whatever happened, let the reader and the workers go.
        window.close();
        drop(stop_tx);
        written.map(|mut summary| {
            summary.elapsed = started.elapsed();
            summary
        })
    })
}

fn read_loop<I: DocStream>(mut docs: I, input_tx: &Sender<Batch>, window: &InFlight) {
    let mut batch = Batch::with_capacity(BATCH_DOCS);
    let mut batch_bytes = 0;
    // Hands the batch to the workers; false once they are gone.
    let hand_on = |batch: &mut Batch, batch_bytes: &mut usize| {
        *batch_bytes = 0;
        batch.is_empty()
            || input_tx
                .send(std::mem::replace(batch, Batch::with_capacity(BATCH_DOCS)))
                .is_ok()
    };
    for seq in 0u64.. {
        let full = batch.len() >= BATCH_DOCS || batch_bytes >= BATCH_BYTES;
        if (full || !docs.next_is_ready()) && !hand_on(&mut batch, &mut batch_bytes) {
            return; // the writer stopped
        }
        let Some(raw) = docs.next() else { break };
        // Never wait for the writer while holding documents it may be
        // waiting for.
        if !window.try_acquire(raw.len())
            && (!hand_on(&mut batch, &mut batch_bytes) || !window.acquire(raw.len()))
        {
            return; // the writer stopped
        }
        batch_bytes += raw.len();
        batch.push((seq, raw));
    }
    hand_on(&mut batch, &mut batch_bytes);
}

fn work_loop(
    input_rx: &Receiver<Batch>,
    result_tx: &Sender<Done>,
    stop_rx: &Receiver<()>,
    stages: &[Box<dyn Stage>],
    encoder: &mut Option<Encoding>,
) {
    loop {
        let batch = select! {
            recv(input_rx) -> msg => match msg {
                Ok(batch) => batch,
                Err(_) => return, // the reader is done
            },
            recv(stop_rx) -> _ => return, // the writer stopped
        };
        if result_tx
            .send(process_batch(batch, stages, encoder))
            .is_err()
        {
            return; // the writer stopped
        }
    }
}

/// Decodes one document and runs every stage on it; a stage's error or
/// panic becomes the document's error record.
pub fn process(raw: RawDoc, stages: &[Box<dyn Stage>]) -> Outcome {
    let mut outcome = decode_guarded(raw);
    for stage in stages {
        apply(stage.as_ref(), &mut outcome);
    }
    outcome
}

/// [`process`] of every document of a batch, stage by stage: each stage
/// runs over the whole batch before the next, so its tables and caches stay
/// warm in the processor's caches instead of being evicted by the other
/// stages at every document. Outcomes are those of [`process`], encoded
/// when there is an `encoder`.
fn process_batch(batch: Batch, stages: &[Box<dyn Stage>], encoder: &mut Option<Encoding>) -> Done {
    let first_seq = batch.first().map_or(0, |(seq, _)| *seq);
    debug_assert!(batch.iter().zip(first_seq..).all(|((seq, _), n)| *seq == n));
    let n_raw_bytes = batch.iter().map(|(_, raw)| raw.len()).sum();
    let mut outcomes: Vec<Outcome> = batch
        .into_iter()
        .map(|(_, raw)| decode_guarded(raw))
        .collect();
    for stage in stages {
        for outcome in &mut outcomes {
            apply(stage.as_ref(), outcome);
        }
    }
    Done {
        first_seq,
        n_raw_bytes,
        records: match encoder {
            Some(encoding) => encoding.encode(outcomes, n_raw_bytes),
            None => Records::Outcomes(outcomes),
        },
    }
}

/// A worker's [`Encoder`], and where it finds buffers to reuse.
struct Encoding {
    encoder: Box<dyn Encoder>,
    spare_rx: Receiver<Vec<u8>>,
}

impl Encoding {
    /// The batch's records in the sink's bytes. Should the encoder fail,
    /// the writer gets the outcomes, and the sink reports the failure as
    /// it would have without an encoder.
    fn encode(&mut self, outcomes: Vec<Outcome>, n_raw_bytes: usize) -> Records {
        let mut bytes = self.spare_rx.try_recv().unwrap_or_default();
        bytes.reserve(ENCODED_PER_RAW_BYTE * n_raw_bytes);
        for outcome in &outcomes {
            if self.encoder.encode(outcome, &mut bytes).is_err() {
                return Records::Outcomes(outcomes);
            }
        }
        let docs = outcomes
            .into_iter()
            .map(|outcome| outcome.map(|doc| doc.text.len()))
            .collect();
        Records::Encoded { bytes, docs }
    }
}

/// Decodes a raw document; a panic becomes its error record.
fn decode_guarded(raw: RawDoc) -> Outcome {
    let ident = (raw.id.clone(), raw.source.clone());
    panic::catch_unwind(AssertUnwindSafe(|| reader::decode(raw)))
        .unwrap_or_else(|payload| Err(panic_error(ident.0, ident.1, "reader", &*payload)))
}

/// Runs `stage` on a decoded document; its error or panic replaces the
/// document with an error record.
fn apply(stage: &dyn Stage, outcome: &mut Outcome) {
    let Ok(doc) = outcome else {
        return;
    };
    let error = match panic::catch_unwind(AssertUnwindSafe(|| stage.process(doc))) {
        Ok(Ok(())) => return,
        Ok(Err(err)) => DocError {
            id: doc.id.clone(),
            source: doc.source.clone(),
            kind: "stage_failed".into(),
            message: format!("{} failed: {err}", stage.name()),
        },
        Err(payload) => panic_error(doc.id.clone(), doc.source.clone(), stage.name(), &*payload),
    };
    *outcome = Err(error);
}

/// The error record of a document whose `stage` panicked.
fn panic_error(
    id: String,
    source: String,
    stage: &str,
    payload: &(dyn std::any::Any + Send),
) -> DocError {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(id = %id, stage, "panic: {what}");
    DocError {
        id,
        source,
        kind: "panic".into(),
        message: format!("internal error in stage {stage}: {what}"),
    }
}

fn write_loop(
    result_rx: Receiver<Done>,
    sink: &mut dyn Sink,
    window: &InFlight,
    spare_tx: &Sender<Vec<u8>>,
    on_written: &mut dyn FnMut(Option<&DocError>),
) -> Result<Summary, SinkError> {
    let mut summary = Summary::default();
    // Batches that finished before an earlier one, at their first
    // document's distance from `next_seq` (a slot per sequence number in
    // between); bounded by the in-flight window.
    let mut reorder: VecDeque<Option<Done>> = VecDeque::new();
    let mut next_seq = 0u64;
    let mut write = |sink: &mut dyn Sink, records: Records| -> Result<(), SinkError> {
        let mut count = |text_len: Result<usize, &DocError>| {
            summary.n_docs += 1;
            match text_len {
                Ok(len) => summary.n_bytes += len as u64,
                Err(_) => summary.n_errors += 1,
            }
            on_written(text_len.err());
        };
        match records {
            Records::Outcomes(outcomes) => {
                for outcome in &outcomes {
                    sink.write(outcome)?;
                    count(outcome.as_ref().map(|doc| doc.text.len()));
                }
            }
            Records::Encoded { mut bytes, docs } => {
                sink.write_encoded(&bytes)?;
                for doc in &docs {
                    count(doc.as_ref().copied());
                }
                if bytes.capacity() <= MAX_SPARE_BYTES {
                    bytes.clear();
                    let _ = spare_tx.try_send(bytes);
                }
            }
        }
        Ok(())
    };
    for done in &result_rx {
        let slot = usize::try_from(done.first_seq - next_seq).expect("within the in-flight window");
        if reorder.len() <= slot {
            reorder.resize_with(slot + 1, || None);
        }
        reorder[slot] = Some(done);
        let (mut n_written, mut n_written_bytes) = (0, 0);
        // Mostly the next batch (always with one worker): written at once.
        while let Some(Some(_)) = reorder.front() {
            let done = reorder.pop_front().flatten().expect("a ready batch");
            let n_docs = done.n_docs();
            // The slots of the batch's other documents.
            reorder.drain(..(n_docs - 1).min(reorder.len()));
            write(sink, done.records)?;
            n_written += n_docs;
            n_written_bytes += done.n_raw_bytes;
            next_seq += n_docs as u64;
        }
        window.release(n_written, n_written_bytes);
        if result_rx.is_empty() {
            // Nothing else is ready: hand what we have to the reader of our
            // output (this is what makes stdin-to-stdout streaming work).
            sink.flush()?;
        }
    }
    debug_assert!(reorder.is_empty(), "every sequence number arrives");
    sink.finish()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use document::Document;

    /// Records the ids it is given, whole or encoded (one id per line).
    #[derive(Default)]
    struct IdSink(Vec<String>);

    impl Sink for IdSink {
        fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
            self.0.push(match outcome {
                Ok(doc) => doc.id.clone(),
                Err(err) => err.id.clone(),
            });
            Ok(())
        }

        fn write_encoded(&mut self, records: &[u8]) -> Result<(), SinkError> {
            let text = std::str::from_utf8(records).expect("ids");
            self.0.extend(text.lines().map(String::from));
            Ok(())
        }

        fn finish(&mut self) -> Result<(), SinkError> {
            Ok(())
        }
    }

    /// The batch of documents `first_seq..first_seq + n_docs`, each with
    /// one byte of text; document 4 failed. Encoded as `IdSink` reads it
    /// when `encoded`.
    fn done(first_seq: u64, n_docs: u64, encoded: bool) -> Done {
        let outcomes: Vec<Outcome> = (first_seq..first_seq + n_docs)
            .map(|seq| match seq {
                4 => Err(DocError {
                    id: "4".into(),
                    source: "t".into(),
                    kind: "test".into(),
                    message: "failed on purpose".into(),
                }),
                _ => Ok(Document::new(seq.to_string(), "t", "x")),
            })
            .collect();
        let records = if encoded {
            let mut bytes = Vec::new();
            for outcome in &outcomes {
                let id = match outcome {
                    Ok(doc) => &doc.id,
                    Err(err) => &err.id,
                };
                bytes.extend_from_slice(format!("{id}\n").as_bytes());
            }
            let docs = outcomes
                .into_iter()
                .map(|o| o.map(|d| d.text.len()))
                .collect();
            Records::Encoded { bytes, docs }
        } else {
            Records::Outcomes(outcomes)
        };
        Done {
            first_seq,
            n_raw_bytes: n_docs as usize,
            records,
        }
    }

    #[test]
    fn batches_arriving_out_of_order_are_written_in_order() {
        // Out of order, with gaps, the next one arriving behind later ones,
        // whole outcomes and encoded records mixed.
        let batches = [
            done(3, 2, true),
            done(0, 1, false),
            done(8, 3, false),
            done(1, 2, true),
            done(5, 3, true),
            done(11, 1, false),
        ];
        let (tx, rx) = bounded::<Done>(batches.len());
        for batch in batches {
            tx.send(batch).expect("send");
        }
        drop(tx);
        let window = InFlight::new(64, 1 << 20);
        for _ in 0..12 {
            assert!(window.try_acquire(1));
        }
        let mut sink = IdSink::default();
        let (mut seen, mut failed) = (0, Vec::new());
        let (spare_tx, spare_rx) = bounded(SPARE_BUFFERS);
        let summary = write_loop(rx, &mut sink, &window, &spare_tx, &mut |error| {
            seen += 1;
            failed.extend(error.map(|e| e.id.clone()));
        })
        .expect("written");
        let expected: Vec<String> = (0..12).map(|n: u64| n.to_string()).collect();
        assert_eq!(sink.0, expected);
        assert_eq!(
            (summary.n_docs, summary.n_errors, summary.n_bytes, seen),
            (12, 1, 11, 12)
        );
        assert_eq!(failed, ["4"]);
        // The encoded batches' buffers came back, empty.
        let spares: Vec<Vec<u8>> = spare_rx.try_iter().collect();
        assert_eq!(spares.len(), 3);
        assert!(spares.iter().all(Vec::is_empty));
        // Every document was released from the window: it takes 64 again.
        for _ in 0..64 {
            assert!(window.try_acquire(1));
        }
    }
}
