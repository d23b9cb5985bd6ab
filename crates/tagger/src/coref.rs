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
use std::sync::OnceLock;

/// Words that start sentences or clauses but never titles.
#[rustfmt::skip]
static NOT_TITLE: WordSet<31> = WordSet::new([
    "the", "a", "an", "and", "but", "or", "since", "however", "then", "when", "after", "before",
    "as", "meanwhile", "also", "in", "on", "at", "while", "said", "says", "by", "with", "for",
    "to", "of", "from", "that", "who", "told", "if",
]);

/// Words an acronym leaves out (the `of` of `Bank of England`).
static ACRONYM_SKIPS: WordSet<5> = WordSet::new(["of", "the", "and", "for", "&"]);

/// A set of short words, matched ASCII-case-insensitively: a word is
/// compared only with the members of its length and first letter.
#[derive(Debug)]
struct WordSet<const N: usize> {
    words: [&'static str; N],
    /// Per length in bytes and first byte class ([`WordSet::class`]), a
    /// bit per member.
    index: [[u64; 27]; 16],
}

impl<const N: usize> WordSet<N> {
    const fn new(words: [&'static str; N]) -> Self {
        assert!(N <= 64);
        let mut index = [[0u64; 27]; 16];
        let mut k = 0;
        while k < N {
            let w = words[k].as_bytes();
            assert!(!w.is_empty() && w.len() < 16 && !w[0].is_ascii_uppercase());
            index[w.len()][Self::class(w[0])] |= 1 << k;
            k += 1;
        }
        WordSet { words, index }
    }

    /// A lower-case letter's place in the alphabet, 26 for other bytes.
    const fn class(b: u8) -> usize {
        if b.is_ascii_lowercase() {
            (b - b'a') as usize
        } else {
            26
        }
    }

    fn contains(&self, w: &str) -> bool {
        let b = w.as_bytes();
        let Some(&first) = b.first() else {
            return false;
        };
        if b.len() >= 16 {
            return false;
        }
        let mut members = self.index[b.len()][Self::class(first.to_ascii_lowercase())];
        while members != 0 {
            if self.words[members.trailing_zeros() as usize].eq_ignore_ascii_case(w) {
                return true;
            }
            members &= members - 1;
        }
        false
    }
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
    words: &[&str],
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
        let w = words[t];
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
            || (w == "the" && t > 1 && words[t - 1] == "of" && title_at(t - 2));
        let lowercase_word = NOT_TITLE.contains(w);
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
    words: &[&str],
    dc: &DocContext,
    entity_of: &[u32],
    end: usize,
    sent_end: usize,
) -> Option<String> {
    if end >= sent_end || words[end] != "," {
        return None;
    }
    let mut t = end + 1;
    if t < sent_end
        && ["a", "an", "the"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(words[t]))
    {
        t += 1;
    }
    let first = t;
    let mut has_title = false;
    while t < sent_end && t - first < 10 {
        let w = words[t];
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
        if t == first && NOT_TITLE.contains(w) {
            return None;
        }
        t += 1;
    }
    if !has_title || t == first {
        return None;
    }
    // Only a closed appositive: it ends at a comma, a period or the sentence end.
    if t < sent_end && !matches!(words[t], "," | "." | ";") {
        return None;
    }
    let a = doc.tokens[first].span.start as usize;
    let b = doc.tokens[t - 1].span.end as usize;
    Some(doc.text[a..b].to_string())
}

/// The lower-cased keys of the words a mention's normal form drops.
struct DropKeys {
    the: u64,
    possessive: [u64; 2],
}

impl DropKeys {
    fn get() -> &'static DropKeys {
        static KEYS: OnceLock<DropKeys> = OnceLock::new();
        KEYS.get_or_init(|| DropKeys {
            the: hash_lower("the"),
            possessive: [hash_lower("'s"), hash_lower("'")],
        })
    }
}

/// Normalised form of each mention, as lower-cased word keys in one flat
/// buffer (a leading `the` and a trailing possessive dropped), and the
/// token range the form covers, into `forms`.
fn mention_keys(
    doc: &Document,
    words: &[&str],
    dc: &DocContext,
    keys: &mut Vec<u64>,
    forms: &mut Vec<(Range<usize>, Range<usize>)>,
) {
    let drop = DropKeys::get();
    let key = |t: usize| dc.info.get(t).map_or(0, |i| i.key);
    keys.clear();
    forms.clear();
    for e in &doc.entities {
        let (mut a, mut b) = (e.tokens.start as usize, e.tokens.end as usize);
        if b - a > 1 && key(a) == drop.the {
            a += 1;
        }
        if b - a > 1 && drop.possessive.contains(&key(b - 1)) {
            b -= 1;
        }
        let start = keys.len();
        if a < b {
            keys.extend((a..b - 1).map(key));
            // The last word without a glued possessive (`Russia's`).
            let w = words[b - 1];
            let stem = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s"));
            match stem {
                Some(stem) if !stem.is_empty() => keys.push(hash_lower(stem)),
                _ => keys.push(key(b - 1)),
            }
        }
        forms.push((start..keys.len(), a..b));
    }
}

/// A cluster being built.
#[derive(Debug, Default)]
struct Draft {
    label_votes: [u32; 4],
    /// Its first mention (entity index), once known.
    first_mention: Option<u32>,
    /// How many mentions it has.
    n_mentions: u32,
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

/// No entry: the end of a list of [`Clustering`], an entity without a
/// cluster.
const NONE: u32 = u32::MAX;

/// Per-thread buffers of [`cluster`], reused across documents.
#[derive(Debug, Default)]
pub(crate) struct Clustering {
    /// Per token: the entity it is part of, or [`NONE`].
    entity_of: Vec<u32>,
    /// The keys of every mention's form ([`mention_keys`]).
    keys: Vec<u64>,
    /// Per entity: its form's range in `keys` and the tokens it covers.
    forms: Vec<(Range<usize>, Range<usize>)>,
    /// Per entity: its cluster, or [`NONE`].
    cluster_of: Vec<u32>,
    drafts: Vec<Draft>,
    /// Per cluster: a mention of each distinct form, as a list through
    /// `next_form` (per entity), [`NONE`]-terminated.
    first_form: Vec<u32>,
    next_form: Vec<u32>,
    /// The PERSON entities with a form.
    persons: Vec<usize>,
    /// A full name's (first word, last word) -> its person.
    by_ends: HashMap<(u64, u64), u32>,
    /// Word sequences that end (`true`) or start a full name -> the first
    /// and last entry in `part_people` of the people they name.
    by_part: HashMap<(bool, u64), (u32, u32)>,
    /// Lists of people: a person and the next entry, or [`NONE`].
    part_people: Vec<(u32, u32)>,
    /// The people a partial name may be.
    candidates: Vec<u32>,
    /// A partial name that names no full name -> its person.
    single: HashMap<u64, u32>,
    /// (MISC or not, form) -> its cluster.
    by_text: HashMap<(bool, u64), u32>,
    /// ORG mentions (entity, cluster) an acronym may join.
    org_forms: Vec<(usize, u32)>,
    /// The clusters with mentions, by first mention, and their new ids.
    order: Vec<u32>,
    new_id: Vec<u32>,
}

impl Clustering {
    /// The cluster of each entity of the document last given to
    /// [`cluster`], by the ids of the clusters it returned.
    pub(crate) fn cluster_ids(&self) -> impl Iterator<Item = Option<u32>> + '_ {
        self.cluster_of
            .iter()
            .map(|&c| (c != NONE).then(|| self.new_id[c as usize]))
    }

