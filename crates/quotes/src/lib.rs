//! Quote extraction and speaker attribution for English news.
//!
//! The [`QuoteAttributor`] stage finds every statement a news article
//! attributes to someone:
//!
//! - **direct** quotes in any quote marks (`"`, `“ ”`, `‘ ’`, `'`, `« »`),
//!   split quotes (`"...," he said, "..."`, as [`Quote::parts`]) and
//!   multi-paragraph quotes, with apostrophes (`Russia's`, `'90s`) never
//!   taken for marks and unbalanced marks never failing the document;
//! - **mixed** quotes: a reported clause holding a quoted fragment;
//! - **indirect** speech: a reporting cue (`said`, `according to`, `pointed
//!   out`, from a bundled lexicon in all inflections) with its clause.
//!
//! Each quote has its speaker as written (`Stoltenberg`, `he`, `the NATO
//! chief`) and, when the tagger's entity clusters allow, the resolved
//! cluster and its canonical name.
//!
//! The stage reads `doc.text`, `doc.paragraphs` and `doc.sentences`, and
//! `doc.entities`/`doc.clusters` for resolution when present; it scans the
//! characters itself, so it works with any tokenizer.
//!
//! How it works, in order:
//!
//! 1. a scan of the text into its own compact tokens, with the context
//!    deciding whether each `'`/`"` opens, closes or is an apostrophe;
//! 2. pairing of the marks into quoted spans per paragraph (stray marks are
//!    dropped, a quote left open runs to the paragraph end and goes on in
//!    the next paragraph when that one opens with the same mark);
//! 3. attribution of direct quotes (the clause right after or before
//!    them), then of quotes without a cue (they join the adjacent
//!    attribution of their paragraph run as further parts), then of every
//!    remaining cue with its subject and clause (indirect or mixed);
//! 4. a gate on cues without quote marks, by per-cue precision statistics
//!    learned from PolNeAR train ([`CueStats`], `cargo xtask
//!    train-quotes`), backed by the rule that weak cues (`think`, `call`)
//!    need a `that` clause or quoted words;
//! 5. resolution of the speaker to an entity cluster: the entity at the NP's
//!    head; for `he`/`she`, the speaker of the neighbouring attribution,
//!    else the subject of the previous sentence (mentions inside quotes do
//!    not count); for `the NATO chief`, the person whose titles share its
//!    words.
//!
//! ```
//! use document::{Document, Stage};
//! use quotes::QuoteAttributor;
//!
//! let mut doc = Document::new("1", "example", "\"We will win,\" she said. He added the war would end soon.");
//! QuoteAttributor::new().process(&mut doc).unwrap();
//! let found: Vec<(&str, &str, &str)> = doc
//!     .quotes
//!     .iter()
//!     .map(|q| (q.kind.as_str(), q.span.text(&doc.text), q.speaker.unwrap().text(&doc.text)))
//!     .collect();
//! assert_eq!(
//!     found,
//!     [
//!         ("direct", "\"We will win,\"", "she"),
//!         ("indirect", "the war would end soon", "He"),
//!     ]
//! );
//! ```
//!
//! [`Quote::parts`]: document::Quote::parts

#![warn(missing_docs)]

mod attrib;
mod lexicon;
mod marks;
mod resolve;
mod scan;
mod stats;

use std::cell::Cell;

use document::{Document, Quote, Span, Stage, StageError};

use lexicon::Lexicon;
pub use stats::{CueKey, CueStats, CueStatsError, Pattern};

/// Scans of a typical article fit in this many tokens (a few MB): a
/// thread keeps no larger spare scan, so one huge document does not pin its
/// memory.
const MAX_SPARE_TOKENS: usize = 1 << 16;

/// The tables of one document's run: the scan, the finder's per-token
/// tables and the quoted spans.
#[derive(Debug, Default)]
struct Work {
    scan: scan::Scan,
    quotes: Vec<marks::Quoted>,
    finder: attrib::Tables,
    quoted: Vec<bool>,
    tok_entity: Vec<Option<u32>>,
}

