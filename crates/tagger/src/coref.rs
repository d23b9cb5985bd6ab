//! Entity clusters within a document, with canonical names and titles.
//!
//! - PERSON: full names (two or more tokens) form clusters; two full names
//!   are one person only when their first and last tokens agree, so `Bill
//!   Clinton` and `Hillary Clinton` stay apart. A shorter mention (`Lavrov`)
//!   joins the full name whose surname (or given name) it is; when two
//!   people share it, the one mentioned most recently before it wins (the
//!   first one after it, if none came before).
//! - ORG, LOC, MISC: the same text (case-insensitively) is one entity; an
//!   ORG/LOC name written both ways (`Russia` as a place and as an actor) is
//!   one cluster; an acronym joins the ORG whose initials it spells.
//! - Titles: the title words right before a PERSON mention (`Russian
//!   Foreign Minister Sergey Lavrov`) and an appositive after it
//!   (`Shawn Burns, a fund manager at X,`).

use document::{Cluster, Document, Entity, Label, Token};

use crate::features::DocContext;
use crate::lexicon::{kind, Lexicon};
use crate::text::{flag, hash_lower};
// Keys are hashes and token indices of one document: no untrusted input
// can make them collide on purpose, so a fast hasher is safe.
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

/// Words that start sentences or clauses but never titles.
const NOT_TITLE: [&str; 32] = [
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "since",
    "however",
    "then",
    "when",
    "after",
    "before",
    "as",
    "meanwhile",
    "also",
    "in",
    "on",
    "at",
    "while",
    "said",
    "says",
    "by",
    "with",
    "for",
    "to",
    "of",
    "from",
    "that",
    "who",
    "said",
    "told",
    "if",
];

fn token_text(doc: &Document, t: usize) -> &str {
    doc.tokens[t].span.text(&doc.text)
}

/// Bits of the title kinds in a token's gazetteer mask, by part.
fn title_bits(dc: &DocContext, t: usize) -> (bool, bool) {
    let mut any = false;
    let mut ends = false;
    for k in [kind::TITLE, kind::TITLE_MODIFIER] {
        let m = (dc.gaz.get(t).copied().unwrap_or(0) >> (4 * k)) & 0xf;
        if m != 0 {
            any = true;
        }
        // Part 2 is L, part 3 is U: the token ends a title phrase.
        if m & 0b1100 != 0 {
            ends = true;
        }
    }
    (any, ends)
}

/// Marks abbreviated titles written with a period (`Mr.`, `Gen.`, `Sen.`)
/// as titles: the gazetteers list them as `Mr` plus `.`, which a tokenizer
/// that keeps the period on never matches.
pub(crate) fn mark_abbreviated_titles(words: &[&str], lex: &Lexicon, dc: &mut DocContext) {
    for (t, w) in words.iter().enumerate() {
        // Most words end in no period: one byte rules them out.
        if w.as_bytes().last() != Some(&b'.') {
            continue;
        }
        let stem = &w[..w.len() - 1];
        if stem.is_empty() || stem.contains('.') || t >= dc.gaz.len() {
            continue;
        }
        let stem = hash_lower(stem);
        let kinds = lex.phrase_kinds(&[stem]) | lex.phrase_kinds(&[stem, hash_lower(".")]);
        for k in [kind::TITLE, kind::TITLE_MODIFIER] {
            if kinds & (1 << k) != 0 {
                // Part 3 (U): a whole title phrase by itself.
                dc.gaz[t] |= 1u128 << (4 * k + 3);
            }
        }
    }
}

/// Moves leading title words out of PERSON spans (`Chancellor Scholz` ->
/// `Scholz`, titled `Chancellor`), unless the word is also a common given
/// name (`Dean Smith`).
pub(crate) fn strip_leading_titles(entities: &mut [Entity], tokens: &[Token], dc: &DocContext) {
    let key = |t: usize| dc.info.get(t).map_or(0, |i| i.key);
    // Whether tokens `a..b` end another PERSON mention that has more words
    // (`Scholz` of `Olaf Scholz`): then a word before them is not a name.
    let ends_other_person = |entities: &[Entity], me: usize, a: usize, b: usize| {
        entities.iter().enumerate().any(|(j, f)| {
            let (fa, fb) = (f.tokens.start as usize, f.tokens.end as usize);
            j != me
                && f.label == Label::Person
                && fb - fa > b - a
                && (0..b - a).all(|k| key(fb - (b - a) + k) == key(a + k))
        })
    };
    for i in 0..entities.len() {
        let e = &entities[i];
        if e.label != Label::Person {
            continue;
        }
        let mut start = e.tokens.start as usize;
        let end = e.tokens.end as usize;
        while start + 1 < end {
            let gaz = dc.gaz.get(start).copied().unwrap_or(0);
            let given_name = (gaz >> (4 * kind::FIRST_NAME)) & 0xf != 0;
            if !title_bits(dc, start).0
                || (given_name && !ends_other_person(entities, i, start + 1, end))
            {
                break;
            }
            start += 1;
        }
        if start != e.tokens.start as usize {
            let span_start = tokens[start].span.start;
            let e = &mut entities[i];
            e.tokens.start = start as u32;
            e.span.start = span_start;
        }
    }
}

