//! Paragraphs, sentences and tokens for English news and web text, every one
//! with byte offsets into the text.
//!
//! ```
//! let text = "WASHINGTON (Reuters) - Dr. Ruth Ames of the U.S. Navy arrived at \
//!             5 p.m. on 4/8/2022. \"Is it over?\" she asked. It was.";
//! let seg = segmenter::segment(text);
//! let sentences: Vec<&str> = seg.sentences.iter().map(|s| s.span.text(text)).collect();
//! assert_eq!(
//!     sentences,
//!     [
//!         "WASHINGTON (Reuters) - Dr. Ruth Ames of the U.S. Navy arrived at 5 p.m. on 4/8/2022.",
//!         "\"Is it over?\" she asked.",
//!         "It was.",
//!     ]
//! );
//! let tokens: Vec<&str> = seg.tokens(&seg.sentences[1]).iter().map(|t| t.span.text(text)).collect();
//! assert_eq!(tokens, ["\"", "Is", "it", "over", "?", "\"", "she", "asked", "."]);
//!
//! // Only the sentences, faster:
//! let spans = segmenter::sentences(text);
//! assert_eq!(spans[2].text(text), "It was.");
//! ```
//!
//! # Paragraphs and line breaks
//!
//! A blank line always ends a paragraph, so it always ends a sentence. A
//! single line break ends a paragraph too (news feeds put the headline, the
//! dateline and each paragraph on its own line; the CoNLL files give one
//! sentence per line, headlines and sports tables without final punctuation)
//! unless it merely wraps a line:
//!
//! * in a hard-wrapped block: three or more lines of about the same width
//!   (30 to 160 chars) with at least one break in five before a lower-case
//!   word; there every line break is a space;
//! * before a lower-case word, after a line that does not end in `.`, `!`,
//!   `?`, `:` or `;`, when that line ends in a space or the block is prose
//!   (some line of it ends a sentence). A list of lower-case items without
//!   final punctuation keeps one item per line.
//!
//! Sentences never cross a paragraph.
//!
//! # Sentences
//!
//! Inside a paragraph the splitter looks only at sentence-final marks, list
//! bullets, separator lines (`***`) and emoticons, and decides each from its
//! neighbours: a word list of abbreviations in seven behaviours (titles like
//! `Mr.` never end a sentence, `etc.` does before a capital, `a.m.` before a
//! capital that is not a day, month or time zone, `Inc.` or `U.S.` only
//! before a word that typically starts one such as `The` or `How`, ...),
//! initials, ellipses, closing quotes and brackets, footnote marks (`[12]`),
//! glued sentences (`world.Today`), list items, URLs and numbers. An ordinary
//! word and a period end a sentence even before a lower-case word (web text
//! often starts sentences in lower case), except inside closing quotes or
//! brackets. Quoted speech is split where English ends a sentence and the
//! attribution stays with the last quoted sentence:
//! `"We won. It's over," she said.` gives `"We won.` and
//! `It's over," she said.`; `"Why?" he asked.` and `"Why?" Ann Lee asked.`
//! stay whole. The `sentence` module lists every rule.
//!
//! # Tokens
//!
//! The Universal Dependencies treebanks' surface tokens, with the possessive
//! split off as in their syntactic words and in CoNLL-2003:
//!
//! * punctuation is split off; a run like `...`, `?!` or `--` is one token;
//! * the possessive `'s` is split off (`Russia` `'s`), so that an entity
//!   never swallows it; contractions stay whole (`don't`, `I'm`, `it's`,
//!   `cannot`), as UD writes their surface tokens;
//! * hyphenated words stay whole (`full-scale`, `15-year-old`, `U.S.-based`),
//!   as in CoNLL-2003 (UD splits them);
//! * abbreviations keep their period (`U.S.`, `Dr.`, `a.m.`), and so does the
//!   number opening a list item or ranking (`1.`);
//! * numbers keep separators, currency sign, sign and unit (`4/8/2022`,
//!   `1,000`, `$1.13bn`, `+0.5`, `.311`, `1990s`); `%` is its own token;
//! * URLs, e-mail addresses, hashtags and handles are one token each.
//!
//! Every token has a [`TokenKind`]: `Word`, `Number`, `Punct`, `Symbol`
//! (`%`, `&`, `$` alone, emoji, emoticons) or `Url`.
//!
//! # Guarantees
//!
//! For any input: no panic; sentences are ordered, non-overlapping, trimmed,
//! non-empty, on char boundaries, and together cover every non-whitespace
//! char of the text; the tokens of a sentence likewise cover its
//! non-whitespace chars. The work is linear in the length of the text, and
//! no allocation happens per token or per sentence beyond the output vectors'
//! growth.

#![warn(missing_docs)]

mod chars;
mod lexicon;
mod paragraph;
mod sentence;
mod token;

pub use document::{Sentence, Span, Token, TokenKind};

