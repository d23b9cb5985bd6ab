//! Speaker resolution on the seed article, with the entities and clusters a
//! tagger finds written out by hand: pronouns go to the most salient person
//! (not the last name mentioned), nominals go through cluster titles.

use document::{Cluster, Document, Entity, Label, Span, Stage};
use quotes::QuoteAttributor;

const SEED: &str = include_str!("../../../seeds/000_b6b9ef57101965bf.txt");

/// (surface form, label, cluster) of every mention, longest forms first.
const MENTIONS: &[(&str, Label, u32)] = &[
    ("Jens Stoltenberg", Label::Person, 0),
    ("Volodymyr Zelenskyy", Label::Person, 1),
    ("Vladimir Putin", Label::Person, 2),
    ("Sergey Lavrov", Label::Person, 3),
    ("Anders Breivik", Label::Person, 4),
    ("Norwegian Labor Party", Label::Org, 5),
    ("Eastern Europe", Label::Loc, 6),
    ("United States", Label::Loc, 7),
    ("Stoltenberg", Label::Person, 0),
    ("Zelenskyy", Label::Person, 1),
    ("Putin", Label::Person, 2),
    ("Lavrov", Label::Person, 3),
    ("NATO", Label::Org, 8),
    ("Russia", Label::Loc, 9),
    ("Ukraine", Label::Loc, 10),
    ("Moscow", Label::Loc, 11),
    ("Oslo", Label::Loc, 12),
    ("Norway", Label::Loc, 13),
    ("Sweden", Label::Loc, 14),
    ("Finland", Label::Loc, 15),
];

const CLUSTERS: &[(&str, Label, &[&str])] = &[
    (
        "Jens Stoltenberg",
        Label::Person,
        &["NATO Secretary General", "Alliance Secretary General"],
    ),
    (
        "Volodymyr Zelenskyy",
        Label::Person,
        &["Ukrainian President"],
    ),
    ("Vladimir Putin", Label::Person, &["Russian President"]),
    (
        "Sergey Lavrov",
        Label::Person,
        &["Russian Foreign Minister"],
    ),
    ("Anders Breivik", Label::Person, &[]),
    ("Norwegian Labor Party", Label::Org, &[]),
    ("Eastern Europe", Label::Loc, &[]),
    ("United States", Label::Loc, &[]),
    ("NATO", Label::Org, &[]),
    ("Russia", Label::Loc, &[]),
    ("Ukraine", Label::Loc, &[]),
    ("Moscow", Label::Loc, &[]),
    ("Oslo", Label::Loc, &[]),
    ("Norway", Label::Loc, &[]),
    ("Sweden", Label::Loc, &[]),
    ("Finland", Label::Loc, &[]),
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The seed, segmented, with hand-made entities and clusters.
fn tagged_seed() -> Document {
    let mut doc = Document::new("seed", "seeds", SEED);
    segmenter::Segmenter::new().process(&mut doc).unwrap();
    let text = doc.text.clone();
    let bytes = text.as_bytes();
    let mut taken = vec![false; text.len()];
    let mut found: Vec<(usize, usize, Label, u32)> = Vec::new();
    for &(form, label, cluster) in MENTIONS {
        for (at, _) in text.match_indices(form) {
            let end = at + form.len();
            let bounded = (at == 0 || !is_word_byte(bytes[at - 1]))
                && (end == text.len() || !is_word_byte(bytes[end]));
            if bounded && !taken[at..end].iter().any(|&t| t) {
                taken[at..end].iter_mut().for_each(|t| *t = true);
                found.push((at, end, label, cluster));
            }
        }
    }
    found.sort();
    for (start, end, label, cluster) in found {
        let span = Span::new(start, end);
        let first = doc
            .tokens
            .iter()
            .position(|t| t.span.overlaps(span))
            .unwrap() as u32;
        let last = doc
            .tokens
            .iter()
            .rposition(|t| t.span.overlaps(span))
            .unwrap() as u32;
        let sentence_idx = doc
            .sentences
            .iter()
            .position(|s| s.span.contains(span))
            .unwrap_or(0) as u32;
        doc.entities.push(Entity {
            span,
            label,
            tokens: first..last + 1,
            sentence_idx,
            cluster: Some(cluster),
        });
    }
    for (i, &(name, label, titles)) in CLUSTERS.iter().enumerate() {
        let mentions = doc
            .entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.cluster == Some(i as u32))
            .map(|(k, _)| k as u32)
            .collect();
        doc.clusters.push(Cluster {
            name: name.to_string(),
            label,
            mentions,
            titles: titles.iter().map(|t| t.to_string()).collect(),
        });
    }
    doc
}