    fn new_draft(&mut self) -> u32 {
        self.drafts.push(Draft::default());
        self.first_form.push(NONE);
        (self.drafts.len() - 1) as u32
    }

    /// Whether cluster `c` has a mention of form `w` already.
    fn has_form(&self, c: u32, w: &[u64]) -> bool {
        let mut f = self.first_form[c as usize];
        while f != NONE {
            if self.form_words(f as usize) == w {
                return true;
            }
            f = self.next_form[f as usize];
        }
        false
    }

    fn add_form(&mut self, c: u32, i: usize) {
        self.next_form[i] = self.first_form[c as usize];
        self.first_form[c as usize] = i as u32;
    }

    fn form_words(&self, i: usize) -> &[u64] {
        &self.keys[self.forms[i].0.clone()]
    }

    /// Adds person `c` to the people named by `part`, once.
    fn add_part_person(&mut self, part: (bool, u64), c: u32) {
        let at = self.part_people.len() as u32;
        match self.by_part.get_mut(&part) {
            None => {
                self.by_part.insert(part, (at, at));
            }
            Some((head, tail)) => {
                let mut p = *head;
                while p != NONE {
                    if self.part_people[p as usize].0 == c {
                        return;
                    }
                    p = self.part_people[p as usize].1;
                }
                self.part_people[*tail as usize].1 = at;
                *tail = at;
            }
        }
        self.part_people.push((c, NONE));
    }