/// The title written right before the mention starting at token `start` in
/// sentence tokens `sent_start..`, if any.
fn title_before(
    doc: &Document,
    dc: &DocContext,
    entity_of: &[u32],
    start: usize,
    sent_start: usize,
) -> Option<String> {
    if start == 0 || start <= sent_start {
        return None;
    }
    let (_, ends) = title_bits(dc, start - 1);
    if !ends {
        return None;
    }
    let mut first = start;
    while first > sent_start {
        let t = first - 1;
        let w = token_text(doc, t);
        let flags = dc.info.get(t).map_or(0, |i| i.flags);
        let (is_title, _) = title_bits(dc, t);
        let ent = entity_of[t];
        let in_entity = ent != u32::MAX;
        if in_entity {
            let label = doc.entities[ent as usize].label;
            if label == Label::Person || !matches!(label, Label::Org | Label::Loc | Label::Misc) {
                break;
            }
        }
        // A token glued to clause punctuation belongs to what came before
        // (`... with Russia. Alliance Secretary General ...` when the
        // tokenizer left the period on).
        if w.len() > 1
            && !is_title
            && (w.ends_with(['.', ',', ';', ':', '!', '?', '"', '\u{201d}', ')'])
                || w.starts_with(['"', '\u{201c}', '(']))
        {
            break;
        }
        // `of` and `of the` inside a title: `Chancellor of the Exchequer`.
        let title_at = |k: usize| k >= sent_start && title_bits(dc, k).0;
        let inner_of = (w == "of" && t > 0 && title_at(t - 1))
            || (w == "the" && t > 1 && token_text(doc, t - 1) == "of" && title_at(t - 2));
        let lowercase_word = NOT_TITLE.iter().any(|s| s.eq_ignore_ascii_case(w));
        let ok = if inner_of {
            true
        } else if lowercase_word {
            false
        } else if is_title || in_entity {
            true
        } else {
            // Any capitalised word, but not one capitalised only because it
            // opens the sentence (`Later Mr. Obama ...`).
            flags & flag::INIT_CAP != 0 && flags & flag::HAS_ALPHA != 0 && !dc.is_sentence_first(t)
        };
        if !ok {
            break;
        }
        first = t;
    }
    if first == start {
        return None;
    }
    // A lone modifier (`former`, `first`) is not a title by itself.
    if first + 1 == start {
        let gaz = dc.gaz.get(first).copied().unwrap_or(0);
        if (gaz >> (4 * kind::TITLE)) & 0xf == 0 {
            return None;
        }
    }
    let a = doc.tokens[first].span.start as usize;
    let b = doc.tokens[start - 1].span.end as usize;
    Some(doc.text[a..b].to_string())
}

/// An appositive title after the mention ending at token `end` (exclusive):
/// `, a fund manager at X,`.
fn title_after(
    doc: &Document,
    dc: &DocContext,
    entity_of: &[u32],
    end: usize,
    sent_end: usize,
) -> Option<String> {
    if end >= sent_end || token_text(doc, end) != "," {
        return None;
    }
    let mut t = end + 1;
    if t < sent_end
        && ["a", "an", "the"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(token_text(doc, t)))
    {
        t += 1;
    }
    let first = t;
    let mut has_title = false;
    while t < sent_end && t - first < 10 {
        let w = token_text(doc, t);
        if matches!(
            w,
            "," | "." | ";" | ":" | "\"" | "(" | ")" | "\u{201c}" | "\u{201d}" | "--" | "-"
        ) {
            break;
        }
        if entity_of[t] != u32::MAX && doc.entities[entity_of[t] as usize].label == Label::Person {
            return None;
        }
        if t - first < 4
            && title_bits(dc, t).0
            && dc
                .info
                .get(t)
                .is_some_and(|i| i.flags & flag::HAS_ALPHA != 0)
        {
            has_title = true;
        }
        // A verb-like lower-case word right away means a clause, not an
        // appositive (`Lavrov, said ...`).
        if t == first && NOT_TITLE.iter().any(|s| s.eq_ignore_ascii_case(w)) {
            return None;
        }
        t += 1;
    }
    if !has_title || t == first {
        return None;
    }
    // Only a closed appositive: it ends at a comma, a period or the sentence end.
    if t < sent_end && !matches!(token_text(doc, t), "," | "." | ";") {
        return None;
    }
    let a = doc.tokens[first].span.start as usize;
    let b = doc.tokens[t - 1].span.end as usize;
    Some(doc.text[a..b].to_string())
}

