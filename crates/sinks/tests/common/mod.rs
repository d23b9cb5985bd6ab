//! Documents built by hand with every annotation filled in (entities,
//! clusters, split and mixed quotes, non-ASCII text, markup in the text),
//! so the sinks are tested on rich data whatever the stages do today.
//!
//! Also used by the binary's tests (`tests/sinks.rs` includes this file).

#![allow(dead_code)] // each test binary uses a different part

use document::{
    Cluster, DocError, Document, Entity, Label, Quote, QuoteKind, Sentence, Span, Token, TokenKind,
};

/// The byte span of the `nth` (from 0) occurrence of `needle` in `text`.
pub fn find(text: &str, needle: &str, nth: usize) -> Span {
    let mut from = 0;
    for _ in 0..nth {
        from += text[from..].find(needle).expect("needle occurs") + needle.len();
    }
    let at = from
        + text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {text:?}"));
    Span::new(at, at + needle.len())
}

/// Builds a document from strings found in its text.
pub struct Builder {
    pub doc: Document,
}

impl Builder {
    pub fn new(id: &str, title: Option<&str>, text: &str) -> Builder {
        let mut doc = Document::new(id, format!("sample/{id}.txt"), text);
        doc.title = title.map(str::to_string);
        Builder { doc }
    }

    /// One paragraph per line, one sentence per `sentences` entry (found in
    /// order), tokens split at whitespace.
    pub fn sentences(mut self, sentences: &[&str]) -> Builder {
        let text = self.doc.text.clone();
        let mut offset = 0;
        for line in text.split('\n') {
            if !line.trim().is_empty() {
                self.doc
                    .paragraphs
                    .push(Span::new(offset, offset + line.len()));
            }
            offset += line.len() + 1;
        }
        let mut from = 0;
        for s in sentences {
            let at = from + text[from..].find(s).expect("sentence occurs");
            let span = Span::new(at, at + s.len());
            from = at + s.len();
            let first = self.doc.tokens.len() as u32;
            let mut pos = at;
            for word in s.split(' ') {
                if !word.is_empty() {
                    self.doc.tokens.push(Token {
                        span: Span::new(pos, pos + word.len()),
                        kind: TokenKind::Word,
                    });
                }
                pos += word.len() + 1;
            }
            let paragraph_idx = self
                .doc
                .paragraphs
                .iter()
                .position(|p| p.contains(span))
                .expect("sentence inside a paragraph") as u32;
            self.doc.sentences.push(Sentence {
                span,
                tokens: first..self.doc.tokens.len() as u32,
                paragraph_idx,
            });
        }
        self
    }

    pub fn cluster(mut self, name: &str, label: Label, titles: &[&str]) -> Builder {
        self.doc.clusters.push(Cluster {
            name: name.into(),
            label,
            mentions: vec![],
            titles: titles.iter().map(|t| t.to_string()).collect(),
        });
        self
    }

    /// An entity on the `nth` occurrence of `needle`, in cluster `cluster`.
    pub fn entity(
        mut self,
        needle: &str,
        nth: usize,
        label: Label,
        cluster: Option<u32>,
    ) -> Builder {
        let span = find(&self.doc.text, needle, nth);
        let sentence_idx = self
            .doc
            .sentences
            .iter()
            .position(|s| s.span.contains(span))
            .expect("entity inside a sentence") as u32;
        let tokens = self
            .doc
            .tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.span.overlaps(span))
            .map(|(i, _)| i as u32)
            .collect::<Vec<_>>();
        let idx = self.doc.entities.len() as u32;
        self.doc.entities.push(Entity {
            span,
            label,
            tokens: tokens[0]..tokens[tokens.len() - 1] + 1,
            sentence_idx,
            cluster,
        });
        if let Some(c) = cluster {
            self.doc.clusters[c as usize].mentions.push(idx);
        }
        self
    }

    /// A quote whose content is `parts` (first occurrences; one part means
    /// no split), with cue and speaker given as `(needle, nth occurrence)`.
    pub fn quote(
        mut self,
        kind: QuoteKind,
        parts: &[&str],
        cue: Option<(&str, usize)>,
        speaker: Option<(&str, usize)>,
        cluster: Option<u32>,
    ) -> Builder {
        let text = &self.doc.text;
        let spans: Vec<Span> = parts.iter().map(|p| find(text, p, 0)).collect();
        let span = Span {
            start: spans[0].start,
            end: spans[spans.len() - 1].end,
        };
        let quote = Quote {
            span,
            kind,
            parts: if spans.len() > 1 { spans } else { vec![] },
            cue: cue.map(|(c, nth)| find(text, c, nth)),
            speaker: speaker.map(|(s, nth)| find(text, s, nth)),
            cluster,
            speaker_name: cluster.map(|c| self.doc.clusters[c as usize].name.clone()),
        };
        self.doc.quotes.push(quote);
        self
    }

    pub fn build(self) -> Document {
        self.doc
    }
}