thread_local! {
    /// The tables of the thread's last document, reused by the next one:
    /// allocating and freeing them per document was a visible share of the
    /// stage's time (and the scan keeps its word cache warm).
    static SPARE_WORK: Cell<Work> = Cell::new(Work::default());
}

/// The quote-attribution stage.
#[derive(Debug, Clone)]
pub struct QuoteAttributor {
    lex: Lexicon,
    decisions: stats::Decisions,
    doubled_apostrophes: bool,
}

/// A quote candidate with the key the cue statistics describe it by (see
/// [`QuoteAttributor::candidates`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The quote as the stage would write it.
    pub quote: Quote,
    /// For indirect and mixed quotes: the cue's key; `None` for quotes found
    /// by their marks.
    pub key: Option<CueKey>,
}

impl Default for QuoteAttributor {
    fn default() -> Self {
        Self::new()
    }
}

impl QuoteAttributor {
    /// An attributor with the bundled lexicons and cue statistics.
    pub fn new() -> Self {
        let lex = Lexicon::bundled();
        // As `with_cue_stats(&CueStats::bundled())`, without building the
        // statistics' map of keys.
        let decisions = stats::Decisions::bundled(&lex);
        QuoteAttributor {
            lex,
            decisions,
            doubled_apostrophes: false,
        }
    }

    /// An attributor with the bundled lexicons and the given cue statistics
    /// ([`CueStats::empty`] leaves every cue to the lexicon's rules).
    pub fn with_cue_stats(stats: &CueStats) -> Self {
        let lex = Lexicon::bundled();
        let decisions = stats.decisions(&lex);
        QuoteAttributor {
            lex,
            decisions,
            doubled_apostrophes: false,
        }
    }

    /// Whether doubled apostrophes (`''Yes,'' he said`, the archive
    /// spelling of `“Yes,” he said` in some newspapers) are read as double
    /// quote marks. Off by default, as in the project's gold data
    /// (PolNeAR), where such quotes are reported speech without quote
    /// marks: they are still found, through their cue, as indirect quotes.
    pub fn doubled_apostrophes_as_quotes(mut self, yes: bool) -> Self {
        self.doubled_apostrophes = yes;
        self
    }

    /// The quotes of `doc`, without changing it.
    pub fn find(&self, doc: &Document) -> Vec<Quote> {
        // No keys: `(Quote, ())` is laid out as `Quote`, so the collect
        // reuses the vector.
        self.run(doc, attrib::Gate::Table(&self.decisions), |_| ())
            .into_iter()
            .map(|(quote, ())| quote)
            .collect()
    }

