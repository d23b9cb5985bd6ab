//! The document model shared by every stage of the pipeline.
//!
//! A [`Document`] enters the pipeline with only its text and identity; each
//! [`Stage`] enriches it in place: the segmenter fills `paragraphs`,
//! `sentences` and `tokens`, the tagger `entities` and `clusters`, the quote
//! attributor `quotes`. Every annotation is a [`Span`] of **byte** offsets into
//! [`Document::text`]; [`CharOffsets`] converts them to the Unicode code-point
//! offsets of the JSON contract.
//!
//! ```
//! use document::{Document, Span};
//!
//! let doc = Document::new("a1", "example", "Zoë said hi.");
//! let said = Span::new(5, 9);
//! assert_eq!(said.text(&doc.text), "said");
//! // In code points "Zoë" is 3 long, so "said" starts at 4.
//! assert_eq!(doc.char_offsets().span(said), (4, 8));
//! ```

#![warn(missing_docs)]

mod offsets;

pub use offsets::CharOffsets;

use std::fmt;
use std::ops::Range;

/// A half-open range `start..end` of byte offsets into a document's text.
///
/// Offsets are `u32` to keep token and entity tables small; the reader refuses
/// documents that do not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end` (byte offsets, end exclusive).
    ///
    /// # Panics
    /// If `start > end` or either does not fit in `u32`.
    #[inline]
    pub fn new(start: usize, end: usize) -> Span {
        assert!(start <= end, "span start {start} > end {end}");
        Span {
            start: u32::try_from(start).expect("offset fits in u32"),
            end: u32::try_from(end).expect("offset fits in u32"),
        }
    }

    /// The span as a `usize` range, for slicing.
    #[inline]
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Length in bytes.
    #[inline]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no bytes.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The covered text.
    ///
    /// # Panics
    /// If the span is not inside `text` or not on char boundaries.
    #[inline]
    pub fn text(self, text: &str) -> &str {
        &text[self.range()]
    }

    /// Whether `other` lies entirely inside this span.
    #[inline]
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two spans share at least one byte.
    #[inline]
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// What kind of text a token is; the tokenizer decides, later stages use it as
/// a cheap feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes, hyphens or periods (`U.S.`).
    #[default]
    Word,
    /// Digits, possibly with separators, currency or unit (`4/8/2022`, `$1.13bn`).
    Number,
    /// Punctuation (`.`, `,`, `"`, `(`).
    Punct,
    /// Other symbols (`%`, `&`, emoji).
    Symbol,
    /// A URL or e-mail address, kept whole.
    Url,
}

/// One token: a word, number, punctuation mark or symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where the token is in the text.
    pub span: Span,
    /// What the token is.
    pub kind: TokenKind,
}

/// One sentence, with the tokens that make it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Where the sentence is in the text, trimmed of surrounding whitespace.
    pub span: Span,
    /// Indices into [`Document::tokens`] of this sentence's tokens.
    pub tokens: Range<u32>,
    /// Index into [`Document::paragraphs`] of the paragraph holding it.
    pub paragraph_idx: u32,
}

impl Sentence {
    /// The token indices as a `usize` range, for slicing `doc.tokens`.
    #[inline]
    pub fn token_range(&self) -> Range<usize> {
        self.tokens.start as usize..self.tokens.end as usize
    }
}

/// An entity label: the four CoNLL-2003 types learned from data plus four
/// rule-based numeric types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// People, including fictional ones.
    Person,
    /// Companies, agencies, institutions, teams, parties.
    Org,
    /// Countries, cities, regions, geographic features.
    Loc,
    /// Nationalities, events, products and other names (CoNLL's MISC).
    Misc,
    /// Absolute or relative dates and periods (`Thursday`, `February 24`).
    Date,
    /// Times of day (`10 a.m.`).
    Time,
    /// Monetary amounts (`$1.13bn`).
    Money,
    /// Percentages (`76%`).
    Percent,
}

impl Label {
    /// Every label, in a fixed order.
    pub const ALL: [Label; 8] = [
        Label::Person,
        Label::Org,
        Label::Loc,
        Label::Misc,
        Label::Date,
        Label::Time,
        Label::Money,
        Label::Percent,
    ];

    /// The contract's name for the label (`PERSON`, `ORG`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Person => "PERSON",
            Label::Org => "ORG",
            Label::Loc => "LOC",
            Label::Misc => "MISC",
            Label::Date => "DATE",
            Label::Time => "TIME",
            Label::Money => "MONEY",
            Label::Percent => "PERCENT",
        }
    }

    /// Parses a contract or CoNLL label name (`PERSON` or `PER`, `ORG`, ...).
    pub fn parse(name: &str) -> Option<Label> {
        Some(match name {
            "PERSON" | "PER" => Label::Person,
            "ORG" => Label::Org,
            "LOC" => Label::Loc,
            "MISC" => Label::Misc,
            "DATE" => Label::Date,
            "TIME" => Label::Time,
            "MONEY" => Label::Money,
            "PERCENT" => Label::Percent,
            _ => return None,
        })
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entity mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Where the mention is in the text (on token boundaries).
    pub span: Span,
    /// Its type.
    pub label: Label,
    /// Indices into [`Document::tokens`] covered by the mention.
    pub tokens: Range<u32>,
    /// Index into [`Document::sentences`] of the sentence holding it.
    pub sentence_idx: u32,
    /// Index into [`Document::clusters`] of its cluster, if it has one.
    pub cluster: Option<u32>,
}