use document::{Document, Stage, StageError};

/// Paragraphs, sentences and tokens of one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segmentation {
    /// Paragraph spans, trimmed, in order.
    pub paragraphs: Vec<Span>,
    /// Sentences in order; each knows its paragraph and its tokens (an empty
    /// token range when only sentences were asked for).
    pub sentences: Vec<Sentence>,
    /// The tokens of all sentences, in order.
    pub tokens: Vec<Token>,
}

impl Segmentation {
    /// The tokens of one sentence.
    pub fn tokens(&self, sentence: &Sentence) -> &[Token] {
        &self.tokens[sentence.token_range()]
    }

    /// Empties all three lists, keeping their capacity.
    pub fn clear(&mut self) {
        self.paragraphs.clear();
        self.sentences.clear();
        self.tokens.clear();
    }
}

/// The segmenter: a pipeline [`Stage`] that fills a document's paragraphs,
/// sentences and tokens, and a plain library API.
///
/// ```
/// use segmenter::Segmenter;
///
/// let segmenter = Segmenter::new();
/// let text = "Oslo - NATO met on Thursday. Mr. Stoltenberg spoke.";
/// let seg = segmenter.segment(text);
/// assert_eq!(seg.sentences.len(), 2);
/// assert_eq!(seg.sentences[1].span.text(text), "Mr. Stoltenberg spoke.");
/// assert_eq!(seg.tokens(&seg.sentences[1])[0].span.text(text), "Mr.");
/// ```
#[derive(Debug, Default, Clone)]
pub struct Segmenter {
    _private: (),
}

/// Reusable scratch buffers, so repeated calls allocate nothing new.
#[derive(Debug, Default)]
struct Scratch {
    lines: Vec<paragraph::Line>,
    /// Positions of the bytes the sentence splitter looks at.
    triggers: Vec<u32>,
    sentence: sentence::Scratch,
    spans: Vec<Span>,
}

impl Scratch {
    /// Frees buffers grown beyond what ordinary documents need, so that one
    /// huge document does not pin its memory for the thread's lifetime.
    fn trim(&mut self) {
        const KEEP: usize = 1 << 12;
        if self.lines.capacity() > KEEP {
            self.lines = Vec::new();
        }
        if self.spans.capacity() > KEEP {
            self.spans = Vec::new();
        }
        if self.triggers.capacity() > KEEP * 16 {
            self.triggers = Vec::new();
        }
        self.sentence.trim(KEEP);
    }
}

thread_local! {
    /// Each thread's scratch buffers: documents are segmented one after
    /// another, so they are reused rather than allocated per document.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

impl Segmenter {
    /// A segmenter with the default rules.
    pub fn new() -> Self {
        Segmenter { _private: () }
    }

    /// Paragraphs, sentences and tokens of `text`.
    pub fn segment(&self, text: &str) -> Segmentation {
        let mut out = Segmentation::default();
        self.segment_into(text, &mut out);
        out
    }

    /// Like [`segment`](Self::segment), reusing `out`'s buffers (it is
    /// cleared first).
    pub fn segment_into(&self, text: &str, out: &mut Segmentation) {
        self.run(text, out, true);
    }

    /// Paragraphs and sentences of `text`, without tokens: every sentence has
    /// an empty token range. Faster than [`segment`](Self::segment).
    pub fn segment_sentences_into(&self, text: &str, out: &mut Segmentation) {
        self.run(text, out, false);
    }

    /// The sentence spans of `text`.
    pub fn sentences(&self, text: &str) -> Vec<Span> {
        let text = &text[..floor_char_boundary(text, u32::MAX as usize)];
        let mut scratch = Scratch::default();
        let mut paragraphs = Vec::new();
        let mut sentences = Vec::new();
        paragraph::paragraphs(
            text,
            &mut scratch.lines,
            &mut scratch.triggers,
            &mut paragraphs,
        );
        let mut triggers = &scratch.triggers[..];
        for &para in &paragraphs {
            let inside = paragraph_triggers(&mut triggers, para);
            sentence::split(text, para, inside, &mut scratch.sentence, &mut sentences);
        }
        sentences
    }

    /// The tokens of `text` taken as one sentence (no sentence splitting).
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let text = &text[..floor_char_boundary(text, u32::MAX as usize)];
        let mut tokens = Vec::new();
        token::tokenize(text, 0, text.len(), &mut tokens);
        tokens
    }

    fn run(&self, text: &str, out: &mut Segmentation, with_tokens: bool) {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                self.run_with(text, out, with_tokens, &mut scratch);
                scratch.trim();
            }
            Err(_) => self.run_with(text, out, with_tokens, &mut Scratch::default()),
        });
    }

    fn run_with(
        &self,
        text: &str,
        out: &mut Segmentation,
        with_tokens: bool,
        scratch: &mut Scratch,
    ) {
        out.clear();
        // The model keeps offsets in u32; longer texts are refused upstream,
        // so this only guards direct library use.
        let text = &text[..floor_char_boundary(text, u32::MAX as usize)];
        // News text has a paragraph every few hundred bytes, a sentence
        // every hundred or so and a token every five or six: reserving
        // about that much saves most of the vectors' regrowth.
        out.paragraphs.reserve(text.len() / 256 + 1);
        out.sentences.reserve(text.len() / 128 + 1);
        if with_tokens {
            out.tokens.reserve(text.len() / 5);
        }
        paragraph::paragraphs(
            text,
            &mut scratch.lines,
            &mut scratch.triggers,
            &mut out.paragraphs,
        );
        let mut triggers = &scratch.triggers[..];
        for (paragraph_idx, &para) in out.paragraphs.iter().enumerate() {
            scratch.spans.clear();
            let inside = paragraph_triggers(&mut triggers, para);
            sentence::split(
                text,
                para,
                inside,
                &mut scratch.sentence,
                &mut scratch.spans,
            );
            for &span in &scratch.spans {
                let first = out.tokens.len() as u32;
                if with_tokens {
                    token::tokenize(
                        text,
                        span.start as usize,
                        span.end as usize,
                        &mut out.tokens,
                    );
                }
                out.sentences.push(Sentence {
                    span,
                    tokens: first..out.tokens.len() as u32,
                    paragraph_idx: paragraph_idx as u32,
                });
            }
        }
    }
}

