//! Paragraphs, sentences and tokens, every one with byte offsets into the text.
//!
//! Not yet in: this is a placeholder that splits paragraphs at blank lines,
//! treats each paragraph as one sentence and each whitespace-separated run as
//! one token. Issue #3 replaces it.

use document::{Document, Sentence, Span, Stage, StageError, Token, TokenKind};

/// The segmentation stage.
#[derive(Debug, Default, Clone)]
pub struct Segmenter;

impl Segmenter {
    /// A segmenter with the default rules.
    pub fn new() -> Self {
        Segmenter
    }
}

impl Stage for Segmenter {
    fn name(&self) -> &'static str {
        "segmenter"
    }

    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let text = doc.text.as_str();
        let mut paragraphs = Vec::new();
        let mut start = None;
        let mut last_end = 0;
        let mut newlines = 0;
        for (at, ch) in text.char_indices() {
            if ch.is_whitespace() {
                if ch == '\n' {
                    newlines += 1;
                    if newlines >= 2 {
                        if let Some(s) = start.take() {
                            paragraphs.push((s, last_end));
                        }
                    }
                }
            } else {
                newlines = 0;
                start.get_or_insert(at);
                last_end = at + ch.len_utf8();
            }
        }
        if let Some(s) = start {
            paragraphs.push((s, last_end));
        }
        for (start, end) in paragraphs {
            push_paragraph(doc, start, end);
        }
        Ok(())
    }
}

fn push_paragraph(doc: &mut Document, start: usize, end: usize) {
    let paragraph_idx = doc.paragraphs.len() as u32;
    doc.paragraphs.push(Span::new(start, end));
    let first_token = doc.tokens.len() as u32;
    let mut token_start = None;
    for (at, ch) in doc.text[start..end].char_indices() {
        let at = start + at;
        if ch.is_whitespace() {
            if let Some(s) = token_start.take() {
                doc.tokens.push(Token {
                    span: Span::new(s, at),
                    kind: TokenKind::Word,
                });
            }
        } else {
            token_start.get_or_insert(at);
        }
    }
    if let Some(s) = token_start {
        doc.tokens.push(Token {
            span: Span::new(s, end),
            kind: TokenKind::Word,
        });
    }
    doc.sentences.push(Sentence {
        span: Span::new(start, end),
        tokens: first_token..doc.tokens.len() as u32,
        paragraph_idx,
    });
}