/// The mentions of one entity within a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Canonical name: the fullest form seen (`Jens Stoltenberg`).
    pub name: String,
    /// The cluster's type.
    pub label: Label,
    /// Indices into [`Document::entities`], in text order.
    pub mentions: Vec<u32>,
    /// Titles seen with the entity (`NATO Secretary General`), in text order,
    /// without duplicates.
    pub titles: Vec<String>,
}

/// How a quote reports speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteKind {
    /// Wholly inside quote marks.
    Direct,
    /// A reported clause that contains a quoted fragment.
    Mixed,
    /// Reported speech without quote marks.
    Indirect,
}

impl QuoteKind {
    /// The contract's name (`direct`, `mixed`, `indirect`).
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Mixed => "mixed",
            QuoteKind::Indirect => "indirect",
        }
    }
}

impl fmt::Display for QuoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One attributed statement: what was said, how, and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The whole content, from the first part's start to the last part's end.
    pub span: Span,
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// The content pieces when the quote is split around its attribution
    /// (`"...," he said, "..."`); empty when the content is one piece.
    pub parts: Vec<Span>,
    /// The reporting cue (`said`, `according to`), if any.
    pub cue: Option<Span>,
    /// The speaker as written (`he`, `the NATO chief`, `Stoltenberg`), if found.
    pub speaker: Option<Span>,
    /// Index into [`Document::clusters`] of the resolved speaker.
    pub cluster: Option<u32>,
    /// Canonical name of the resolved speaker.
    pub speaker_name: Option<String>,
}

/// A news article and everything the stages found in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Identifier, from the input or derived from the file name and line.
    pub id: String,
    /// Where the document came from (`path` or `path:line`).
    pub source: String,
    /// Headline, if known.
    pub title: Option<String>,
    /// The full text; every span points into it.
    pub text: String,
    /// Input fields other than `id`, `title` and `text`, carried through.
    pub meta: Option<serde_json::Map<String, serde_json::Value>>,
    /// Paragraph spans, in order.
    pub paragraphs: Vec<Span>,
    /// Sentences, in order, not overlapping.
    pub sentences: Vec<Sentence>,
    /// Tokens of all sentences, in order.
    pub tokens: Vec<Token>,
    /// Entity mentions, in order, not overlapping.
    pub entities: Vec<Entity>,
    /// Entity clusters, ordered by first mention.
    pub clusters: Vec<Cluster>,
    /// Attributed quotes, ordered by start.
    pub quotes: Vec<Quote>,
}

impl Document {
    /// A document with no annotations yet.
    pub fn new(id: impl Into<String>, source: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            source: source.into(),
            text: text.into(),
            ..Document::default()
        }
    }

    /// A converter from this document's byte offsets to code-point offsets.
    pub fn char_offsets(&self) -> CharOffsets {
        CharOffsets::new(&self.text)
    }

    /// The tokens of one sentence.
    pub fn sentence_tokens(&self, sentence: &Sentence) -> &[Token] {
        &self.tokens[sentence.token_range()]
    }
}

/// Why a document produced an error record instead of a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    /// The document's id (derived from its location when it has none).
    pub id: String,
    /// Where the document came from.
    pub source: String,
    /// A stable, machine-readable reason: `invalid_utf8`, `malformed_json`, ...
    pub kind: String,
    /// A human-readable explanation.
    pub message: String,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}: {}",
            self.id, self.source, self.kind, self.message
        )
    }
}

impl std::error::Error for DocError {}

/// A stage failed on one document. The pipeline turns it into that
/// document's error record and goes on with the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageError {
    /// A human-readable explanation.
    pub message: String,
}

impl StageError {
    /// A stage error with the given explanation.
    pub fn new(message: impl Into<String>) -> Self {
        StageError {
            message: message.into(),
        }
    }
}

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StageError {}

/// One step of the pipeline. A stage reads what earlier stages wrote into the
/// document and adds its own annotations. Stages do no I/O and know nothing
/// of threads: the pipeline calls `process` from many threads at once, one
/// document per call.
///
/// ```
/// use document::{Document, Stage, StageError};
///
/// /// Counts nothing, changes nothing.
/// struct PassThrough;
///
/// impl Stage for PassThrough {
///     fn name(&self) -> &'static str {
///         "pass-through"
///     }
///     fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
///         Ok(())
///     }
/// }
///
/// let mut doc = Document::new("1", "example", "Text.");
/// PassThrough.process(&mut doc).unwrap();
/// ```
pub trait Stage: Send + Sync {
    /// A short name for logs and error records.
    fn name(&self) -> &'static str;

    /// Enriches `doc` in place.
    fn process(&self, doc: &mut Document) -> Result<(), StageError>;
}
