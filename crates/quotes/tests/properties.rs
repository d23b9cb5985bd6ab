//! Whatever the text and however its quote marks are (un)balanced, the
//! stage never panics and every span it writes is valid.

use document::{Document, Quote, Span, Stage};
use proptest::prelude::*;
use quotes::QuoteAttributor;

/// Pieces text is made of: words (cues, pronouns, names, non-ASCII),
/// every kind of quote mark and apostrophe, punctuation and breaks.
const PIECES: &[&str] = &[
    "said",
    "says",
    "told",
    "according to",
    "added",
    "he",
    "she",
    "the",
    "minister",
    "Smith",
    "Zoë",
    "NATO",
    "that",
    "and",
    ",",
    ".",
    ":",
    "?",
    "!",
    "—",
    "(",
    ")",
    "\"",
    "“",
    "”",
    "‘",
    "’",
    "'",
    "''",
    "``",
    "«",
    "»",
    "‹",
    "›",
    "„",
    "'90s",
    "Russia's",
    "players'",
    "\n",
    "\n\n",
    " ",
    "  ",
    "Mr.",
    "U.S.",
    "1,000",
    "é",
    "日本",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec((0..PIECES.len(), any::<bool>()), 0..120).prop_map(|picks| {
        let mut s = String::new();
        for (i, space) in picks {
            s.push_str(PIECES[i]);
            if space {
                s.push(' ');
            }
        }
        s
    })
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what} {span} reversed");
    assert!(
        span.end as usize <= text.len(),
        "{what} {span} outside the text"
    );
    assert!(
        text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
        "{what} {span} not on char boundaries"
    );
}

fn check_quotes(text: &str, quotes: &[Quote]) {
    let mut last_start = 0;
    for q in quotes {
        check_span(text, q.span, "quote");
        assert!(!q.span.is_empty(), "empty quote");
        assert!(q.span.start >= last_start, "quotes ordered by start");
        last_start = q.span.start;
        let mut last_end = q.span.start;
        for p in &q.parts {
            check_span(text, *p, "part");
            assert!(q.span.contains(*p), "part {p} inside quote {}", q.span);
            assert!(p.start >= last_end, "parts ordered and apart");
            last_end = p.end;
        }
        assert!(
            q.parts.len() != 1,
            "a single part is written as the span itself"
        );
        for span in [q.cue, q.speaker].into_iter().flatten() {
            check_span(text, span, "cue/speaker");
        }
        assert_eq!(q.cluster.is_some(), q.speaker_name.is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gives_valid_quotes(text in text_strategy()) {
        let stage = QuoteAttributor::new();
        // After the segmenter, as in the pipeline ...
        let mut doc = Document::new("p", "prop", text.clone());
        segmenter::Segmenter::new().process(&mut doc).unwrap();
        stage.process(&mut doc).unwrap();
        check_quotes(&text, &doc.quotes);
        // ... and alone, with no paragraphs or sentences at all.
        let bare = Document::new("p", "prop", text.clone());
        check_quotes(&text, &stage.find(&bare));
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
        let mut doc = Document::new("p", "prop", text.clone());
        segmenter::Segmenter::new().process(&mut doc).unwrap();
        QuoteAttributor::new().process(&mut doc).unwrap();
        check_quotes(&text, &doc.quotes);
    }
}

#[test]
fn unbalanced_marks_do_not_lose_later_quotes() {
    let text = "He said \"no.\n\n\"Fine,\" she said.\n\n'Odd ' marks \u{201d} here.\n\n\"Yes,\" Smith said.";
    let mut doc = Document::new("u", "test", text);
    segmenter::Segmenter::new().process(&mut doc).unwrap();
    QuoteAttributor::new().process(&mut doc).unwrap();
    let direct: Vec<&str> = doc
        .quotes
        .iter()
        .filter(|q| q.kind == document::QuoteKind::Direct)
        .map(|q| q.span.text(text))
        .collect();
    assert!(direct.contains(&"\"Yes,\""), "{direct:?}");
    assert!(direct.contains(&"\"Fine,\""), "{direct:?}");
}
