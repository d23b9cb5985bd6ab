//! Named-entity tagging and entity clusters for English news.
//!
//! [`Tagger`] is the pipeline stage. It reads the segmenter's sentences and
//! tokens and adds
//! - entities of the four CoNLL-2003 types (`PERSON`, `ORG`, `LOC`, `MISC`),
//!   found by a trained two-stage linear model (averaged structured
//!   perceptron over BILOU tags, Viterbi decoding; the second stage sees what
//!   the first said about the same word elsewhere in the document), and
//! - `DATE`, `TIME`, `MONEY` and `PERCENT` entities found by rules, then
//! - clusters: the mentions of one entity within the document (`Stoltenberg`
//!   joins `Jens Stoltenberg`), with a canonical name and the titles seen
//!   with it (`NATO Secretary General`).
//!
//! The model is embedded in the binary and loaded once per process.
//!
//! ```
//! use document::{Document, Sentence, Span, Stage, Token, TokenKind};
//! use tagger::Tagger;
//!
//! let text = "Russian Foreign Minister Sergey Lavrov met NATO in Oslo .";
//! let mut doc = Document::new("1", "example", text);
//! let mut at = 0;
//! for word in text.split(' ') {
//!     let start = text[at..].find(word).unwrap() + at;
//!     at = start + word.len();
//!     doc.tokens.push(Token { span: Span::new(start, at), kind: TokenKind::Word });
//! }
//! doc.paragraphs.push(Span::new(0, text.len()));
//! doc.sentences.push(Sentence { span: Span::new(0, text.len()), tokens: 0..doc.tokens.len() as u32, paragraph_idx: 0 });
//!
//! Tagger::new().process(&mut doc).unwrap();
//! let lavrov = doc.clusters.iter().find(|c| c.name == "Sergey Lavrov").unwrap();
//! assert_eq!(lavrov.titles, ["Russian Foreign Minister"]);
//! ```

#![warn(missing_docs)]

mod coref;
mod decode;
mod features;
mod lexicon;
mod model;
mod rules;
mod table;
mod text;
#[cfg(feature = "train")]
pub mod train;

use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use document::{Document, Entity, Label, Span, Stage, StageError};

pub use model::{Model, ModelError};

/// The bundled model (see `crates/tagger/MODEL.md`).
static MODEL_BYTES: &[u8] = include_bytes!("../model/ner.bin");

/// The bundled model file as embedded in the binary.
pub fn bundled_model_bytes() -> &'static [u8] {
    MODEL_BYTES
}

/// The bundled model, loaded on first use and shared by every tagger.
pub fn bundled_model() -> Result<Arc<Model>, ModelError> {
    static MODEL: OnceLock<Arc<Model>> = OnceLock::new();
    if let Some(model) = MODEL.get() {
        return Ok(Arc::clone(model));
    }
    let model = Arc::new(Model::from_bytes(MODEL_BYTES)?);
    Ok(Arc::clone(MODEL.get_or_init(|| model)))
}

/// The entity-tagging stage.
#[derive(Debug, Clone)]
pub struct Tagger {
    model: Arc<Model>,
}

impl Default for Tagger {
    fn default() -> Self {
        Tagger::new()
    }
}

thread_local! {
    /// Per-thread buffers, reused across documents.
    static SCRATCH: RefCell<Work> = RefCell::new(Work::default());
}

#[derive(Debug, Default)]
struct Work {
    scratch: model::Scratch,
    sentences: Vec<Range<usize>>,
    clustering: coref::Clustering,
}

impl Tagger {
    /// A tagger with the bundled model.
    ///
    /// # Panics
    /// If the bundled model is corrupt (a build error, caught by the tests).
    pub fn new() -> Self {
        Tagger {
            model: bundled_model().expect("the bundled tagger model loads"),
        }
    }

    /// A tagger with another model.
    pub fn with_model(model: Arc<Model>) -> Self {
        Tagger { model }
    }