/// Normalised form of each mention, as lower-cased word keys in one flat
/// buffer (a leading `the` and a trailing possessive dropped), and the
/// token range the form covers.
fn mention_keys(
    doc: &Document,
    dc: &DocContext,
    keys: &mut Vec<u64>,
) -> Vec<(Range<usize>, Range<usize>)> {
    let the = hash_lower("the");
    let possessive = [hash_lower("'s"), hash_lower("'")];
    let key = |t: usize| dc.info.get(t).map_or(0, |i| i.key);
    keys.clear();
    doc.entities
        .iter()
        .map(|e| {
            let (mut a, mut b) = (e.tokens.start as usize, e.tokens.end as usize);
            if b - a > 1 && key(a) == the {
                a += 1;
            }
            if b - a > 1 && possessive.contains(&key(b - 1)) {
                b -= 1;
            }
            let start = keys.len();
            for t in a..b {
                let w = token_text(doc, t);
                let stem = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s"));
                match stem {
                    Some(stem) if t + 1 == b && !stem.is_empty() => keys.push(hash_lower(stem)),
                    _ => keys.push(key(t)),
                }
            }
            (start..keys.len(), a..b)
        })
        .collect()
}

struct Draft {
    label_votes: [u32; 4],
    mentions: Vec<u32>,
    /// A mention (entity index) of each distinct form.
    forms: Vec<usize>,
    titles: Vec<String>,
}

fn label_slot(l: Label) -> usize {
    match l {
        Label::Person => 0,
        Label::Org => 1,
        Label::Loc => 2,
        _ => 3,
    }
}

