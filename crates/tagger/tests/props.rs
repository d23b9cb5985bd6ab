//! Property tests: arbitrary text never panics, and entity spans lie inside
//! their sentence, on token boundaries, without overlapping.

use document::{Document, Sentence, Span, Stage, Token, TokenKind};
use proptest::prelude::*;
use tagger::Tagger;

fn check_invariants(doc: &Document) {
    let mut last_end = 0u32;
    for e in &doc.entities {
        assert!(e.tokens.start < e.tokens.end, "empty entity");
        assert!(
            e.span.start >= last_end,
            "entities overlap or are unordered"
        );
        last_end = e.span.end;
        let first = doc.tokens[e.tokens.start as usize].span.start;
        let last = doc.tokens[e.tokens.end as usize - 1].span.end;
        assert_eq!(
            (first, last),
            (e.span.start, e.span.end),
            "not on token boundaries"
        );
        let s = &doc.sentences[e.sentence_idx as usize];
        assert!(
            s.tokens.start <= e.tokens.start && e.tokens.end <= s.tokens.end,
            "outside its sentence"
        );
        assert!(s.span.contains(e.span));
        assert!(
            doc.text.is_char_boundary(e.span.start as usize)
                && doc.text.is_char_boundary(e.span.end as usize)
        );
        if let Some(c) = e.cluster {
            let me = doc.entities.iter().position(|x| x == e).unwrap() as u32;
            assert!(doc.clusters[c as usize].mentions.contains(&me));
        }
    }
    for c in &doc.clusters {
        assert!(!c.mentions.is_empty() && !c.name.is_empty());
    }
}

/// Words that make the tagger fire: names, places, dates, amounts.
fn wordy_text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Jens",
        "Stoltenberg",
        "NATO",
        "said",
        "the",
        "Russian",
        "President",
        "Vladimir",
        "Putin",
        "in",
        "Oslo",
        "on",
        "Thursday",
        "4/8/2022",
        "$1.13bn",
        "76%",
        ",",
        ".",
        "\"",
        "'s",
        "(",
        ")",
        "UNITED",
        "STATES",
        "Minister",
        "Foreign",
        "Sergey",
        "Lavrov",
        "of",
        "Labor",
        "Party",
        "February",
        "24",
        "May",
        "2021",
        "Mr.",
        "U.S.",
        "-",
        "\n",
        "\n\n",
        "Zoë",
        "naïve",
        "日本",
        "🙂",
        "a.m.",
        "10:30",
    ]);
    prop::collection::vec(words, 0..60).prop_map(|w| w.join(" "))
}

fn tag_segmented(text: &str) -> Document {
    let mut doc = Document::new("p", "prop", text);
    segmenter::Segmenter::new().process(&mut doc).unwrap();
    Tagger::new().process(&mut doc).unwrap();
    doc
}

/// A text tagged after one that took every entry of the word cache gets the
/// entities a fresh thread gives it.
#[test]
fn a_full_word_cache_gives_what_a_fresh_one_gives() {
    let text = "Prime Minister Tony Blair met Gerhard Schroeder in Berlin on Monday, the BBC said.";
    let fresh = std::thread::spawn(move || tag_segmented(text).entities)
        .join()
        .expect("tagging on a fresh thread");
    // More distinct capitalised words than the cache has entries, each
    // scored and next to scored ones: every entry ends up with all parts
    // of its sums computed.
    let filler: String = (0..60_000).map(|n| format!("Word{n} ")).collect();
    tag_segmented(&filler);
    assert_eq!(tag_segmented(text).entities, fresh);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        check_invariants(&tag_segmented(&text));
    }

    #[test]
    fn name_heavy_text_keeps_the_invariants(text in wordy_text()) {
        check_invariants(&tag_segmented(&text));
    }

    /// The tagger's per-thread caches (words, lexicon answers, summed
    /// weights, filled part by part as tokens need them) change no result:
    /// a text tagged after others on this thread gets the entities a fresh
    /// thread gives it.
    #[test]
    fn warm_caches_give_what_fresh_ones_give(before in prop::collection::vec(wordy_text(), 1..4), text in wordy_text()) {
        let fresh = {
            let text = text.clone();
            std::thread::spawn(move || tag_segmented(&text).entities)
                .join()
                .expect("tagging on a fresh thread")
        };
        for other in &before {
            tag_segmented(other);
        }
        prop_assert_eq!(tag_segmented(&text).entities, fresh);
    }

    /// Any tokenization at all (tokens split anywhere on char boundaries,
    /// sentences of any length) is accepted.
    #[test]
    fn any_tokenization_is_accepted(text in wordy_text(), cuts in prop::collection::vec(0usize..1000, 0..40), sent_every in 1usize..20) {
        let mut doc = Document::new("p", "prop", text.as_str());
        let mut bounds: Vec<usize> = cuts
            .iter()
            .map(|&c| if text.is_empty() { 0 } else { c % (text.len() + 1) })
            .filter(|&c| text.is_char_boundary(c))
            .collect();
        bounds.push(0);
        bounds.push(text.len());
        bounds.sort_unstable();
        bounds.dedup();
        for w in bounds.windows(2) {
            if w[0] < w[1] {
                doc.tokens.push(Token { span: Span::new(w[0], w[1]), kind: TokenKind::Word });
            }
        }
        let n = doc.tokens.len();
        let mut start = 0;
        while start < n {
            let end = (start + sent_every).min(n);
            doc.sentences.push(Sentence {
                span: Span { start: doc.tokens[start].span.start, end: doc.tokens[end - 1].span.end },
                tokens: start as u32..end as u32,
                paragraph_idx: 0,
            });
            start = end;
        }
        Tagger::new().process(&mut doc).unwrap();
        check_invariants(&doc);
    }
}