#[test]
fn seed_speakers_resolve_through_salience_and_titles() {
    let mut doc = tagged_seed();
    QuoteAttributor::new().process(&mut doc).unwrap();
    let text = doc.text.clone();
    let name_of = |needle: &str| -> Option<String> {
        doc.quotes
            .iter()
            .find(|q| q.span.text(&text).contains(needle))
            .unwrap_or_else(|| panic!("a quote with {needle:?}"))
            .speaker_name
            .clone()
    };
    let cases = [
        ("In this conflict, NATO has two tasks", "Jens Stoltenberg"),
        ("If Russia wins the war", "Jens Stoltenberg"),
        ("Ukraine is forced to use these weapons", "Sergey Lavrov"),
        // `he` after a sentence that names Putin: the speaker of the
        // neighbouring quote, not the last name.
        ("Strengthening the defenses", "Jens Stoltenberg"),
        (
            "We have a responsibility to support Ukraine",
            "Jens Stoltenberg",
        ),
        // `The head of the military bloc`: a leader title, the salient one.
        ("the most dangerous situation in Europe", "Jens Stoltenberg"),
        ("\"pumped\"", "Sergey Lavrov"),
        ("stronger and more consolidated", "Jens Stoltenberg"),
        ("party to the conflict", "Jens Stoltenberg"),
        ("full-scale war", "Jens Stoltenberg"),
        ("Moscow should not be allowed to win", "Jens Stoltenberg"),
        // `the NATO chief`: shares `NATO` with `NATO Secretary General`.
        ("the alliance is under no obligation", "Jens Stoltenberg"),
        ("it viewed NATO's eastward expansion", "Russia"),
    ];
    for (needle, want) in cases {
        assert_eq!(name_of(needle).as_deref(), Some(want), "{needle}");
    }
    for q in &doc.quotes {
        if let Some(c) = q.cluster {
            assert_eq!(
                q.speaker_name.as_deref(),
                Some(doc.clusters[c as usize].name.as_str())
            );
        }
    }
}

#[test]
fn without_clusters_nothing_is_resolved() {
    let mut doc = Document::new("seed", "seeds", SEED);
    segmenter::Segmenter::new().process(&mut doc).unwrap();
    QuoteAttributor::new().process(&mut doc).unwrap();
    assert!(doc.quotes.len() >= 13);
    assert!(doc
        .quotes
        .iter()
        .all(|q| q.cluster.is_none() && q.speaker_name.is_none()));
}

/// A document with one entity per `(surface, label)`, each its own cluster,
/// found in order of the text.
fn with_entities(text: &str, names: &[(&str, Label)]) -> Document {
    let mut doc = Document::new("t", "test", text);
    segmenter::Segmenter::new().process(&mut doc).unwrap();
    let mut found: Vec<(usize, usize, Label, u32)> = Vec::new();
    for (i, &(form, label)) in names.iter().enumerate() {
        for (at, _) in text.match_indices(form) {
            found.push((at, at + form.len(), label, i as u32));
        }
    }
    found.sort();
    for &(start, end, label, cluster) in &found {
        let span = Span::new(start, end);
        let first = doc
            .tokens
            .iter()
            .position(|t| t.span.overlaps(span))
            .unwrap() as u32;
        let last = doc
            .tokens
            .iter()
            .rposition(|t| t.span.overlaps(span))
            .unwrap() as u32;
        doc.entities.push(Entity {
            span,
            label,
            tokens: first..last + 1,
            sentence_idx: 0,
            cluster: Some(cluster),
        });
    }
    for (i, &(name, label)) in names.iter().enumerate() {
        let mentions = (0..doc.entities.len() as u32)
            .filter(|&k| doc.entities[k as usize].cluster == Some(i as u32))
            .collect();
        doc.clusters.push(Cluster {
            name: name.to_string(),
            label,
            mentions,
            titles: Vec::new(),
        });
    }
    doc
}

#[test]
fn names_inside_quotes_are_not_antecedents() {
    let mut doc = with_entities(
        "Obama spoke in Chicago. The report came out on Monday.\n\n\"My adviser, John Holdren, sent it to me,\" he said.",
        &[("Obama", Label::Person), ("John Holdren", Label::Person)],
    );
    QuoteAttributor::new().process(&mut doc).unwrap();
    let q = &doc.quotes[0];
    assert_eq!(q.speaker.map(|s| s.text(&doc.text)), Some("he"));
    assert_eq!(q.speaker_name.as_deref(), Some("Obama"));
}