/// Clusters the document's learned-type entities and collects titles.
pub(crate) fn cluster(doc: &mut Document, dc: &DocContext) {
    let n_tokens = doc.tokens.len();
    let mut entity_of = vec![u32::MAX; n_tokens];
    for (i, e) in doc.entities.iter().enumerate() {
        for t in e.tokens.clone() {
            if let Some(x) = entity_of.get_mut(t as usize) {
                *x = i as u32;
            }
        }
    }
    let mut flat = Vec::new();
    let forms = mention_keys(doc, dc, &mut flat);
    let words: Vec<&[u64]> = forms.iter().map(|(k, _)| &flat[k.clone()]).collect();
    let form_tokens: Vec<Range<usize>> = forms.iter().map(|(_, t)| t.clone()).collect();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut cluster_of: Vec<Option<usize>> = vec![None; doc.entities.len()];
    let new_draft = |drafts: &mut Vec<Draft>| {
        drafts.push(Draft {
            label_votes: [0; 4],
            mentions: Vec::new(),
            forms: Vec::new(),
            titles: Vec::new(),
        });
        drafts.len() - 1
    };
    let hash_of = |w: &[u64]| {
        w.iter()
            .fold(0x51_7cc1_b727_220a, |h, &k| crate::text::combine(h, k))
    };

    // People: full names first; one person per (first word, last word).
    let persons: Vec<usize> = (0..doc.entities.len())
        .filter(|&i| doc.entities[i].label == Label::Person && !words[i].is_empty())
        .collect();
    let mut by_ends: HashMap<(u64, u64), usize> = HashMap::default();
    // Word sequences that start or end a full name -> the people they name.
    let mut by_part: HashMap<(bool, u64), Vec<usize>> = HashMap::default();
    for &i in &persons {
        let w = words[i];
        if w.len() < 2 {
            continue;
        }
        let c = *by_ends
            .entry((w[0], w[w.len() - 1]))
            .or_insert_with(|| new_draft(&mut drafts));
        cluster_of[i] = Some(c);
        drafts[c].label_votes[0] += 1;
        if !drafts[c].forms.iter().any(|&f| words[f] == w) {
            drafts[c].forms.push(i);
            for n in 1..w.len() {
                for (is_last, part) in [(true, &w[w.len() - n..]), (false, &w[..n])] {
                    let people = by_part.entry((is_last, hash_of(part))).or_default();
                    if !people.contains(&c) {
                        people.push(c);
                    }
                }
            }
        }
    }
    // Mention starts of each person so far, in text order.
    let mut starts: Vec<Vec<u32>> = vec![Vec::new(); drafts.len()];
    for &i in &persons {
        if let Some(c) = cluster_of[i] {
            starts[c].push(doc.entities[i].span.start);
        }
    }
    // Then partial names: the surname (or given name) of a full name.
    let mut single: HashMap<u64, usize> = HashMap::default();
    for &i in &persons {
        if cluster_of[i].is_some() {
            continue;
        }
        let w = words[i];
        let h = hash_of(w);
        let candidates = by_part
            .get(&(true, h))
            .or_else(|| by_part.get(&(false, h)))
            .map_or(&[][..], Vec::as_slice);
        let start = doc.entities[i].span.start;
        let c = match candidates {
            [] => None,
            [c] => Some(*c),
            // Most recent mention before this one, else the first after.
            many => many.iter().copied().max_by_key(|&c| {
                let before = starts[c].partition_point(|&s| s < start);
                if before > 0 {
                    (1, starts[c][before - 1], 0)
                } else {
                    (0, 0, u32::MAX - starts[c].first().copied().unwrap_or(0))
                }
            }),
        };
        let c = c.unwrap_or_else(|| {
            *single.entry(h).or_insert_with(|| {
                let c = new_draft(&mut drafts);
                drafts[c].forms.push(i);
                starts.push(Vec::new());
                c
            })
        });
        cluster_of[i] = Some(c);
        drafts[c].label_votes[0] += 1;
        // Keep the list sorted: partial names come in text order, but full
        // names of this person may lie after this one.
        let at = starts[c].partition_point(|&s| s < start);
        starts[c].insert(at, start);
    }

    // Other learned types: same text (ORG and LOC together), acronyms.
    let mut by_text: HashMap<(bool, u64), usize> = HashMap::default();
    let mut org_forms: Vec<(usize, usize)> = Vec::new();
    for i in 0..doc.entities.len() {
        let label = doc.entities[i].label;
        if !matches!(label, Label::Org | Label::Loc | Label::Misc) || words[i].is_empty() {
            continue;
        }
        let w = words[i];
        let key = (label == Label::Misc, hash_of(w));
        let mut c = by_text.get(&key).copied();
        if c.is_none() && label == Label::Org {
            // An acronym and its expansion: only one-word names can be
            // acronyms, so this scan is over the few multi-word ORGs.
            let me = form_tokens[i].clone();
            c = org_forms.iter().find_map(|&(f, c)| {
                let other = form_tokens[f].clone();
                (is_acronym_of(doc, me.clone(), other.clone())
                    || is_acronym_of(doc, other, me.clone()))
                .then_some(c)
            });
        }
        let c = c.unwrap_or_else(|| new_draft(&mut drafts));
        by_text.entry(key).or_insert(c);
        cluster_of[i] = Some(c);
        drafts[c].label_votes[label_slot(label)] += 1;
        if !drafts[c].forms.iter().any(|&f| words[f] == w) {
            drafts[c].forms.push(i);
            if label == Label::Org
                && (w.len() == 1 || form_tokens[i].len() >= 2)
                && org_forms.len() < 512
            {
                org_forms.push((i, c));
            }
        }
    }

    // Titles.
    for &i in &persons {
        let e = &doc.entities[i];
        let Some(sent) = doc.sentences.get(e.sentence_idx as usize) else {
            continue;
        };
        let r = sent.token_range();
        let (a, b) = (e.tokens.start as usize, e.tokens.end as usize);
        let c = cluster_of[i].expect("every person is clustered");
        for title in [
            title_before(doc, dc, &entity_of, a, r.start),
            title_after(doc, dc, &entity_of, b, r.end),
        ]
        .into_iter()
        .flatten()
        {
            if !drafts[c].titles.contains(&title) {
                drafts[c].titles.push(title);
            }
        }
    }

    // Order clusters by first mention and write them out.
    for (i, c) in cluster_of.iter().enumerate() {
        if let Some(c) = c {
            drafts[*c].mentions.push(i as u32);
        }
    }
    let mut order: Vec<usize> = (0..drafts.len())
        .filter(|&c| !drafts[c].mentions.is_empty())
        .collect();
    order.sort_by_key(|&c| drafts[c].mentions[0]);
    let mut new_id = vec![u32::MAX; drafts.len()];
    for (k, &c) in order.iter().enumerate() {
        new_id[c] = k as u32;
    }
    for (i, c) in cluster_of.iter().enumerate() {
        doc.entities[i].cluster = c.map(|c| new_id[c]);
    }
    doc.clusters = order
        .iter()
        .map(|&c| {
            let d = &drafts[c];
            let label = [Label::Person, Label::Org, Label::Loc, Label::Misc][(0..4)
                .max_by_key(|&k| (d.label_votes[k], std::cmp::Reverse(k)))
                .expect("four labels")];
            // The fullest form: most tokens, then longest, then first.
            let best = d
                .mentions
                .iter()
                .copied()
                .max_by_key(|&m| {
                    let e = &doc.entities[m as usize];
                    (e.tokens.len(), e.span.len(), std::cmp::Reverse(m))
                })
                .expect("a cluster has mentions");
            let name = canonical_text(doc, &doc.entities[best as usize]);
            Cluster {
                name,
                label,
                mentions: d.mentions.clone(),
                titles: d.titles.clone(),
            }
        })
        .collect();
}