pub const NATO_TEXT: &str = "Oslo - NATO Secretary General Jens Stoltenberg spoke on Thursday. \
\"We must support Ukraine,\" Stoltenberg said. \u{201c}Russia must not win,\u{201d} he added, \
\u{201c}and it will not.\u{201d}\n\nRussian Foreign Minister Sergey Lavrov said the aid was \
\"dangerous\". Zo\u{eb} M\u{fc}ller, an analyst, said 76% of voters agreed.";

/// A news article with every kind of annotation and non-ASCII text.
pub fn nato() -> Document {
    Builder::new("nato-1", Some("NATO chief backs Kyiv"), NATO_TEXT)
        .sentences(&[
            "Oslo - NATO Secretary General Jens Stoltenberg spoke on Thursday.",
            "\"We must support Ukraine,\" Stoltenberg said.",
            "\u{201c}Russia must not win,\u{201d} he added, \u{201c}and it will not.\u{201d}",
            "Russian Foreign Minister Sergey Lavrov said the aid was \"dangerous\".",
            "Zo\u{eb} M\u{fc}ller, an analyst, said 76% of voters agreed.",
        ])
        .cluster(
            "Jens Stoltenberg",
            Label::Person,
            &["NATO Secretary General"],
        )
        .cluster(
            "Sergey Lavrov",
            Label::Person,
            &["Russian Foreign Minister"],
        )
        .cluster("Zo\u{eb} M\u{fc}ller", Label::Person, &[])
        .cluster("NATO", Label::Org, &[])
        .entity("Oslo", 0, Label::Loc, None)
        .entity("NATO", 0, Label::Org, Some(3))
        .entity("Jens Stoltenberg", 0, Label::Person, Some(0))
        .entity("Thursday", 0, Label::Date, None)
        .entity("Ukraine", 0, Label::Loc, None)
        .entity("Stoltenberg", 1, Label::Person, Some(0))
        .entity("Russia", 0, Label::Loc, None)
        .entity("Russian", 0, Label::Misc, None)
        .entity("Sergey Lavrov", 0, Label::Person, Some(1))
        .entity("Zo\u{eb} M\u{fc}ller", 0, Label::Person, Some(2))
        .entity("76%", 0, Label::Percent, None)
        .quote(
            QuoteKind::Direct,
            &["We must support Ukraine,"],
            Some(("said", 0)),
            Some(("Stoltenberg", 1)),
            Some(0),
        )
        .quote(
            QuoteKind::Direct,
            &["Russia must not win,", "and it will not."],
            Some(("added", 0)),
            Some(("he", 0)),
            Some(0),
        )
        .quote(
            QuoteKind::Mixed,
            &["the aid was \"dangerous\""],
            Some(("said", 1)),
            Some(("Sergey Lavrov", 0)),
            Some(1),
        )
        .quote(
            QuoteKind::Indirect,
            &["76% of voters agreed"],
            Some(("said", 2)),
            Some(("Zo\u{eb} M\u{fc}ller", 0)),
            Some(2),
        )
        .build()
}

/// Marker that the injected code would set if it ever ran.
pub const PWNED: &str = "data-pwned";

pub const INJECTION_TEXT: &str = "Before <script>document.body.setAttribute('data-pwned','1')</script> \
after & more. \"<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">, yes,\" said Eve.";

/// Markup in the title, the text, a quote and an attribute-breaking id; an
/// unresolved speaker.
pub fn injection() -> Document {
    let mut doc = Builder::new(
        "inj\"ect<b>",
        Some("<b>Bold</b> & \"quoted\" title"),
        INJECTION_TEXT,
    )
    .sentences(&[
        "Before <script>document.body.setAttribute('data-pwned','1')</script> after & more.",
        "\"<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">, yes,\" said Eve.",
    ])
    .entity("Eve", 0, Label::Person, None)
    .quote(
        QuoteKind::Direct,
        &["<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">, yes,"],
        Some(("said", 0)),
        Some(("Eve", 0)),
        None,
    )
    .build();
    doc.meta = Some(
        serde_json::json!({"url": "https://example.com/<x>", "lang": "en"})
            .as_object()
            .cloned()
            .expect("an object"),
    );
    doc
}

/// An article without annotations.
pub fn plain() -> Document {
    Builder::new("plain", None, "Nothing to see here.\n")
        .sentences(&["Nothing to see here."])
        .build()
}

/// A document that failed.
pub fn failure() -> DocError {
    DocError {
        id: "broken:3".into(),
        source: "feed.jsonl:3".into(),
        kind: "malformed_json".into(),
        message: "expected value at line 1 column 1 <here>".into(),
    }
}

/// The sample run: every kind of outcome, in a fixed order.
pub fn outcomes() -> Vec<Result<Document, DocError>> {
    vec![Ok(nato()), Ok(injection()), Err(failure()), Ok(plain())]
}

/// Code-point offset of byte offset `byte`, computed the slow, obvious way
/// (independent of `CharOffsets`).
pub fn cp(text: &str, byte: u32) -> usize {
    text[..byte as usize].chars().count()
}