    /// The model in use.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Finds entities and clusters in a segmented document, replacing any it
    /// had.
    pub fn tag(&self, doc: &mut Document) {
        doc.entities.clear();
        doc.clusters.clear();
        SCRATCH.with(|work| {
            let mut work = work.borrow_mut();
            let work = &mut *work;
            // The words, sliced once: tagging reads each several times.
            let words: Vec<&str> = doc.tokens.iter().map(|t| t.span.text(&doc.text)).collect();
            // Decoding units: the sentences, cut again at line breaks, since
            // a name never runs across lines (headlines, datelines and
            // lists are set on lines of their own whatever the segmenter
            // made of them).
            work.sentences.clear();
            let text = doc.text.as_bytes();
            for r in doc.sentences.iter().map(|s| s.token_range()) {
                if r.end > doc.tokens.len() || r.start > r.end {
                    continue;
                }
                let mut start = r.start;
                for (t, pair) in (r.start + 1..).zip(doc.tokens[r.clone()].windows(2)) {
                    let gap = pair[0].span.end as usize..pair[1].span.start as usize;
                    // Most gaps are a space or nothing: no search call for
                    // them, and the char boundaries are checked (as
                    // `str::get` does) only around a line break.
                    let line_break = match text.get(gap.clone()) {
                        None | Some([]) => false,
                        Some([b]) => *b == b'\n',
                        Some(g) => g.contains(&b'\n'),
                    };
                    if line_break && doc.text.get(gap).is_some() {
                        work.sentences.push(start..t);
                        start = t;
                    }
                }
                work.sentences.push(start..r.end);
            }
            self.model
                .tag(&words[..], &work.sentences, &mut work.scratch);
            let tags = &work.scratch.tags;
            let mut entities = std::mem::take(&mut doc.entities);
            for (si, sent) in doc.sentences.iter().enumerate() {
                let r = sent.token_range();
                if r.end > tags.len() || r.start > r.end {
                    continue;
                }
                decode::spans(&tags[r.clone()], |a, b, ty| {
                    let (a, b) = (r.start + a, r.start + b);
                    let mut label = decode::TYPES[ty];
                    let mut b = b;
                    if label != Label::Misc && is_elliptical_possessive(doc, b, r.end) {
                        label = Label::Loc;
                        b += 1;
                    }
                    entities.push(Entity {
                        span: tokens_span(doc, a, b),
                        label,
                        tokens: a as u32..b as u32,
                        sentence_idx: si as u32,
                        cluster: None,
                    });
                });
            }
            doc.entities = entities;
            coref::mark_abbreviated_titles(&words, &self.model.lexicon, &mut work.scratch.dc);
            coref::strip_leading_titles(&mut doc.entities, &doc.tokens, &work.scratch.dc);
            rules::add_numeric_entities(&mut doc.entities, &doc.tokens, &doc.sentences, &words);
            // Only a caller's own tokenization can make whitespace a token
            // (or all that is left of a mention after its title); it names
            // nothing. (A letter or digit first, the usual case, settles it
            // without trimming.)
            let text = &doc.text;
            doc.entities.retain(|e| {
                let s = e.span.text(text);
                s.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric) || !s.trim().is_empty()
            });
            doc.entities.sort_by_key(|e| (e.span.start, e.span.end));
            let clusters = coref::cluster(doc, &words, &work.scratch.dc, &mut work.clustering);
            for (e, id) in doc.entities.iter_mut().zip(work.clustering.cluster_ids()) {
                e.cluster = id;
            }
            doc.clusters = clusters;
        });
    }
}

/// Whether token `b` (before `end`, the end of its sentence) is a `'s` that
/// makes the name before it an elliptical possessive: no noun follows
/// (`dinner at Kenneally's.`, `go to Del Frisco's for lunch`), so the
/// name with its `'s` names a place: a shop, a restaurant, a home.
fn is_elliptical_possessive(doc: &Document, b: usize, end: usize) -> bool {
    let word = |i: usize| doc.tokens[i].span.text(&doc.text);
    if b >= end || !matches!(word(b), "'s" | "\u{2019}s") {
        return false;
    }
    b + 1 == end
        || matches!(
            word(b + 1),
            "." | "!" | "?" | "," | ";" | "at" | "in" | "on" | "for" | "tonight" | "today"
        )
}

fn tokens_span(doc: &Document, a: usize, b: usize) -> Span {
    Span {
        start: doc.tokens[a].span.start,
        end: doc.tokens[b - 1].span.end,
    }
}

impl Stage for Tagger {
    fn name(&self) -> &'static str {
        "tagger"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.tag(doc);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use document::{Sentence, Token, TokenKind};

    /// A document of one sentence made of `words` separated by spaces.
    fn doc_of(words: &[&str]) -> Document {
        let text = words.join(" ");
        let mut doc = Document::new("t", "test", text.clone());
        let mut at = 0;
        for w in words {
            doc.tokens.push(Token {
                span: Span::new(at, at + w.len()),
                kind: TokenKind::Word,
            });
            at += w.len() + 1;
        }
        doc.sentences.push(Sentence {
            span: Span::new(0, text.len()),
            tokens: 0..words.len() as u32,
            paragraph_idx: 0,
        });
        doc
    }

    #[test]
    fn a_possessive_without_its_noun_names_a_place() {
        let doc = doc_of(&["dinner", "at", "Kenneally", "'s", "tonight"]);
        assert!(is_elliptical_possessive(&doc, 3, 5));
        let doc = doc_of(&["we", "went", "to", "Del", "Frisco", "\u{2019}s"]);
        assert!(is_elliptical_possessive(&doc, 5, 6));
        let doc = doc_of(&["Enron", "'s", "United", "Way"]);
        assert!(!is_elliptical_possessive(&doc, 1, 4));
        let doc = doc_of(&["Crohn", "'s", "is", "rare"]);
        assert!(!is_elliptical_possessive(&doc, 1, 4));
    }
}
