//! Golden test on the seed article (`seeds/` at the workspace root), tagged
//! from a PTB-like tokenization made here, so that it checks the tagger alone
//! whatever the pipeline's segmenter does.

use document::{Document, Label, Sentence, Span, Stage, Token, TokenKind};
use tagger::Tagger;

/// Sentences end at `.`, `!`, `?` (and closing quotes after them) and at
/// line breaks; tokens split off punctuation and `'s`, keeping `U.S.`,
/// `4/8/2022` and `right-wing` whole.
fn segment(text: &str) -> Document {
    let mut doc = Document::new("seed", "seed", text);
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    for (line_start, line) in line_spans(text) {
        let mut at = 0;
        for chunk in line.split(' ') {
            let start = line_start + at;
            at += chunk.len() + 1;
            if !chunk.is_empty() {
                split_chunk(text, start, start + chunk.len(), &mut tokens);
            }
        }
        tokens.push((usize::MAX, usize::MAX)); // line break
    }
    let mut sent_start = doc.tokens.len();
    let flush = |doc: &mut Document, sent_start: &mut usize| {
        if doc.tokens.len() > *sent_start {
            let a = doc.tokens[*sent_start].span.start as usize;
            let b = doc.tokens.last().unwrap().span.end as usize;
            doc.sentences.push(Sentence {
                span: Span::new(a, b),
                tokens: *sent_start as u32..doc.tokens.len() as u32,
                paragraph_idx: 0,
            });
            *sent_start = doc.tokens.len();
        }
    };
    for (k, &(a, b)) in tokens.iter().enumerate() {
        if a == usize::MAX {
            flush(&mut doc, &mut sent_start);
            continue;
        }
        doc.tokens.push(Token {
            span: Span::new(a, b),
            kind: TokenKind::Word,
        });
        let w = &text[a..b];
        let next = tokens
            .get(k + 1)
            .map(|&(a, b)| if a == usize::MAX { "" } else { &text[a..b] });
        let closes = matches!(next, Some("\"" | "\u{201d}"));
        if matches!(w, "." | "!" | "?" | "\"" | "\u{201d}") && !closes {
            let ends = matches!(w, "." | "!" | "?")
                || matches!(tokens.get(k.wrapping_sub(1)), Some(&(a, b)) if a != usize::MAX && matches!(&text[a..b], "." | "!" | "?" | ","));
            if ends && w != "," {
                flush(&mut doc, &mut sent_start);
            }
        }
    }
    flush(&mut doc, &mut sent_start);
    doc.paragraphs.push(Span::new(0, text.len()));
    doc
}

fn line_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split('\n').map(move |l| {
        let start = at;
        at += l.len() + 1;
        (start, l)
    })
}

fn split_chunk(text: &str, mut a: usize, mut b: usize, out: &mut Vec<(usize, usize)>) {
    let edge = |c: char| ",;:!?\"()\u{201c}\u{201d}.".contains(c);
    while a < b {
        let c = text[a..b].chars().next().unwrap();
        if edge(c) && c != '.' {
            out.push((a, a + c.len_utf8()));
            a += c.len_utf8();
        } else {
            break;
        }
    }
    let mut tail = Vec::new();
    while a < b {
        let c = text[a..b].chars().next_back().unwrap();
        if !edge(c) || b - c.len_utf8() == a {
            break;
        }
        tail.push((b - c.len_utf8(), b));
        b -= c.len_utf8();
    }
    if a < b {
        let w = &text[a..b];
        if w.len() > 2 && w.ends_with("'s") {
            out.push((a, b - 2));
            out.push((b - 2, b));
        } else {
            out.push((a, b));
        }
    }
    out.extend(tail.into_iter().rev());
}

fn seed_text() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds");
    let path = std::fs::read_dir(dir)
        .expect("seeds/ exists")
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .expect("a seed article");
    std::fs::read_to_string(path).unwrap()
}

fn tagged_seed() -> Document {
    let mut doc = segment(&seed_text());
    Tagger::new().process(&mut doc).unwrap();
    doc
}

fn has(doc: &Document, text: &str, label: Label) -> bool {
    doc.entities
        .iter()
        .any(|e| e.label == label && e.span.text(&doc.text) == text)
}

#[test]
fn every_seed_entity_is_found_with_its_label() {
    let doc = tagged_seed();
    let expected = [
        (
            Label::Person,
            &[
                "Jens Stoltenberg",
                "Volodymyr Zelenskyy",
                "Vladimir Putin",
                "Sergey Lavrov",
                "Anders Breivik",
                "Stoltenberg",
                "Lavrov",
                "Putin",
            ][..],
        ),
        (
            Label::Org,
            &["NATO", "RT", "NRK", "Norwegian Labor Party"][..],
        ),
        (
            Label::Loc,
            &[
                "Oslo",
                "Ukraine",
                "Russia",
                "Norway",
                "Europe",
                "Moscow",
                "Kiev",
                "Eastern Europe",
                "Sweden",
                "Finland",
                "United States",
                "Utoya",
            ][..],
        ),
        (
            Label::Date,
            &[
                "Thursday",
                "4/8/2022",
                "February 24",
                "July",
                "December 2021",
                "2014",
                "2011",
            ][..],
        ),
    ];
    let mut missing = Vec::new();
    for (label, texts) in expected {
        for text in texts {
            if !has(&doc, text, label) {
                missing.push(format!("{label} {text}"));
            }
        }
    }
    let found: Vec<String> = doc
        .entities
        .iter()
        .map(|e| format!("{} {}", e.label, e.span.text(&doc.text)))
        .collect();
    assert!(missing.is_empty(), "missing {missing:?}\nfound {found:?}");
}