/// The mention's text without a trailing possessive.
fn canonical_text(doc: &Document, e: &document::Entity) -> String {
    let text = e.span.text(&doc.text).trim();
    let mut s = text;
    for suffix in ["'s", "\u{2019}s"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            if !stem.trim().is_empty() {
                s = stem;
            }
        }
    }
    s.trim().to_string()
}

/// Whether the one-token mention `short` spells the initials of the words
/// of `long` (`NATO` / `North Atlantic Treaty Organization`).
fn is_acronym_of(doc: &Document, short: Range<usize>, long: Range<usize>) -> bool {
    if short.len() != 1 || long.len() < 2 {
        return false;
    }
    let word = token_text(doc, short.start);
    let word = word.strip_suffix("'s").unwrap_or(word);
    let mut letters = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(crate::text::lower_char);
    let mut n = 0;
    for t in long {
        let w = token_text(doc, t);
        if ["of", "the", "and", "for", "&"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(w))
        {
            continue;
        }
        let Some(initial) = w.chars().next() else {
            continue;
        };
        if letters.next() != Some(crate::text::lower_char(initial)) {
            return false;
        }
        n += 1;
    }
    n >= 2 && letters.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use document::{Sentence, Span, Stage, Token, TokenKind};

    fn doc_of(text: &str) -> Document {
        let mut doc = Document::new("t", "t", text);
        let mut at = 0;
        for w in text.split(' ') {
            doc.tokens.push(Token {
                span: Span::new(at, at + w.len()),
                kind: TokenKind::Word,
            });
            at += w.len() + 1;
        }
        doc.sentences.push(Sentence {
            span: Span::new(0, text.len()),
            tokens: 0..doc.tokens.len() as u32,
            paragraph_idx: 0,
        });
        doc
    }

    #[test]
    fn acronyms_spell_initials() {
        let doc = doc_of("NATO North Atlantic Treaty Organization NATO's United Nations");
        assert!(is_acronym_of(&doc, 0..1, 1..5));
        assert!(is_acronym_of(&doc, 5..6, 1..5));
        assert!(!is_acronym_of(&doc, 0..1, 6..8));
    }

    #[test]
    fn organisations_join_their_acronym() {
        let mut doc = doc_of("The North Atlantic Treaty Organization met . NATO said so .");
        crate::Tagger::new().process(&mut doc).unwrap();
        let nato: Vec<_> = doc
            .clusters
            .iter()
            .filter(|c| c.name == "North Atlantic Treaty Organization")
            .collect();
        assert_eq!(nato.len(), 1, "{:?}", doc.clusters);
        assert_eq!(nato[0].mentions.len(), 2, "{:?}", doc.entities);
    }

    #[test]
    fn abbreviated_honorifics_are_titles_not_names() {
        let text = "President Barack Obama spoke in Chicago . Later Mr. Obama left with Gen. Mark Milley .";
        let mut doc = doc_of(text);
        // Two sentences.
        doc.sentences[0].tokens.end = 7;
        doc.sentences[0].span.end = doc.tokens[6].span.end;
        let (a, b) = (
            doc.tokens[7].span.start,
            doc.tokens.last().unwrap().span.end,
        );
        doc.sentences.push(document::Sentence {
            span: Span { start: a, end: b },
            tokens: 7..doc.tokens.len() as u32,
            paragraph_idx: 0,
        });
        crate::Tagger::new().process(&mut doc).unwrap();
        let obama = doc
            .clusters
            .iter()
            .find(|c| c.name == "Barack Obama")
            .expect("Barack Obama");
        assert_eq!(obama.titles, ["President", "Mr."], "{:?}", doc.entities);
        assert_eq!(obama.mentions.len(), 2);
        let milley = doc
            .clusters
            .iter()
            .find(|c| c.name == "Mark Milley")
            .expect("Milley");
        assert_eq!(milley.titles, ["Gen."]);
    }
}