    /// The people named by `part`, in the order they were added, into
    /// `candidates`; whether there are any.
    fn part_people_of(&mut self, part: (bool, u64)) -> bool {
        self.candidates.clear();
        let Some(&(head, _)) = self.by_part.get(&part) else {
            return false;
        };
        let mut p = head;
        while p != NONE {
            self.candidates.push(self.part_people[p as usize].0);
            p = self.part_people[p as usize].1;
        }
        true
    }
}

/// Clusters the document's learned-type entities and collects titles:
/// returns the clusters; [`Clustering::cluster_ids`] gives each entity's.
/// `words` are the texts of the document's tokens.
pub(crate) fn cluster(
    doc: &Document,
    words: &[&str],
    dc: &DocContext,
    s: &mut Clustering,
) -> Vec<Cluster> {
    let n_tokens = doc.tokens.len();
    let n = doc.entities.len();
    s.entity_of.clear();
    s.entity_of.resize(n_tokens, NONE);
    for (i, e) in doc.entities.iter().enumerate() {
        for t in e.tokens.clone() {
            if let Some(x) = s.entity_of.get_mut(t as usize) {
                *x = i as u32;
            }
        }
    }
    mention_keys(doc, words, dc, &mut s.keys, &mut s.forms);
    s.drafts.clear();
    s.first_form.clear();
    s.next_form.clear();
    s.next_form.resize(n, NONE);
    s.cluster_of.clear();
    s.cluster_of.resize(n, NONE);
    s.by_ends.clear();
    s.by_part.clear();
    s.part_people.clear();
    s.single.clear();
    s.by_text.clear();
    s.org_forms.clear();
    let hash_of = |w: &[u64]| {
        w.iter()
            .fold(0x51_7cc1_b727_220a, |h, &k| crate::text::combine(h, k))
    };

    // People: full names first; one person per (first word, last word).
    s.persons.clear();
    s.persons.extend(
        (0..n).filter(|&i| doc.entities[i].label == Label::Person && !s.forms[i].0.is_empty()),
    );
    for k in 0..s.persons.len() {
        let i = s.persons[k];
        let range = s.forms[i].0.clone();
        if range.len() < 2 {
            continue;
        }
        let ends = (s.keys[range.start], s.keys[range.end - 1]);
        let c = match s.by_ends.get(&ends) {
            Some(&c) => c,
            None => {
                let c = s.new_draft();
                s.by_ends.insert(ends, c);
                c
            }
        };
        s.cluster_of[i] = c;
        s.drafts[c as usize].label_votes[0] += 1;
        if !s.has_form(c, &s.keys[range.clone()]) {
            s.add_form(c, i);
            let len = range.len();
            for m in 1..len {
                let last = hash_of(&s.keys[range.end - m..range.end]);
                s.add_part_person((true, last), c);
                let first = hash_of(&s.keys[range.start..range.start + m]);
                s.add_part_person((false, first), c);
            }
        }
    }
    // Then partial names: the surname (or given name) of a full name.
    for k in 0..s.persons.len() {
        let i = s.persons[k];
        if s.cluster_of[i] != NONE {
            continue;
        }
        let h = hash_of(s.form_words(i));
        if !s.part_people_of((true, h)) {
            s.part_people_of((false, h));
        }
        let start = doc.entities[i].span.start;
        let c = match s.candidates[..] {
            [] => None,
            [c] => Some(c),
            // Most recent mention before this one, else the first after.
            ref many => many.iter().copied().max_by_key(|&c| {
                // The person's mentions so far: its full names and the
                // partial names before this one.
                let mentions = s.persons.iter().filter(|&&j| s.cluster_of[j] == c);
                let starts = mentions.map(|&j| doc.entities[j].span.start);
                let (before, first) = starts.fold((None, u32::MAX), |(before, first), x| {
                    let before = if x < start {
                        before.max(Some(x))
                    } else {
                        before
                    };
                    (before, first.min(x))
                });
                match before {
                    Some(b) => (1, b, 0),
                    None => (0, 0, u32::MAX - first),
                }
            }),
        };
        let c = match c {
            Some(c) => c,
            None => match s.single.get(&h) {
                Some(&c) => c,
                None => {
                    let c = s.new_draft();
                    s.add_form(c, i);
                    s.single.insert(h, c);
                    c
                }
            },
        };
        s.cluster_of[i] = c;
        s.drafts[c as usize].label_votes[0] += 1;
    }

    // Other learned types: same text (ORG and LOC together), acronyms.
    for i in 0..n {
        let label = doc.entities[i].label;
        if !matches!(label, Label::Org | Label::Loc | Label::Misc) || s.forms[i].0.is_empty() {
            continue;
        }
        let key = (label == Label::Misc, hash_of(s.form_words(i)));
        let c = match s.by_text.get(&key) {
            Some(&c) => c,
            None => {
                // An acronym and its expansion: only one-word names can be
                // acronyms, so this scan is over the few multi-word ORGs.
                let me = s.forms[i].1.clone();
                let acronym = (label == Label::Org).then(|| {
                    s.org_forms.iter().find_map(|&(f, c)| {
                        let other = s.forms[f].1.clone();
                        (is_acronym_of(words, me.clone(), other.clone())
                            || is_acronym_of(words, other, me.clone()))
                        .then_some(c)
                    })
                });
                let c = acronym.flatten().unwrap_or_else(|| s.new_draft());
                s.by_text.insert(key, c);
                c
            }
        };
        s.cluster_of[i] = c;
        s.drafts[c as usize].label_votes[label_slot(label)] += 1;
        if !s.has_form(c, s.form_words(i)) {
            s.add_form(c, i);
            let n_words = s.forms[i].0.len();
            if label == Label::Org
                && (n_words == 1 || s.forms[i].1.len() >= 2)
                && s.org_forms.len() < 512
            {
                s.org_forms.push((i, c));
            }
        }
    }

    // Titles.
    for &i in &s.persons {
        let e = &doc.entities[i];
        let Some(sent) = doc.sentences.get(e.sentence_idx as usize) else {
            continue;
        };
        let r = sent.token_range();
        let (a, b) = (e.tokens.start as usize, e.tokens.end as usize);
        let c = s.cluster_of[i];
        debug_assert_ne!(c, NONE, "every person is clustered");
        for title in [
            title_before(doc, words, dc, &s.entity_of, a, r.start),
            title_after(doc, words, dc, &s.entity_of, b, r.end),
        ]
        .into_iter()
        .flatten()
        {
            let titles = &mut s.drafts[c as usize].titles;
            if !titles.contains(&title) {
                titles.push(title);
            }
        }
    }

    // Order clusters by first mention and write them out.
    for (i, &c) in s.cluster_of.iter().enumerate() {
        if c != NONE {
            let d = &mut s.drafts[c as usize];
            d.first_mention.get_or_insert(i as u32);
            d.n_mentions += 1;
        }
    }
    s.order.clear();
    // Entity order is first-mention order.
    for (i, &c) in s.cluster_of.iter().enumerate() {
        if c != NONE && s.drafts[c as usize].first_mention == Some(i as u32) {
            s.order.push(c);
        }
    }
    s.new_id.clear();
    s.new_id.resize(s.drafts.len(), NONE);
    let mut mentions: Vec<Vec<u32>> = Vec::with_capacity(s.order.len());
    for (k, &c) in s.order.iter().enumerate() {
        s.new_id[c as usize] = k as u32;
        mentions.push(Vec::with_capacity(s.drafts[c as usize].n_mentions as usize));
    }
    for (i, &c) in s.cluster_of.iter().enumerate() {
        if c != NONE {
            mentions[s.new_id[c as usize] as usize].push(i as u32);
        }
    }
    s.order
        .iter()
        .zip(mentions)
        .map(|(&c, mentions)| {
            let d = &mut s.drafts[c as usize];
            let label = [Label::Person, Label::Org, Label::Loc, Label::Misc][(0..4)
                .max_by_key(|&k| (d.label_votes[k], std::cmp::Reverse(k)))
                .expect("four labels")];
            // The fullest form: most tokens, then longest, then first.
            let best = mentions
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
                mentions,
                titles: std::mem::take(&mut d.titles),
            }
        })
        .collect()
}

