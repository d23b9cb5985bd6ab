//! Properties that hold for any input: no panic; paragraphs, sentences and
//! tokens are ordered, non-overlapping, non-empty, trimmed, on char
//! boundaries and inside their container, and together cover every
//! non-whitespace char; the sentences-only path agrees with the full one.

use proptest::prelude::*;
use segmenter::{Segmentation, Segmenter, Span};

/// Checks every invariant of the segmentation of `text`.
fn check(text: &str) {
    let segmenter = Segmenter::new();
    let seg = segmenter.segment(text);
    let on_boundaries = |span: Span| {
        assert!(span.start < span.end, "{span} is empty");
        assert!(
            span.end as usize <= text.len(),
            "{span} is outside the text"
        );
        assert!(
            text.is_char_boundary(span.start as usize),
            "{span} starts inside a char"
        );
        assert!(
            text.is_char_boundary(span.end as usize),
            "{span} ends inside a char"
        );
        let body = span.text(text);
        assert_eq!(body.trim(), body, "{span} is not trimmed");
    };
    let ordered = |spans: &mut dyn Iterator<Item = Span>| {
        let mut last_end = 0;
        for span in spans {
            on_boundaries(span);
            assert!(
                span.start >= last_end,
                "{span} overlaps or precedes its predecessor"
            );
            last_end = span.end;
        }
    };
    ordered(&mut seg.paragraphs.iter().copied());
    ordered(&mut seg.sentences.iter().map(|s| s.span));
    ordered(&mut seg.tokens.iter().map(|t| t.span));

    // Sentences sit in their paragraph; token ranges are consecutive.
    let mut next_token = 0;
    for sentence in &seg.sentences {
        let paragraph = seg.paragraphs[sentence.paragraph_idx as usize];
        assert!(
            paragraph.contains(sentence.span),
            "sentence outside its paragraph"
        );
        assert_eq!(
            sentence.tokens.start, next_token,
            "token ranges are consecutive"
        );
        assert!(
            sentence.tokens.start < sentence.tokens.end,
            "a sentence has tokens"
        );
        next_token = sentence.tokens.end;
        for token in seg.tokens(sentence) {
            assert!(
                sentence.span.contains(token.span),
                "token outside its sentence"
            );
        }
    }
    assert_eq!(next_token as usize, seg.tokens.len());

    // Every non-whitespace char is in a paragraph, a sentence and a token.
    covers(text, &seg.paragraphs);
    covers(
        text,
        &seg.sentences.iter().map(|s| s.span).collect::<Vec<_>>(),
    );
    covers(text, &seg.tokens.iter().map(|t| t.span).collect::<Vec<_>>());

    // The fast path finds the same sentences.
    let spans: Vec<Span> = seg.sentences.iter().map(|s| s.span).collect();
    assert_eq!(segmenter.sentences(text), spans);
    let mut only = Segmentation::default();
    segmenter.segment_sentences_into(text, &mut only);
    assert_eq!(only.paragraphs, seg.paragraphs);
    assert_eq!(
        only.sentences.iter().map(|s| s.span).collect::<Vec<_>>(),
        spans
    );
    assert!(only.tokens.is_empty());
}

/// Checks that `spans` (ordered) hold every non-whitespace char of `text`.
fn covers(text: &str, spans: &[Span]) {
    let mut spans = spans.iter().peekable();
    for (at, c) in text.char_indices() {
        while spans.peek().is_some_and(|s| s.end as usize <= at) {
            spans.next();
        }
        if !c.is_whitespace() {
            let span = spans
                .peek()
                .unwrap_or_else(|| panic!("{c:?} at {at} is not covered"));
            assert!(span.start as usize <= at, "{c:?} at {at} is not covered");
        }
    }
}

/// Pieces of news and web text that exercise the rules.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Mr.".to_string()),
        Just("U.S.".to_string()),
        Just("a.m.".to_string()),
        Just("No.".to_string()),
        Just("etc.".to_string()),
        Just("E.".to_string()),
        Just("I.".to_string()),
        Just("...".to_string()),
        Just(". . .".to_string()),
        Just("…".to_string()),
        Just("?!".to_string()),
        Just("\"".to_string()),
        Just("“Yes.”".to_string()),
        Just("'s".to_string()),
        Just("don't".to_string()),
        Just("(see p. 5.)".to_string()),
        Just("[12]".to_string()),
        Just("[...]".to_string()),
        Just(":-)".to_string()),
        Just("***".to_string()),
        Just("•".to_string()),
        Just("1.".to_string()),
        Just("2)".to_string()),
        Just("a.".to_string()),
        Just("$1.13bn".to_string()),
        Just("4/8/2022".to_string()),
        Just("https://example.org/a.b?c=d.".to_string()),
        Just("ann.lee@example.org".to_string()),
        Just("world.Today".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{301}".to_string()),
        Just("👍🏽".to_string()),
        Just("Москва.".to_string()),
        Just("東京。".to_string()),
        Just("؟".to_string()),
        "[A-Za-z]{1,8}[.!?,;:]?",
        "[a-z]{1,6}",
        "[0-9]{1,4}[.,:/-]?[0-9]{0,3}",
        "[ \t\n\r]{1,3}",
        "\\PC",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn news_like_pieces(pieces in prop::collection::vec((piece(), "[ \n]{0,2}"), 0..40)) {
        let text: String = pieces.into_iter().flat_map(|(p, sep)| [p, sep]).collect();
        check(&text);
    }

    #[test]
    fn punctuation_and_whitespace(text in "[ \t\n\r\u{a0}\u{2028}\u{2029}.!?\"'()\\[\\]:;,…•*=_~#-]{0,80}") {
        check(&text);
    }
}

#[test]
fn edge_cases() {
    for text in [
        "",
        " ",
        "   \n\n\t  \r\n",
        "\u{2029}\u{2028}\u{85}\u{b}\u{c}",
        ".",
        "!?.…",
        ". . . . . .",
        "\"\"''()[]",
        "Zoë € 😀 said hi.\n\nNext.",
        "Москва — столица России. Привет! 東京は大きい。 مرحبا؟ नमस्ते। Ok.",
        "a\u{301}\u{302}. B\u{200d}c. \u{fe0f}.",
        "\u{feff}Title\r\n\r\nBody. More.",
        "1.) 2.) 3.)",
        "a. b. c.",
        "• • •",
        "http://",
        "@@@ ### $$$ %%%",
        "ann.lee@example.organn.lee@example.org's",
        "@ann's #tag's",
    ] {
        check(text);
    }
    check(&".".repeat(10_000));
    check(&". ".repeat(10_000));
    check(&"a.".repeat(10_000));
    check(&"Mr. ".repeat(5_000));
    check(&"x".repeat(100_000));
    check(&"\u{301}".repeat(1_000));
    check(&"(".repeat(10_000));
    check(&"• ".repeat(10_000));
    check(&"1. ".repeat(10_000));
    check(&"aBa!".repeat(10_000));
    check(&"word. . . . ".repeat(5_000));
    check(&"x.[1] ".repeat(5_000));
}