/// The positions in `triggers` (in order) that lie inside `para`; drops them
/// and those before from `triggers`. Paragraphs come in order.
fn paragraph_triggers<'a>(triggers: &mut &'a [u32], para: Span) -> &'a [u32] {
    let all: &'a [u32] = triggers;
    let start = all.iter().take_while(|&&at| at < para.start).count();
    let len = all[start..].iter().take_while(|&&at| at < para.end).count();
    *triggers = &all[start + len..];
    &all[start..start + len]
}

/// The largest char boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Paragraphs, sentences and tokens of `text` with the default rules.
///
/// ```
/// let seg = segmenter::segment("It rained. Then it stopped.");
/// assert_eq!(seg.sentences.len(), 2);
/// assert_eq!(seg.tokens.len(), 7);
/// ```
pub fn segment(text: &str) -> Segmentation {
    Segmenter::new().segment(text)
}

/// The sentence spans of `text` with the default rules.
///
/// ```
/// let text = "Mr. Lee left at 5 p.m. Nobody saw him.";
/// let spans = segmenter::sentences(text);
/// assert_eq!(spans.len(), 2);
/// assert_eq!(spans[0].text(text), "Mr. Lee left at 5 p.m.");
/// ```
pub fn sentences(text: &str) -> Vec<Span> {
    Segmenter::new().sentences(text)
}

impl Stage for Segmenter {
    fn name(&self) -> &'static str {
        "segmenter"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let mut seg = Segmentation {
            paragraphs: std::mem::take(&mut doc.paragraphs),
            sentences: std::mem::take(&mut doc.sentences),
            tokens: std::mem::take(&mut doc.tokens),
        };
        self.segment_into(&doc.text, &mut seg);
        doc.paragraphs = seg.paragraphs;
        doc.sentences = seg.sentences;
        doc.tokens = seg.tokens;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_fills_the_document() {
        let mut doc = Document::new("1", "test", "Title line\nFirst one. Second one.\n\nThird.");
        Segmenter::new().process(&mut doc).unwrap();
        let texts: Vec<&str> = doc
            .sentences
            .iter()
            .map(|s| s.span.text(&doc.text))
            .collect();
        assert_eq!(texts, ["Title line", "First one.", "Second one.", "Third."]);
        let paragraphs: Vec<u32> = doc.sentences.iter().map(|s| s.paragraph_idx).collect();
        assert_eq!(paragraphs, [0, 1, 1, 2]);
        assert_eq!(doc.paragraphs.len(), 3);
        let words: Vec<&str> = doc
            .sentence_tokens(&doc.sentences[1])
            .iter()
            .map(|t| t.span.text(&doc.text))
            .collect();
        assert_eq!(words, ["First", "one", "."]);
        // Running twice gives the same result.
        let before = doc.clone();
        Segmenter::new().process(&mut doc).unwrap();
        assert_eq!(doc, before);
    }

    #[test]
    fn sentences_only_matches_full_segmentation() {
        let text = "One. Two!\n\nThree? \"Four.\" Five";
        let full = segment(text);
        let spans: Vec<Span> = full.sentences.iter().map(|s| s.span).collect();
        assert_eq!(sentences(text), spans);
        let mut only = Segmentation::default();
        Segmenter::new().segment_sentences_into(text, &mut only);
        assert!(only.tokens.is_empty());
        assert_eq!(
            only.sentences.iter().map(|s| s.span).collect::<Vec<_>>(),
            spans
        );
    }
}
