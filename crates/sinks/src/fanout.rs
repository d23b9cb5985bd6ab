use crate::{Outcome, Sink, SinkError};

/// Writes every outcome to several sinks, in the order given.
///
/// The first error stops everything: the remaining sinks are not written,
/// and dropping the fan-out drops them unfinished (their temporary files are
/// removed). `finish` first flushes every sink, so that a full disk shows
/// up before any output is renamed into place, then finishes them in order.
///
/// ```
/// use document::Document;
/// use sinks::{Fanout, JsonSink, JsonlSink, Sink};
///
/// let (mut lines, mut array) = (Vec::new(), Vec::new());
/// let mut both = Fanout::new(vec![
///     Box::new(JsonlSink::new(&mut lines)),
///     Box::new(JsonSink::new(&mut array)),
/// ]);
/// both.write(&Ok(Document::new("a1", "example", "Hi.")))?;
/// both.finish()?;
/// drop(both);
/// let line: serde_json::Value = serde_json::from_slice(&lines)?;
/// let array: serde_json::Value = serde_json::from_slice(&array)?;
/// assert_eq!(array[0], line);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Fanout<'a> {
    sinks: Vec<Box<dyn Sink + 'a>>,
}

impl std::fmt::Debug for Fanout<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fanout")
            .field("sinks", &self.sinks.len())
            .finish()
    }
}

impl<'a> Fanout<'a> {
    /// Writes to every sink of `sinks`.
    pub fn new(sinks: Vec<Box<dyn Sink + 'a>>) -> Self {
        Fanout { sinks }
    }
}

impl Sink for Fanout<'_> {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        self.sinks.iter_mut().try_for_each(|s| s.write(outcome))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.sinks.iter_mut().try_for_each(|s| s.flush())
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.flush()?;
        self.sinks.iter_mut().try_for_each(|s| s.finish())
    }
}