/// `text` trimmed of whitespace; a text that begins and ends with an ASCII
/// char other than whitespace (most) is left as it is without a scan.
fn trim(text: &str) -> &str {
    let b = text.as_bytes();
    let plain = |c: &u8| c.is_ascii() && !c.is_ascii_whitespace() && *c != 0x0b;
    if b.first().is_some_and(plain) && b.last().is_some_and(plain) {
        text
    } else {
        text.trim()
    }
}

/// The mention's text without a trailing possessive.
fn canonical_text(doc: &Document, e: &document::Entity) -> String {
    let text = trim(e.span.text(&doc.text));
    let mut s = text;
    for suffix in ["'s", "\u{2019}s"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            if !trim(stem).is_empty() {
                s = stem;
            }
        }
    }
    trim(s).to_string()
}

/// Whether the one-token mention `short` spells the initials of the words
/// of `long` (`NATO` / `North Atlantic Treaty Organization`).
fn is_acronym_of(words: &[&str], short: Range<usize>, long: Range<usize>) -> bool {
    if short.len() != 1 || long.len() < 2 {
        return false;
    }
    let word = words[short.start];
    let word = word.strip_suffix("'s").unwrap_or(word);
    let mut letters = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(crate::text::lower_char);
    let mut n = 0;
    for t in long {
        let w = words[t];
        if ACRONYM_SKIPS.contains(w) {
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
        let words: Vec<&str> = doc.tokens.iter().map(|t| t.span.text(&doc.text)).collect();
        assert!(is_acronym_of(&words, 0..1, 1..5));
        assert!(is_acronym_of(&words, 5..6, 1..5));
        assert!(!is_acronym_of(&words, 0..1, 6..8));
        let words = [
            "BE", "Bank", "of", "England", "B.E.", "Bank", "&", "Trust", "Co", "BTC",
        ];
        assert!(is_acronym_of(&words, 0..1, 1..4));
        assert!(is_acronym_of(&words, 4..5, 1..4));
        assert!(!is_acronym_of(&words, 4..5, 5..9));
        assert!(is_acronym_of(&words, 9..10, 5..9));
    }

    #[test]
    fn word_sets_match_their_members_in_any_case() {
        for w in [
            "the",
            "The",
            "THE",
            "meanwhile",
            "Meanwhile",
            "a",
            "A",
            "if",
        ] {
            assert!(NOT_TITLE.contains(w), "{w}");
        }
        for w in ["", "them", "th", "x", "President", "\u{e9}t\u{e9}", "thé"] {
            assert!(!NOT_TITLE.contains(w), "{w}");
        }
        assert!(ACRONYM_SKIPS.contains("&") && ACRONYM_SKIPS.contains("Of"));
        assert!(!ACRONYM_SKIPS.contains("&&"));
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
