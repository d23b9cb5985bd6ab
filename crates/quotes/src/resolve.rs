//! Resolving speakers to the entity clusters of the tagger.
//!
//! - A named speaker (`Stoltenberg`, `Russia`) is the cluster of the entity
//!   at the head of its NP.
//! - A pronoun (`he`) is the most salient compatible entity: the speaker of
//!   the neighbouring attribution, else the subject of the previous sentence,
//!   else the last compatible mention.
//! - A definite nominal (`the NATO chief`) is the person whose titles share
//!   the most words with it (a leadership noun matches any leadership
//!   title), ties going to the most salient one.

use std::cell::OnceCell;

use document::{Document, Label};

use crate::attrib::{Attr, Range};
use crate::lexicon::class;
use crate::scan::{Kind, Scan, Tok};

/// What a speaker resolved to.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Resolved {
    pub cluster: Option<u32>,
}

/// Resolves every attribution's speaker, in text order.
/// `tok_entity` is memory for the entity of every token.
pub(crate) fn resolve(
    doc: &Document,
    scan: &Scan,
    attrs: &[Attr],
    quoted: &[bool],
    tok_entity: &mut Vec<Option<u32>>,
) -> Vec<Resolved> {
    let mut out = vec![Resolved::default(); attrs.len()];
    if attrs.is_empty() || doc.clusters.is_empty() || doc.entities.is_empty() {
        return out;
    }
    tok_entities(doc, scan, tok_entity);
    let ctx = Ctx::new(doc, scan, quoted, tok_entity);
    // Process in text order of the speaker's evidence (the cue), so that a
    // pronoun sees the attributions before it.
    let mut order: Vec<usize> = (0..attrs.len()).collect();
    order.sort_by_key(|&i| attrs[i].cue.or(attrs[i].speaker).map_or(u32::MAX, |r| r.0));
    let mut done: Vec<usize> = Vec::new();
    for &i in &order {
        let a = &attrs[i];
        let cluster = if let Some(from) = a.inherited_from.filter(|&f| f < attrs.len()) {
            out[from]
                .cluster
                .or_else(|| ctx.resolve_speaker(a, attrs, &out, &done))
        } else {
            ctx.resolve_speaker(a, attrs, &out, &done)
        };
        out[i].cluster = cluster;
        done.push(i);
    }
    out
}

struct Ctx<'a> {
    doc: &'a Document,
    scan: &'a Scan,
    /// For every scan token: whether it is quoted; mentions in quotes are
    /// the quoted speaker's words, not antecedents.
    quoted: &'a [bool],
    /// For every scan token: the entity covering it, if any.
    tok_entity: &'a [Option<u32>],
    /// Per cluster: lowercased title words, and whether a title is a
    /// leadership one. Built on first use: only definite nominal speakers
    /// (`the NATO chief`) need it, and building it scans the document.
    title_words: OnceCell<Vec<(Vec<String>, bool)>>,
}

impl<'a> Ctx<'a> {
    fn new(
        doc: &'a Document,
        scan: &'a Scan,
        quoted: &'a [bool],
        tok_entity: &'a [Option<u32>],
    ) -> Self {
        Ctx {
            doc,
            scan,
            quoted,
            tok_entity,
            title_words: OnceCell::new(),
        }
    }