#[test]
fn seed_people_are_clustered_with_their_titles() {
    let doc = tagged_seed();
    let cluster = |name: &str| {
        doc.clusters
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no cluster {name}: {:?}", doc.clusters))
    };
    let stoltenberg = cluster("Jens Stoltenberg");
    assert_eq!(stoltenberg.label, Label::Person);
    assert_eq!(
        stoltenberg.titles,
        ["NATO Secretary General", "Alliance Secretary General"]
    );
    let texts: Vec<&str> = stoltenberg
        .mentions
        .iter()
        .map(|&m| doc.entities[m as usize].span.text(&doc.text))
        .collect();
    assert!(
        texts.iter().filter(|t| **t == "Stoltenberg").count() >= 4,
        "{texts:?}"
    );
    assert_eq!(
        cluster("Sergey Lavrov").titles,
        ["Russian Foreign Minister"]
    );
    assert_eq!(cluster("Vladimir Putin").titles, ["Russian President"]);
    assert_eq!(
        cluster("Volodymyr Zelenskyy").titles,
        ["Ukrainian President"]
    );
    for (short, full) in [("Lavrov", "Sergey Lavrov"), ("Putin", "Vladimir Putin")] {
        let c = cluster(full);
        assert!(c
            .mentions
            .iter()
            .any(|&m| doc.entities[m as usize].span.text(&doc.text) == short));
    }
    // Places and organisations have clusters too, so speakers like
    // `Russia` resolve.
    let nato = cluster("NATO");
    assert_eq!(nato.label, Label::Org);
    assert!(nato.mentions.len() >= 8);
    assert!(cluster("Russia").mentions.len() >= 4);
}

#[test]
fn entities_are_ordered_disjoint_and_on_token_boundaries() {
    let doc = tagged_seed();
    for pair in doc.entities.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start);
    }
    for e in &doc.entities {
        let first = doc.tokens[e.tokens.start as usize].span.start;
        let last = doc.tokens[e.tokens.end as usize - 1].span.end;
        assert_eq!((first, last), (e.span.start, e.span.end));
        let s = &doc.sentences[e.sentence_idx as usize];
        assert!(s.tokens.start <= e.tokens.start && e.tokens.end <= s.tokens.end);
    }
    for (k, c) in doc.clusters.iter().enumerate() {
        for &m in &c.mentions {
            assert_eq!(doc.entities[m as usize].cluster, Some(k as u32));
        }
    }
}

#[test]
fn a_shared_surname_is_not_merged_blindly() {
    let text = "Bill Clinton met Hillary Clinton in Washington .\nLater , Hillary Clinton said Clinton would run .";
    let mut doc = segment(text);
    Tagger::new().process(&mut doc).unwrap();
    let people: Vec<&str> = doc
        .clusters
        .iter()
        .filter(|c| c.label == Label::Person)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        people,
        ["Bill Clinton", "Hillary Clinton"],
        "{:?}",
        doc.clusters
    );
    // The bare `Clinton` goes to the most recently mentioned Clinton.
    let bare = doc
        .entities
        .iter()
        .find(|e| e.span.text(&doc.text) == "Clinton")
        .expect("bare surname tagged");
    assert_eq!(
        doc.clusters[bare.cluster.unwrap() as usize].name,
        "Hillary Clinton"
    );
}

#[test]
fn appositive_titles_are_collected() {
    let text = "Shawn Burns , a fund manager at Fidelity , said stocks would rise .";
    let mut doc = segment(text);
    Tagger::new().process(&mut doc).unwrap();
    let burns = doc
        .clusters
        .iter()
        .find(|c| c.name == "Shawn Burns")
        .expect("Shawn Burns");
    assert_eq!(burns.titles, ["fund manager at Fidelity"]);
}

#[test]
fn titles_may_contain_of_the() {
    let text = "Chancellor of the Exchequer Gordon Brown spoke in London .\nBrown said the former Prime Minister Tony Blair agreed .";
    let mut doc = segment(text);
    Tagger::new().process(&mut doc).unwrap();
    let brown = doc
        .clusters
        .iter()
        .find(|c| c.name == "Gordon Brown")
        .expect("Gordon Brown");
    assert_eq!(brown.titles, ["Chancellor of the Exchequer"]);
    assert!(brown.mentions.len() == 2, "{:?}", doc.entities);
    let blair = doc
        .clusters
        .iter()
        .find(|c| c.name == "Tony Blair")
        .expect("Tony Blair");
    assert_eq!(blair.titles, ["former Prime Minister"]);
}
