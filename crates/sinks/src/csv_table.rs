use std::str::FromStr;

use document::{CharOffsets, Document, Span};

use crate::{io_error, span_text, Outcome, Sink, SinkError, Target};

/// Which table a CSV output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvTable {
    /// One row per quote: [`QUOTE_COLUMNS`].
    #[default]
    Quotes,
    /// One row per entity mention: [`ENTITY_COLUMNS`].
    Entities,
}

impl CsvTable {
    /// The name used on the command line (`quotes`, `entities`).
    pub fn as_str(self) -> &'static str {
        match self {
            CsvTable::Quotes => "quotes",
            CsvTable::Entities => "entities",
        }
    }
}

impl FromStr for CsvTable {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "quotes" => Ok(CsvTable::Quotes),
            "entities" => Ok(CsvTable::Entities),
            other => Err(format!(
                "unknown CSV table {other:?} (expected quotes or entities)"
            )),
        }
    }
}

/// Columns of the quotes table.
pub const QUOTE_COLUMNS: [&str; 16] = [
    "doc_id",
    "title",
    "quote_idx",
    "speaker_name",
    "speaker",
    "cue",
    "kind",
    "text",
    "start",
    "end",
    "speaker_start",
    "speaker_end",
    "cue_start",
    "cue_end",
    "cluster",
    "error",
];

/// Columns of the entities table.
pub const ENTITY_COLUMNS: [&str; 11] = [
    "doc_id",
    "title",
    "entity_idx",
    "label",
    "text",
    "start",
    "end",
    "sentence_idx",
    "cluster",
    "cluster_name",
    "error",
];

/// The UTF-8 byte-order mark: without it Excel reads CSV as the local
/// code page and garbles every curly quote.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// A CSV table (RFC 4180 quoting) of the quotes or of the entity mentions,
/// one row each, in document order.
///
/// Offsets (`start`, `end`, ...) are code points, as in the JSON contract.
/// A document that failed gets one row holding its id and, in the `error`
/// column, `kind: message`; every other row has an empty `error`. A
/// document without quotes (entities) has no row.
///
/// ```
/// use document::{Document, Quote, QuoteKind, Span};
/// use sinks::{CsvSink, CsvTable, Sink};
///
/// let mut doc = Document::new("a1", "example", "\"We won,\" Ann said.");
/// doc.quotes.push(Quote {
///     span: Span::new(1, 8),
///     kind: QuoteKind::Direct,
///     parts: vec![],
///     cue: Some(Span::new(14, 18)),
///     speaker: Some(Span::new(10, 13)),
///     cluster: None,
///     speaker_name: Some("Ann".into()),
/// });
/// let mut out = Vec::new();
/// let mut sink = CsvSink::new(&mut out, CsvTable::Quotes);
/// sink.write(&Ok(doc))?;
/// sink.finish()?;
/// drop(sink);
/// let mut rows = csv::Reader::from_reader(out.as_slice());
/// let row = rows.records().next().unwrap()?;
/// assert_eq!(&row[3], "Ann"); // speaker_name
/// assert_eq!(&row[7], "We won,"); // text
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CsvSink<W: Target> {
    /// The destination until the first row: the byte-order mark goes
    /// straight to it, then the CSV writer takes it over.
    raw: Option<W>,
    out: Option<csv::Writer<W>>,
    table: CsvTable,
    target: String,
    bom: bool,
    row: Vec<String>,
}

impl<W: Target> CsvSink<W> {
    /// Writes `table` to `out`, without a byte-order mark.
    pub fn new(out: W, table: CsvTable) -> Self {
        Self::with_target(out, table, "output")
    }

    /// Writes `table` to `out`, naming it `target` in error messages.
    pub fn with_target(out: W, table: CsvTable, target: impl Into<String>) -> Self {
        CsvSink {
            raw: Some(out),
            out: None,
            table,
            target: target.into(),
            bom: false,
            row: Vec::new(),
        }
    }

    /// Starts the output with a UTF-8 byte-order mark, for spreadsheets
    /// (Excel) that otherwise guess the encoding wrong.
    pub fn with_bom(mut self, bom: bool) -> Self {
        self.bom = bom;
        self
    }