    fn text(&self, t: &Tok) -> &'a str {
        &self.doc.text[t.start as usize..t.end as usize]
    }

    /// Title words per cluster: the tagger's titles, plus the role words and
    /// capitalized words right before each person mention in the text
    /// (`Alliance Secretary General` before `Jens Stoltenberg`).
    fn collect_titles(&self) -> Vec<(Vec<String>, bool)> {
        let mut out: Vec<(Vec<String>, bool)> = vec![(Vec::new(), false); self.doc.clusters.len()];
        for (ci, c) in self.doc.clusters.iter().enumerate() {
            for title in &c.titles {
                for w in title.split(|ch: char| !ch.is_alphanumeric()) {
                    if !w.is_empty() {
                        out[ci].0.push(w.to_lowercase());
                    }
                }
            }
        }
        let mut t = 0usize;
        while t < self.scan.toks.len() {
            let Some(e) = self.tok_entity[t] else {
                t += 1;
                continue;
            };
            let ent = &self.doc.entities[e as usize];
            let first_of_entity = t == 0 || self.tok_entity[t - 1] != Some(e);
            if first_of_entity && ent.label == Label::Person {
                if let Some(ci) = ent.cluster.filter(|&c| (c as usize) < out.len()) {
                    let mut k = t;
                    let mut words = Vec::new();
                    let mut has_role = false;
                    while k > 0 && t - k < 5 {
                        let p = &self.scan.toks[k - 1];
                        if p.sent != self.scan.toks[t].sent
                            || self.tok_entity[k - 1].is_some_and(|x| {
                                self.doc.entities[x as usize].label == Label::Person
                            })
                        {
                            break;
                        }
                        if p.kind == Kind::Word && (p.is_name() || p.is(class::ROLE)) {
                            has_role |= p.is(class::ROLE);
                            words.push(self.text(p).to_lowercase());
                            k -= 1;
                        } else {
                            break;
                        }
                    }
                    if has_role {
                        out[ci as usize].0.extend(words);
                    }
                }
            }
            t += 1;
        }
        for (words, leader) in &mut out {
            words.sort();
            words.dedup();
            *leader = !words.is_empty();
        }
        out
    }

    fn cluster_of_tok(&self, t: u32) -> Option<(u32, Label)> {
        let e = self.tok_entity[t as usize]?;
        let ent = &self.doc.entities[e as usize];
        let c = ent
            .cluster
            .filter(|&c| (c as usize) < self.doc.clusters.len())?;
        Some((c, self.doc.clusters[c as usize].label))
    }

    fn resolve_speaker(
        &self,
        a: &Attr,
        attrs: &[Attr],
        out: &[Resolved],
        done: &[usize],
    ) -> Option<u32> {
        let sp = a.speaker?;
        let head = np_head(self.scan, &self.doc.text, sp);
        let h = &self.scan.toks[head as usize];
        if let Some((c, _)) = self.cluster_of_tok(head) {
            return Some(c);
        }
        // `the stadium manager, Lisa Grant`: the name in apposition.
        if let Some(comma) = (sp.0..sp.1).find(|&t| self.scan.toks[t as usize].is_punct(',')) {
            if let Some(c) = (comma + 1..sp.1).find_map(|t| {
                self.cluster_of_tok(t)
                    .filter(|(_, l)| *l == Label::Person)
                    .map(|(c, _)| c)
            }) {
                return Some(c);
            }
        }
        let at = sp.0;
        if h.is(class::PRON_SUBJ) {
            let word = self.text(h).to_lowercase();
            let want: &[Label] = match word.as_str() {
                "he" | "she" | "he's" | "she's" | "i" | "who" => &[Label::Person],
                "it" | "it's" | "which" => &[Label::Org, Label::Loc],
                "they" | "we" => &[Label::Org, Label::Loc, Label::Misc],
                _ => return None,
            };
            if word == "who" {
                return self.relative_antecedent(sp.0, want);
            }
            return self.salient(at, want, attrs, out, done);
        }
        // Definite nominals: `the NATO chief`, `the head of the military bloc`.
        let first = &self.scan.toks[sp.0 as usize];
        let definite = first.kind == Kind::Word
            && ["the", "this", "that"]
                .iter()
                .any(|d| self.text(first).eq_ignore_ascii_case(d));
        if definite && h.is(class::ROLE) {
            return self.by_title(sp, h, at, attrs, out, done);
        }
        None
    }

    /// `Smith, who said`: the NP before the comma.
    fn relative_antecedent(&self, who: u32, want: &[Label]) -> Option<u32> {
        let mut k = who;
        while k > 0 && who - k < 3 {
            k -= 1;
            if let Some((c, label)) = self.cluster_of_tok(k) {
                return want.contains(&label).then_some(c);
            }
        }
        None
    }

    /// The most salient cluster with one of `want` labels before token `at`.
    fn salient(
        &self,
        at: u32,
        want: &[Label],
        attrs: &[Attr],
        out: &[Resolved],
        done: &[usize],
    ) -> Option<u32> {
        let sent = self.scan.toks[at as usize].sent;
        // The speaker of the neighbouring (previous) attribution, when it is
        // close: same sentence or within the two sentences before.
        let prev_speaker = done.iter().rev().find_map(|&i| {
            let c = out[i].cluster?;
            let label = self.doc.clusters[c as usize].label;
            let a = &attrs[i];
            let a_at = a.cue.or(a.speaker)?.0;
            (a_at < at && want.contains(&label)).then_some((c, self.scan.toks[a_at as usize].sent))
        });
        if let Some((c, s)) = prev_speaker {
            if sent.saturating_sub(s) <= 2 {
                return Some(c);
            }
        }
        // The subject of the previous sentence (or of this one, before the
        // pronoun): its first compatible mention.
        for s in [sent.checked_sub(1), Some(sent)].into_iter().flatten() {
            let range = self.scan.sents[s as usize];
            let end = if s == sent { at } else { range.end };
            if let Some(c) = (range.start..end).find_map(|t| self.unquoted_mention(t, want)) {
                if s + 1 == sent || s == sent {
                    return Some(c);
                }
            }
        }
        if let Some((c, _)) = prev_speaker {
            return Some(c);
        }
        (0..at).rev().find_map(|t| self.unquoted_mention(t, want))
    }

    /// The cluster of a mention outside quotes with one of `want` labels.
    fn unquoted_mention(&self, t: u32, want: &[Label]) -> Option<u32> {
        if self.quoted.get(t as usize).copied().unwrap_or(false) {
            return None;
        }
        self.cluster_of_tok(t)
            .filter(|(_, l)| want.contains(l))
            .map(|(c, _)| c)
    }

    fn by_title(
        &self,
        sp: Range,
        head: &Tok,
        at: u32,
        attrs: &[Attr],
        out: &[Resolved],
        done: &[usize],
    ) -> Option<u32> {
        let words: Vec<String> = (sp.0..sp.1)
            .map(|t| &self.scan.toks[t as usize])
            .filter(|t| t.kind == Kind::Word && !t.is(class::DET | class::PREP))
            .map(|t| self.text(t).to_lowercase())
            .collect();
        let head_is_leader = head.is(class::LEADER);
        // Mentioned before the speaker.
        let mut mentioned = vec![false; self.doc.clusters.len()];
        let at_byte = self.scan.toks[at as usize].start;
        for e in &self.doc.entities {
            if e.span.start >= at_byte {
                break;
            }
            if let Some(c) = e.cluster.filter(|&c| (c as usize) < mentioned.len()) {
                mentioned[c as usize] = true;
            }
        }
        let mut best: Option<(u32, u32)> = None;
        let mut tied: Vec<u32> = Vec::new();
        let title_words = self.title_words.get_or_init(|| self.collect_titles());
        for (ci, (titles, has_title)) in title_words.iter().enumerate() {
            if !mentioned[ci] || !*has_title || self.doc.clusters[ci].label != Label::Person {
                continue;
            }
            let mut score = 0u32;
            for w in &words {
                if titles.iter().any(|t| t == w) {
                    score += 2;
                }
            }
            if head_is_leader && titles.iter().any(|t| is_leader_word(t)) {
                score += 1;
            }
            if score == 0 {
                continue;
            }
            match best {
                Some((_, s)) if s > score => {}
                Some((_, s)) if s == score => tied.push(ci as u32),
                _ => {
                    best = Some((ci as u32, score));
                    tied.clear();
                    tied.push(ci as u32);
                }
            }
        }
        best?;
        if tied.len() == 1 {
            return Some(tied[0]);
        }
        // Ties: the most recent speaker among them, else the last mentioned.
        for &i in done.iter().rev() {
            if let Some(c) = out[i].cluster {
                if tied.contains(&c) && attrs[i].cue.or(attrs[i].speaker).is_some_and(|r| r.0 < at)
                {
                    return Some(c);
                }
            }
        }
        (0..at).rev().find_map(|t| {
            self.cluster_of_tok(t)
                .map(|(c, _)| c)
                .filter(|c| tied.contains(c))
        })
    }
}