    /// Every candidate of `doc`, with no cue dropped by the statistics or
    /// the weak-cue rule, each with its cue key: what
    /// `cargo xtask train-quotes` counts to learn [`CueStats`].
    pub fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        let key_of = |a: &attrib::Attr| {
            a.key.map(|(cue, pattern, quoted)| CueKey {
                lemma: self.lex.lemma(cue).to_string(),
                tag: stats::tag_name(self.lex.cues[cue as usize].tag),
                pattern,
                quoted,
            })
        };
        self.run(doc, attrib::Gate::Permissive, key_of)
            .into_iter()
            .map(|(quote, key)| Candidate { quote, key })
            .collect()
    }

    /// The quotes of `doc` with what `key_of` tells of their attribution,
    /// in text order.
    fn run<K>(
        &self,
        doc: &Document,
        gate: attrib::Gate<'_>,
        key_of: impl Fn(&attrib::Attr) -> K,
    ) -> Vec<(Quote, K)> {
        let mut work = SPARE_WORK.with(Cell::take);
        work.scan.rescan(doc, &self.lex, self.doubled_apostrophes);
        marks::pair(&work.scan, &mut work.quotes);
        let mut finder = attrib::Finder::new(
            &doc.text,
            &work.scan,
            &self.lex,
            &work.quotes,
            gate,
            std::mem::take(&mut work.finder),
        );
        finder.run();
        finder.quoted(&mut work.quoted);
        let (attrs, tables) = finder.finish();
        work.finder = tables;
        let resolved =
            resolve::resolve(doc, &work.scan, &attrs, &work.quoted, &mut work.tok_entity);
        let scan = &work.scan;
        let span_of = |r: attrib::Range| -> Option<Span> {
            if r.1 <= r.0 {
                return None;
            }
            let a = &scan.toks[r.0 as usize];
            let b = &scan.toks[r.1 as usize - 1];
            Some(Span {
                start: a.start,
                end: b.end,
            })
        };
        let mut quotes: Vec<(Quote, K)> = Vec::with_capacity(attrs.len());
        let mut parts: Vec<Span> = Vec::new();
        for (a, res) in attrs.iter().zip(&resolved) {
            parts.clear();
            parts.extend(a.parts.iter().filter_map(|&p| span_of(p)));
            parts.sort();
            parts.dedup();
            let (Some(first), Some(last)) = (parts.first().copied(), parts.last().copied()) else {
                continue;
            };
            let span = Span {
                start: first.start,
                end: last.end.max(first.end),
            };
            // A quote of one part lists none.
            let parts = if parts.len() == 1 {
                Vec::new()
            } else {
                parts.clone()
            };
            let cluster = res.cluster.filter(|&c| (c as usize) < doc.clusters.len());
            quotes.push((
                Quote {
                    span,
                    kind: a.kind,
                    parts,
                    cue: a.cue.and_then(span_of),
                    speaker: a.speaker.and_then(span_of),
                    cluster,
                    speaker_name: cluster.map(|c| doc.clusters[c as usize].name.clone()),
                },
                key_of(a),
            ));
        }
        if work.scan.toks.capacity() <= MAX_SPARE_TOKENS {
            SPARE_WORK.with(|spare| spare.set(work));
        }
        quotes.sort_by_key(|(q, _)| (q.span.start, q.span.end));
        quotes.dedup_by(|(b, _), (a, _)| a.span == b.span);
        quotes
    }
}

impl Stage for QuoteAttributor {
    fn name(&self) -> &'static str {
        "quotes"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.quotes = self.find(doc);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use document::QuoteKind;

    #[test]
    fn tables_kept_from_a_document_do_not_change_the_next() {
        // A long document with quotes, doubled apostrophes and cues, then
        // a short one: the second must come out as on a fresh thread.
        let long = Document::new(
            "a",
            "test",
            "\"We will fight on,\" the minister said on Monday. ''We believe it,'' \
             she added. Officials told reporters that talks would resume, \
             according to a statement.\n\n\"It is over,\" said Smith. He said the \
             deal was done.",
        );
        let short = Document::new("b", "test", "She said no. \"Fine,\" he replied.");
        let stage = QuoteAttributor::new();
        let fresh = {
            let stage = stage.clone();
            let short = short.clone();
            std::thread::spawn(move || stage.find(&short))
                .join()
                .unwrap()
        };
        assert!(!fresh.is_empty());
        let first = stage.find(&long);
        assert!(first.len() >= 4, "{first:?}");
        assert_eq!(stage.find(&short), fresh);
        assert_eq!(stage.find(&long), first);
    }

    #[test]
    fn doubled_apostrophes_are_quote_marks_only_when_asked() {
        let doc = Document::new(
            "d",
            "test",
            "''We will appeal,'' the lawyer said on Friday.",
        );
        let default = QuoteAttributor::new().find(&doc);
        assert_eq!(default.len(), 1);
        assert_eq!(default[0].kind, QuoteKind::Indirect);
        assert_eq!(
            default[0].speaker.map(|s| s.text(&doc.text)),
            Some("the lawyer")
        );
        let marks = QuoteAttributor::new()
            .doubled_apostrophes_as_quotes(true)
            .find(&doc);
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].kind, QuoteKind::Direct);
        assert_eq!(marks[0].span.text(&doc.text), "''We will appeal,''");
    }
}