    fn columns(&self) -> &'static [&'static str] {
        match self.table {
            CsvTable::Quotes => &QUOTE_COLUMNS,
            CsvTable::Entities => &ENTITY_COLUMNS,
        }
    }

    /// The CSV writer, created with the header row on first use.
    fn writer(&mut self) -> Result<&mut csv::Writer<W>, SinkError> {
        if let Some(mut raw) = self.raw.take() {
            if self.bom {
                raw.write_all(BOM).map_err(io_error(&self.target))?;
            }
            let mut out = csv::Writer::from_writer(raw);
            out.write_record(self.columns())
                .map_err(|e| io_error(&self.target)(e.into()))?;
            self.out = Some(out);
        }
        Ok(self.out.as_mut().expect("writer exists once raw is taken"))
    }

    fn push_row(&mut self) -> Result<(), SinkError> {
        let row = std::mem::take(&mut self.row);
        let result = self.writer()?.write_record(&row);
        self.row = row;
        self.row.clear();
        result.map_err(|e| io_error(&self.target)(e.into()))
    }

    fn write_quotes(&mut self, doc: &Document, offsets: &CharOffsets) -> Result<(), SinkError> {
        let title = doc.title.as_deref().unwrap_or("");
        for (idx, q) in doc.quotes.iter().enumerate() {
            let (start, end) = offsets.span(q.span);
            let (speaker_start, speaker_end) = opt_span(offsets, q.speaker);
            let (cue_start, cue_end) = opt_span(offsets, q.cue);
            self.row.extend([
                doc.id.clone(),
                title.to_string(),
                idx.to_string(),
                q.speaker_name.clone().unwrap_or_default(),
                q.speaker
                    .map_or("", |s| span_text(&doc.text, s))
                    .to_string(),
                q.cue.map_or("", |s| span_text(&doc.text, s)).to_string(),
                q.kind.as_str().to_string(),
                span_text(&doc.text, q.span).to_string(),
                start.to_string(),
                end.to_string(),
                speaker_start,
                speaker_end,
                cue_start,
                cue_end,
                q.cluster.map(|c| c.to_string()).unwrap_or_default(),
                String::new(),
            ]);
            self.push_row()?;
        }
        Ok(())
    }

    fn write_entities(&mut self, doc: &Document, offsets: &CharOffsets) -> Result<(), SinkError> {
        let title = doc.title.as_deref().unwrap_or("");
        for (idx, e) in doc.entities.iter().enumerate() {
            let (start, end) = offsets.span(e.span);
            let cluster_name = e
                .cluster
                .and_then(|c| doc.clusters.get(c as usize))
                .map(|c| c.name.clone())
                .unwrap_or_default();
            self.row.extend([
                doc.id.clone(),
                title.to_string(),
                idx.to_string(),
                e.label.as_str().to_string(),
                span_text(&doc.text, e.span).to_string(),
                start.to_string(),
                end.to_string(),
                e.sentence_idx.to_string(),
                e.cluster.map(|c| c.to_string()).unwrap_or_default(),
                cluster_name,
                String::new(),
            ]);
            self.push_row()?;
        }
        Ok(())
    }
}

fn opt_span(offsets: &CharOffsets, span: Option<Span>) -> (String, String) {
    match span {
        Some(span) => {
            let (start, end) = offsets.span(span);
            (start.to_string(), end.to_string())
        }
        None => (String::new(), String::new()),
    }
}

impl<W: Target> Sink for CsvSink<W> {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        match outcome {
            Ok(doc) => {
                let offsets = doc.char_offsets();
                match self.table {
                    CsvTable::Quotes => self.write_quotes(doc, &offsets),
                    CsvTable::Entities => self.write_entities(doc, &offsets),
                }
            }
            Err(err) => {
                let n_columns = self.columns().len();
                self.row.push(err.id.clone());
                self.row.resize(n_columns - 1, String::new());
                self.row.push(format!("{}: {}", err.kind, err.message));
                self.push_row()
            }
        }
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        match &mut self.out {
            Some(out) => out.flush().map_err(io_error(&self.target)),
            None => Ok(()),
        }
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.writer()?; // an empty run still gets its header
        let out = self.out.take().expect("writer was just created");
        let mut raw = out
            .into_inner()
            .map_err(|e| io_error(&self.target)(e.into_error()))?;
        raw.commit().map_err(io_error(&self.target))
    }
}
