//! The JSON contract's view of an [`Outcome`], with code-point offsets.
//!
//! A result record:
//! `{"id","source","title","text","meta"?,"sentences":[{"start","end"}],
//! "entities":[{"start","end","text","label","cluster"}],
//! "clusters":[{"id","name","label","titles","mentions":[[start,end]]}],
//! "quotes":[{"start","end","text","kind","parts"?,"cue","speaker","cluster","speaker_name"}]}`;
//! an error record: `{"id","source","error":{"kind","message"}}`.
//!
//! [`JsonlSink`](crate::JsonlSink), the pipeline's hot path, writes the same
//! bytes by hand (`compact.rs`) rather than through this view: a change to
//! the contract here must be made there too. Its unit tests compare the two
//! byte for byte.

use document::{CharOffsets, Document, Span};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;

use crate::Outcome;

/// What to include in a record beyond the contract's fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordOptions {
    /// Give each sentence its tokens: `"tokens": [[start, end], ...]`.
    pub tokens: bool,
}

/// A serializable view of one outcome in the JSON contract.
pub fn record(outcome: &Outcome) -> Record<'_> {
    record_with(outcome, RecordOptions::default())
}

/// [`record`], with extra fields chosen by `options`.
pub fn record_with(outcome: &Outcome, options: RecordOptions) -> Record<'_> {
    match outcome {
        Ok(doc) => Record::Doc(DocRecord {
            offsets: doc.char_offsets(),
            doc,
            options,
        }),
        Err(err) => Record::Error(err),
    }
}

/// See [`record`].
#[derive(Debug)]
pub enum Record<'a> {
    /// A processed document.
    Doc(DocRecord<'a>),
    /// A document that failed.
    Error(&'a document::DocError),
}

/// A processed document with its offset converter.
#[derive(Debug)]
pub struct DocRecord<'a> {
    doc: &'a Document,
    offsets: CharOffsets,
    options: RecordOptions,
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Record::Doc(doc) => doc.serialize(s),
            Record::Error(err) => {
                let mut map = s.serialize_map(Some(3))?;
                map.serialize_entry("id", &err.id)?;
                map.serialize_entry("source", &err.source)?;
                map.serialize_entry(
                    "error",
                    &ErrorBody {
                        kind: &err.kind,
                        message: &err.message,
                    },
                )?;
                map.end()
            }
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: &'a str,
    message: &'a str,
}

impl Serialize for DocRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.doc;
        let cx = Cx {
            text: &doc.text,
            offsets: &self.offsets,
        };
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &doc.id)?;
        map.serialize_entry("source", &doc.source)?;
        map.serialize_entry("title", &doc.title)?;
        map.serialize_entry("text", &doc.text)?;
        if let Some(meta) = &doc.meta {
            map.serialize_entry("meta", meta)?;
        }
        let with_tokens = self.options.tokens;
        let sentences = Seq(&doc.sentences, |_, s| SentenceRecord {
            cx,
            doc,
            s,
            with_tokens,
        });
        let entities = Seq(&doc.entities, |_, e| EntityRecord { cx, e });
        let clusters = Seq(&doc.clusters, |id, c| ClusterRecord { cx, doc, c, id });
        let quotes = Seq(&doc.quotes, |_, q| QuoteRecord { cx, q });
        map.serialize_entry("sentences", &sentences)?;
        map.serialize_entry("entities", &entities)?;
        map.serialize_entry("clusters", &clusters)?;
        map.serialize_entry("quotes", &quotes)?;
        map.end()
    }
}

/// Offsets and text, for spans.
#[derive(Clone, Copy)]
struct Cx<'a> {
    text: &'a str,
    offsets: &'a CharOffsets,
}

impl<'a> Cx<'a> {
    fn span(self, span: Span) -> SpanRecord<'a> {
        let (start, end) = self.offsets.span(span);
        SpanRecord {
            start,
            end,
            text: None,
        }
    }

    fn span_text(self, span: Span) -> SpanRecord<'a> {
        let (start, end) = self.offsets.span(span);
        SpanRecord {
            start,
            end,
            text: Some(span.text(self.text)),
        }
    }
}

#[derive(Serialize)]
struct SpanRecord<'a> {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

/// Serializes a slice through a per-item view `(index, item) -> view`.
struct Seq<'a, T, F>(&'a [T], F);

impl<'a, T, F, R> Serialize for Seq<'a, T, F>
where
    F: Fn(usize, &'a T) -> R,
    R: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (idx, item) in self.0.iter().enumerate() {
            seq.serialize_element(&(self.1)(idx, item))?;
        }
        seq.end()
    }
}

struct SentenceRecord<'a> {
    cx: Cx<'a>,
    doc: &'a Document,
    s: &'a document::Sentence,
    with_tokens: bool,
}

impl Serialize for SentenceRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (start, end) = self.cx.offsets.span(self.s.span);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("start", &start)?;
        map.serialize_entry("end", &end)?;
        if self.with_tokens {
            let tokens = Seq(
                self.doc.sentence_tokens(self.s),
                |_, t: &document::Token| {
                    let (start, end) = self.cx.offsets.span(t.span);
                    [start, end]
                },
            );
            map.serialize_entry("tokens", &tokens)?;
        }
        map.end()
    }
}

struct EntityRecord<'a> {
    cx: Cx<'a>,
    e: &'a document::Entity,
}

impl Serialize for EntityRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (start, end) = self.cx.offsets.span(self.e.span);
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("start", &start)?;
        map.serialize_entry("end", &end)?;
        map.serialize_entry("text", self.e.span.text(self.cx.text))?;
        map.serialize_entry("label", self.e.label.as_str())?;
        map.serialize_entry("cluster", &self.e.cluster)?;
        map.end()
    }
}

struct ClusterRecord<'a> {
    cx: Cx<'a>,
    doc: &'a Document,
    c: &'a document::Cluster,
    id: usize,
}

impl Serialize for ClusterRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mentions = Seq(&self.c.mentions, |_, &m| {
            let (start, end) = self.cx.offsets.span(self.doc.entities[m as usize].span);
            [start, end]
        });
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("name", &self.c.name)?;
        map.serialize_entry("label", self.c.label.as_str())?;
        map.serialize_entry("titles", &self.c.titles)?;
        map.serialize_entry("mentions", &mentions)?;
        map.end()
    }
}

struct QuoteRecord<'a> {
    cx: Cx<'a>,
    q: &'a document::Quote,
}

impl Serialize for QuoteRecord<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (q, cx) = (self.q, self.cx);
        let (start, end) = cx.offsets.span(q.span);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("start", &start)?;
        map.serialize_entry("end", &end)?;
        map.serialize_entry("text", q.span.text(cx.text))?;
        map.serialize_entry("kind", q.kind.as_str())?;
        if !q.parts.is_empty() {
            map.serialize_entry("parts", &Seq(&q.parts, |_, &p| cx.span(p)))?;
        }
        map.serialize_entry("cue", &q.cue.map(|c| cx.span_text(c)))?;
        map.serialize_entry("speaker", &q.speaker.map(|c| cx.span_text(c)))?;
        map.serialize_entry("cluster", &q.cluster)?;
        map.serialize_entry("speaker_name", &q.speaker_name)?;
        map.end()
    }
}