/// Writes to `tok_entity`, for every scan token, the entity covering it,
/// if any (the first one, if several do).
fn tok_entities(doc: &Document, scan: &Scan, tok_entity: &mut Vec<Option<u32>>) {
    tok_entity.clear();
    tok_entity.resize(scan.toks.len(), None);
    if !(scan.ordered && tok_entities_by_entity(doc, scan, tok_entity)) {
        tok_entity.fill(None);
        tok_entities_by_token(doc, scan, tok_entity);
    }
}

/// [`tok_entities`] when tokens and entities are both in text order
/// without overlaps: each entity's tokens are found by a search from the
/// previous entity's, instead of testing every token. False (and
/// `tok_entity` partly written) if the entities are not in order.
fn tok_entities_by_entity(doc: &Document, scan: &Scan, tok_entity: &mut [Option<u32>]) -> bool {
    let toks = &scan.toks;
    let mut a = 0usize;
    let mut prev_end = 0;
    for (e, ent) in doc.entities.iter().enumerate() {
        if !(prev_end <= ent.span.start && ent.span.start <= ent.span.end) {
            return false;
        }
        prev_end = ent.span.end;
        a = gallop(toks, a, |t| t.end <= ent.span.start);
        let mut b = a;
        while b < toks.len() && toks[b].start < ent.span.end {
            tok_entity[b].get_or_insert(e as u32);
            b += 1;
        }
    }
    true
}

/// [`tok_entities`] in any case: a walk over the tokens that keeps its
/// place in the entities.
fn tok_entities_by_token(doc: &Document, scan: &Scan, tok_entity: &mut [Option<u32>]) {
    let entities = &doc.entities;
    let mut e = 0usize;
    for (t, tok) in scan.toks.iter().enumerate() {
        while e < entities.len() && entities[e].span.end <= tok.start {
            e += 1;
        }
        if let Some(ent) = entities.get(e) {
            if ent.span.start < tok.end && tok.start < ent.span.end {
                tok_entity[t] = Some(e as u32);
            }
        }
    }
}

/// The first index at or after `from` whose token fails `before`, which
/// holds for a prefix of `toks[from..]`: an exponential then a binary
/// search, since the answer is usually a few tokens on.
fn gallop(toks: &[Tok], from: usize, before: impl Fn(&Tok) -> bool) -> usize {
    let mut lo = from;
    let mut step = 1;
    loop {
        let probe = lo + step - 1;
        if probe >= toks.len() || !before(&toks[probe]) {
            let hi = probe.min(toks.len());
            return lo + toks[lo..hi].partition_point(&before);
        }
        lo = probe + 1;
        step *= 2;
    }
}

fn is_leader_word(w: &str) -> bool {
    matches!(
        w,
        "chief"
            | "head"
            | "leader"
            | "boss"
            | "chairman"
            | "chairwoman"
            | "chair"
            | "president"
            | "secretary"
            | "general"
            | "director"
            | "commander"
            | "minister"
            | "premier"
            | "chancellor"
            | "governor"
            | "mayor"
            | "ceo"
            | "executive"
            | "king"
            | "queen"
    )
}

/// The head token of an NP: its last token, or the token before an inner
/// `of`/`for`/`at`/`from` phrase, or before an appositive comma.
pub(crate) fn np_head(scan: &Scan, text: &str, sp: Range) -> u32 {
    for t in sp.0 + 1..sp.1 {
        let tok = &scan.toks[t as usize];
        let w = &text[tok.start as usize..tok.end as usize];
        if tok.kind == Kind::Word
            && ["of", "for", "at", "from"]
                .iter()
                .any(|p| w.eq_ignore_ascii_case(p))
            || tok.is_punct(',')
        {
            return t - 1;
        }
    }
    sp.1.saturating_sub(1).max(sp.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use document::{Entity, Span};

    #[test]
    fn entities_of_tokens_are_the_same_by_entity_and_by_token() {
        let text = "Dr. Jens Stoltenberg met NATO-Russia envoys in Oslo on Monday, \
                    said the U.S. State Department's spokesman Ned Price.";
        let mut doc = Document::new("t", "test", text);
        let lex = Lexicon::bundled();
        let words: Vec<Span> = text
            .split(' ')
            .scan(0, |at, w| {
                let s = Span::new(*at, *at + w.len());
                *at += w.len() + 1;
                Some(s)
            })
            .collect();
        let span_of = |word: &str| {
            let start = text.find(word).unwrap();
            Span::new(start, start + word.len())
        };
        // Entities starting and ending inside tokens (`NATO`, `Russia` in
        // one token), an empty one, and whole-word ones.
        let mentions = [
            span_of("Jens Stoltenberg"),
            span_of("NATO"),
            span_of("Russia"),
            Span::new(words[6].start as usize, words[6].start as usize),
            span_of("Oslo"),
            span_of("Monday"),
            span_of("U.S. State Department"),
            span_of("Ned Price"),
        ];
        doc.entities = mentions
            .iter()
            .map(|&span| Entity {
                span,
                label: Label::Org,
                tokens: 0..0,
                sentence_idx: 0,
                cluster: None,
            })
            .collect();
        let scan = Scan::new(&doc, &lex, false);
        assert!(scan.ordered);
        let n = scan.toks.len();
        let by_entity = |doc: &Document| {
            let mut out = vec![None; n];
            assert!(tok_entities_by_entity(doc, &scan, &mut out));
            out
        };
        let by_token = |doc: &Document| {
            let mut out = vec![None; n];
            tok_entities_by_token(doc, &scan, &mut out);
            out
        };
        let either = |doc: &Document| {
            // Memory of another document's tables first.
            let mut out = vec![Some(7); 3];
            tok_entities(doc, &scan, &mut out);
            out
        };
        assert_eq!(by_entity(&doc), by_token(&doc));
        assert_eq!(by_entity(&doc).iter().flatten().count(), 10);
        assert_eq!(either(&doc), by_entity(&doc));
        // Out of order: the walk over the tokens decides.
        doc.entities.swap(0, 4);
        assert!(!tok_entities_by_entity(&doc, &scan, &mut vec![None; n]));
        assert_eq!(either(&doc), by_token(&doc));
    }
}
