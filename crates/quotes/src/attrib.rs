//! Finding attributions: reporting cues, their speakers and their content.
//!
//! Three passes over the scan:
//! 1. direct quotes (top-level quoted spans that stand on their own) get the
//!    attribution right after them (`"...," he said`), or right before them
//!    (`Lavrov asserted, "..."`); split quotes become parts;
//! 2. quotes without a cue join or inherit from the adjacent attributed quote
//!    of their paragraph run (continuations, multi-paragraph quotes);
//! 3. every cue not used yet gives an indirect or mixed attribution: its
//!    subject is the speaker, and the clause it governs (after it, or before
//!    it when the cue follows a comma) is the content.

use document::QuoteKind;

use crate::lexicon::{class, CueTag, Lexicon};
use crate::marks::Quoted;
use crate::scan::{Kind, Mark, Scan, Tok};
use crate::stats::{Decision, Decisions, Pattern};

/// How indirect and mixed candidates are kept.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Gate<'a> {
    /// By the learned statistics, else the lexicon's rules.
    Table(&'a Decisions),
    /// Every candidate (to learn the statistics).
    Permissive,
}

/// A half-open token range.
pub(crate) type Range = (u32, u32);

/// One attribution, in tokens.
#[derive(Debug, Clone)]
pub(crate) struct Attr {
    /// Direct, mixed or indirect.
    pub kind: QuoteKind,
    /// Content pieces, as token ranges, in order.
    pub parts: Vec<Range>,
    /// The cue's tokens.
    pub cue: Option<Range>,
    /// The speaker's tokens, as written.
    pub speaker: Option<Range>,
    /// The attribution the speaker was inherited from, if it was.
    pub inherited_from: Option<usize>,
    /// Sentence of the cue (or of the content when there is no cue).
    pub sent: u32,
    /// For indirect and mixed attributions: cue, pattern, quoted content.
    pub key: Option<(u16, Pattern, bool)>,
}

/// What one cue token starts.
#[derive(Debug, Clone, Copy)]
struct CueHit {
    /// Tokens of the cue (several for `according to`).
    range: Range,
    /// Index into the lexicon's cues.
    id: u16,
}

/// Words after which a cue is not a finite reporting verb (`to say`).
fn blocks_cue(tok: &Tok, text: &str) -> bool {
    tok.is(class::DET) && !tok.is(class::PRON_OBJ) || tok.is_word() && eq_lower(tok, text, "to")
}

/// Whether the token's text is `word` in any case (the token's length
/// first: most tokens fail there).
#[inline]
fn eq_lower(tok: &Tok, text: &str, word: &str) -> bool {
    (tok.end - tok.start) as usize == word.len()
        && text.as_bytes()[tok.start as usize..tok.end as usize]
            .eq_ignore_ascii_case(word.as_bytes())
}

/// The attribution finder for one document.
pub(crate) struct Finder<'a> {
    text: &'a str,
    scan: &'a Scan,
    lex: &'a Lexicon,
    quotes: &'a [Quoted],
    gate: Gate<'a>,
    /// For every token: index+1 of the top-level quote holding it (marks
    /// included), 0 if none.
    in_quote: Vec<u32>,
    /// For every token: whether it was used as a cue.
    used: Vec<bool>,
    /// For every token: whether it lies between doubled apostrophes that
    /// are not read as quote marks (`''We believe ...''`): its cues are the
    /// quoted speaker's words, not attributions.
    soft: Vec<bool>,
    /// The stretches between doubled apostrophes, as (first token of their
    /// unit, first token, one past the closing pair), in text order.
    soft_regions: Vec<(u32, u32, u32)>,
    /// Per quote: the attribution it belongs to.
    quote_attr: Vec<Option<usize>>,
    /// The attributions found.
    pub attrs: Vec<Attr>,
}

/// The per-token tables of a [`Finder`], handed from one document's finder
/// to the next for their memory.
#[derive(Debug, Default)]
pub(crate) struct Tables {
    in_quote: Vec<u32>,
    used: Vec<bool>,
    soft: Vec<bool>,
    soft_regions: Vec<(u32, u32, u32)>,
    quote_attr: Vec<Option<usize>>,
}

impl<'a> Finder<'a> {
    pub fn new(
        text: &'a str,
        scan: &'a Scan,
        lex: &'a Lexicon,
        quotes: &'a [Quoted],
        gate: Gate<'a>,
        tables: Tables,
    ) -> Self {
        let Tables {
            mut in_quote,
            mut used,
            mut soft,
            mut soft_regions,
            mut quote_attr,
        } = tables;
        let n = scan.toks.len();
        in_quote.clear();
        in_quote.resize(n, 0);
        used.clear();
        used.resize(n, false);
        soft.clear();
        soft.resize(n, false);
        soft_regions.clear();
        quote_attr.clear();
        quote_attr.resize(quotes.len(), None);
        for (qi, q) in quotes.iter().enumerate() {
            let from = q.open.unwrap_or(q.inner_start);
            let to = q.close.map_or(q.inner_end, |c| c + 1);
            for slot in &mut in_quote[from as usize..to as usize] {
                *slot = qi as u32 + 1;
            }
        }
        // Doubled apostrophes are quote-mark tokens: walk those.
        let mut marks = scan.marks.iter().copied().peekable();
        for unit in &scan.units {
            let mut open: Option<u32> = None;
            while let Some(t) = marks.next_if(|&t| t < unit.end) {
                let tok = &scan.toks[t as usize];
                if tok.kind == Kind::Quote && tok.mark.is_none() && tok.end - tok.start == 2 {
                    match open.take() {
                        Some(o) => {
                            soft[o as usize..t as usize]
                                .iter_mut()
                                .for_each(|x| *x = true);
                            soft_regions.push((unit.start, o, t + 1));
                        }
                        None => open = Some(t),
                    }
                }
            }
        }
        Finder {
            text,
            scan,
            lex,
            quotes,
            gate,
            in_quote,
            used,
            soft,
            soft_regions,
            quote_attr,
            attrs: Vec::new(),
        }
    }

    /// Writes to `out` (emptied first), for every token, whether it is
    /// quoted (inside quote marks, or between doubled apostrophes).
    pub fn quoted(&self, out: &mut Vec<bool>) {
        out.clear();
        out.extend(
            self.in_quote
                .iter()
                .zip(&self.soft)
                .map(|(&q, &s)| q != 0 || s),
        );
    }

    /// The attributions found, and the tables for the next finder.
    pub fn finish(self) -> (Vec<Attr>, Tables) {
        let tables = Tables {
            in_quote: self.in_quote,
            used: self.used,
            soft: self.soft,
            soft_regions: self.soft_regions,
            quote_attr: self.quote_attr,
        };
        (self.attrs, tables)
    }

    /// Runs the three passes.
    pub fn run(&mut self) {
        self.direct_pass();
        self.floating_pass();
        self.indirect_pass();
        self.late_floating_pass();
        self.soft_floating_pass();
        self.attrs
            .sort_by_key(|a| a.parts.first().map_or(0, |p| p.0));
    }

    #[inline]
    fn tok(&self, i: u32) -> &Tok {
        &self.scan.toks[i as usize]
    }

    fn sent_range(&self, s: u32) -> Range {
        let sent = &self.scan.sents[s as usize];
        (sent.start, sent.end)
    }

    fn unit_range(&self, u: u32) -> Range {
        let unit = &self.scan.units[u as usize];
        (unit.start, unit.end)
    }

    /// The cue starting at token `i`, if it is one.
    fn cue_at(&self, i: u32, hi: u32) -> Option<CueHit> {
        let tok = self.tok(i);
        if !tok.is(class::CUE) || tok.kind != Kind::Word {
            return None;
        }
        // A capitalized cue inside a sentence is a name or headline case
        // (`the United States`, `Star Asked Actors`).
        if tok.cap() && !self.sentence_initial(i) {
            return None;
        }
        let entry = self.lex.entry(tok.entry);
        let mut best: Option<CueHit> = None;
        for &id in &entry.cues {
            let cue = &self.lex.cues[id as usize];
            let n = cue.rest.len() as u32;
            if n > 0 && i + n >= hi {
                continue;
            }
            let matches = cue
                .rest
                .iter()
                .enumerate()
                .all(|(k, w)| eq_lower(self.tok(i + 1 + k as u32), self.text, w));
            if matches && best.map_or(true, |b| b.range.1 - b.range.0 < n + 1) {
                best = Some(CueHit {
                    range: (i, i + 1 + n),
                    id,
                });
            }
        }
        best
    }

    /// Whether only quote marks or punctuation come before token `i` in its
    /// sentence.
    fn sentence_initial(&self, i: u32) -> bool {
        let (lo, _) = self.sent_range(self.tok(i).sent);
        (lo..i).all(|k| matches!(self.tok(k).kind, Kind::Quote | Kind::Punct))
    }

    /// Skips adverbs, auxiliaries, negation and short time adjuncts leftwards
    /// from `j` (exclusive), not below `lo`.
    fn skip_left_modifiers(&self, mut j: u32, lo: u32) -> u32 {
        while j > lo {
            let t = self.tok(j - 1);
            if t.is_word()
                && t.is(class::ADV | class::AUX | class::NEG)
                && !t.is(class::PRON_SUBJ)
                && !t.cap()
            {
                j -= 1;
                continue;
            }
            // `on Thursday`, `last week`, `in July`
            if t.is(class::TIME) && !t.is(class::DET) && (t.cap() || !t.is(class::ADV)) {
                let mut k = j - 1;
                while k > lo && {
                    let p = self.tok(k - 1);
                    p.is(class::TIME) || p.kind == Kind::Number || p.is(class::DET)
                } {
                    k -= 1;
                }
                if k > lo && self.tok(k - 1).is(class::PREP) {
                    k -= 1;
                }
                if k < j - 1 || self.tok(j - 1).is(class::TIME) {
                    j = k;
                    continue;
                }
            }
            if t.is_punct(')') {
                if let Some(open) = (lo..j - 1).rev().find(|&k| self.tok(k).is_punct('(')) {
                    j = open;
                    continue;
                }
            }
            break;
        }
        j
    }

    /// The subject NP ending right before the cue at `cue` (after adverbs,
    /// auxiliaries, a parenthesis or an appositive), not starting before
    /// `lo`.
    fn subject_left(&self, cue: u32, lo: u32) -> Option<Range> {
        let j = self.skip_left_modifiers(cue, lo);
        if j == lo {
            return None;
        }
        // `Stoltenberg, who led the party, said`: skip the appositive.
        if self.tok(j - 1).is_punct(',') && j >= lo + 3 {
            let close = j - 1;
            // The opening comma, not across quote marks or another cue.
            let mut open = None;
            let mut k = close;
            while k > lo && close - k < 30 {
                k -= 1;
                let t = self.tok(k);
                let verb_cue =
                    t.is(class::CUE) && !t.cap() && !(k > lo && self.tok(k - 1).is(class::DET));
                if t.kind == Kind::Quote || self.in_quote[k as usize] != 0 || verb_cue {
                    break;
                }
                if t.is_punct(',') {
                    open = Some(k);
                    break;
                }
            }
            if let Some(open) = open {
                if open > lo && self.nounish(self.tok(open - 1)) {
                    let head = self.np_left_from(open, lo);
                    if let Some(np) = head {
                        return Some(np);
                    }
                }
            }
            return None;
        }
        self.np_left_from(j, lo)
    }

    /// Whether a token can end a noun phrase.
    fn nounish(&self, t: &Tok) -> bool {
        if t.kind == Kind::Number {
            return false;
        }
        t.is_word()
            && (t.is_name()
                || t.is(class::ROLE | class::GROUP)
                || t.classes
                    & (class::DET
                        | class::PREP
                        | class::CONJ
                        | class::AUX
                        | class::VERB
                        | class::PRON_OBJ
                        | class::WH
                        | class::NEG
                        | class::ADV
                        | class::CUE
                        | class::PRON_SUBJ)
                    == 0)
    }

    /// The NP whose last token is `j - 1`.
    fn np_left_from(&self, j: u32, lo: u32) -> Option<Range> {
        if j <= lo {
            return None;
        }
        let head = j - 1;
        let h = self.tok(head);
        if h.is(class::PRON_SUBJ) && h.is_word() {
            return Some((head, j));
        }
        if h.is_word() && h.is(class::WH) && !h.cap() && !eq_lower(h, self.text, "that") {
            return Some((head, j));
        }
        // `About four in 10 said`.
        if h.kind == Kind::Number && head > lo && self.tok(head - 1).is_word() {
            let mut s = head;
            while s > lo
                && s + 5 > head
                && !self.tok(s - 1).is_punct(',')
                && self.tok(s - 1).kind != Kind::Quote
            {
                s -= 1;
            }
            return Some((s, j));
        }
        if !self.nounish(h) {
            return None;
        }
        // A possessive cannot be a head (`Clinton's said`).
        if h.poss() {
            return None;
        }
        let mut s = head;
        let mut n = 0;
        while s > lo && n < 10 {
            let p = self.tok(s - 1);
            if p.is_word() && p.is(class::DET) && !p.is(class::PRON_OBJ)
                || p.is_word() && eq_lower(p, self.text, "her")
            {
                s -= 1;
                // `the head of the military bloc`: an `of`-phrase before the
                // determiner belongs to the NP too.
                if s > lo + 1 {
                    let q = self.tok(s - 1);
                    if q.is_word()
                        && is_np_preposition(q, self.text)
                        && self.nounish(self.tok(s - 2))
                    {
                        s -= 1;
                        n += 1;
                        continue;
                    }
                }
                break;
            }
            if p.is_name() || p.poss() && p.is_word() {
                s -= 1;
                n += 1;
                continue;
            }
            if p.is_word() && is_np_preposition(p, self.text) && s >= lo + 2 {
                let q = self.tok(s - 2);
                if q.is_name() || q.is(class::ROLE | class::GROUP) {
                    s -= 1;
                    n += 1;
                    continue;
                }
                break;
            }
            if p.is_word() && !p.cap() && self.nounish(p) {
                s -= 1;
                n += 1;
                continue;
            }
            break;
        }
        Some((s, j))
    }

    /// An NP starting at `i` (for `said Shawn Burns`, `according to X`).
    fn np_right(&self, i: u32, hi: u32) -> Option<Range> {
        let mut j = i;
        if j < hi && self.tok(j).is(class::PRON_SUBJ) && self.tok(j).is_word() {
            return Some((j, j + 1));
        }
        if j < hi && self.tok(j).is(class::DET) {
            j += 1;
        }
        let body = j;
        let mut n = 0;
        while j < hi && n < 12 {
            let t = self.tok(j);
            if t.is_name() || t.poss() && t.is_word() {
                j += 1;
                n += 1;
                continue;
            }
            if t.is_word() && !t.cap() && self.nounish(t) {
                j += 1;
                n += 1;
                continue;
            }
            if t.is_word() && is_np_preposition(t, self.text) && j > body && j + 1 < hi {
                let nx = self.tok(j + 1);
                if nx.is(class::DET) || nx.is_name() {
                    j += if nx.is(class::DET) { 2 } else { 1 };
                    n += 1;
                    continue;
                }
            }
            break;
        }
        if j == body {
            return None;
        }
        // `the stadium manager, Lisa Grant.`: a nominal with its name.
        let nominal = (body..j).all(|k| !self.tok(k).cap());
        if nominal && j + 1 < hi && self.tok(j).is_punct(',') && self.tok(j + 1).is_name() {
            let mut k = j + 1;
            while k < hi && self.tok(k).is_name() {
                k += 1;
            }
            if k == hi || self.tok(k).kind == Kind::Punct {
                return Some((i, k));
            }
        }
        Some((i, j))
    }

    /// The speaker of the nearest earlier attribution in the same sentence,
    /// else the subject at the start of the sentence (`..., adding`).
    fn inherited_speaker(&self, sent: u32, before: u32) -> (Option<Range>, Option<usize>) {
        if let Some((idx, a)) = self
            .attrs
            .iter()
            .enumerate()
            .rev()
            .find(|(_, a)| a.sent == sent && a.speaker.is_some_and(|s| s.0 < before))
        {
            return (a.speaker, a.inherited_from.or(Some(idx)));
        }
        // A sentence opening with the participle (`Adding, "..."`) goes on
        // from the attribution of the sentence before.
        let (lo, _) = self.sent_range(sent);
        if self.sentence_initial(before) && sent > 0 {
            let unit = self.scan.sents[sent as usize].unit;
            if let Some((idx, a)) = self.attrs.iter().enumerate().rev().find(|(_, a)| {
                a.sent + 1 == sent
                    && a.speaker.is_some()
                    && self.scan.sents[a.sent as usize].unit == unit
            }) {
                return (a.speaker, a.inherited_from.or(Some(idx)));
            }
        }
        // The subject of an earlier cue of the sentence (`Lazar said ... and
        // added, "..."`).
        for c in (lo..before).rev() {
            if self.in_quote[c as usize] != 0 || self.cue_at(c, before).is_none() {
                continue;
            }
            if let Some(np) = self.subject_left(c, lo) {
                return (Some(np), None);
            }
        }
        (self.sentence_subject(sent, before), None)
    }

    /// The subject at the start of a sentence, after an introductory phrase.
    fn sentence_subject(&self, sent: u32, before: u32) -> Option<Range> {
        let (lo, _) = self.sent_range(sent);
        let mut i = lo;
        while i < before && (self.tok(i).kind == Kind::Quote) {
            i += 1;
        }
        // Leading conjunctions and adverbs (`And then Trump ...`).
        while i < before && {
            let t = self.tok(i);
            t.is_word() && t.is(class::CONJ | class::ADV) && !t.is(class::PREP) && !t.is(class::WH)
        } {
            i += 1;
        }
        // An introductory phrase up to a comma (`In July, ...`, `Speaking
        // to reporters, ...`, `When asked why, ...`).
        if i < before {
            let t = self.tok(i);
            let w = &self.text[t.start as usize..t.end as usize];
            let intro = t.is(class::PREP | class::ADV | class::CONJ | class::WH)
                || t.is_word() && (w.ends_with("ing") || w.ends_with("ed"));
            if intro {
                if let Some(c) = (i..before.min(i + 16)).find(|&k| self.tok(k).is_punct(',')) {
                    i = c + 1;
                }
            }
        }
        if i >= before {
            return None;
        }
        let np = self.np_right(i, before)?;
        // The subject must be followed by a verb-like word, not a comma.
        Some(np)
    }

    // ---- pass 1: direct quotes -------------------------------------------

    fn direct_pass(&mut self) {
        for qi in 0..self.quotes.len() {
            if self.quote_attr[qi].is_some() {
                continue;
            }
            if !self.quotes[qi].full {
                // `..., "his chances are slim," says Stone`: a quote that
                // starts inside a sentence but ends like speech before its
                // attribution.
                if self.ends_like_speech(qi) {
                    if let Some(found) = self.attribution_after(qi) {
                        self.push_fragment(qi, found);
                    }
                }
                continue;
            }
            if let Some(attr) = self.attribution_after(qi) {
                self.push_direct(qi, attr);
            } else if let Some(attr) = self.attribution_before(qi) {
                self.push_direct(qi, attr);
            }
        }
    }

    /// Whether the quote closes right after `,`, `?`, `!` or a dash: the
    /// punctuation of a quote followed by its attribution.
    fn ends_like_speech(&self, qi: usize) -> bool {
        let q = &self.quotes[qi];
        q.close.is_some_and(|c| {
            c > q.inner_start && {
                let t = self.tok(c - 1);
                t.kind == Kind::Punct && matches!(t.ch, ',' | '?' | '!' | '—' | '–' | '-')
            }
        })
    }

    /// A quote inside a sentence with its attribution after it: the quote
    /// alone after an introductory comma, else the clause holding it.
    fn push_fragment(&mut self, qi: usize, found: Found) {
        let (qs, qe) = self.quote_range(qi);
        let sent = self.tok(qs).sent;
        let (lo, _) = self.sent_range(sent);
        let after_comma = qs > lo && self.tok(qs - 1).is_punct(',');
        let start = if after_comma {
            qs
        } else {
            self.clause_start(lo, qs)
        };
        let idx = self.attrs.len();
        self.quote_attr[qi] = Some(idx);
        if let Some(c) = found.cue {
            for k in c.0..c.1 {
                self.used[k as usize] = true;
            }
        }
        self.attrs.push(Attr {
            kind: if start == qs {
                QuoteKind::Direct
            } else {
                QuoteKind::Mixed
            },
            parts: vec![(start, qe)],
            cue: found.cue,
            speaker: found.speaker,
            inherited_from: found.inherited_from,
            sent: found.cue.map_or(sent, |c| self.tok(c.0).sent),
            key: None,
        });
    }

    /// A verb we do not know as a noun in the form of the cue: past
    /// (`contrasted`) after a past cue, `-ing` (`bragging`) after a gerund.
    fn verb_form(&self, t: &Tok, tag: CueTag) -> bool {
        if !self.verbish(t) || t.is(class::ROLE | class::GROUP) {
            return false;
        }
        let w = &self.text[t.start as usize..t.end as usize];
        w.len() > 4
            && match tag {
                CueTag::Past => w.ends_with("ed"),
                CueTag::Gerund => w.ends_with("ing"),
                _ => false,
            }
    }

    /// A word that can be a verb: lowercase and in no closed class.
    fn verbish(&self, t: &Tok) -> bool {
        t.is_word()
            && !t.cap()
            && t.classes
                & (class::DET
                    | class::PREP
                    | class::CONJ
                    | class::PRON_SUBJ
                    | class::PRON_OBJ
                    | class::WH
                    | class::NEG
                    | class::TIME
                    | class::AUX
                    | class::ADV)
                == 0
    }

    fn push_direct(&mut self, qi: usize, found: Found) {
        let idx = self.attrs.len();
        self.quote_attr[qi] = Some(idx);
        let mut parts = vec![self.quote_range(qi)];
        if let Some(q2) = found.continued_by {
            self.quote_attr[q2] = Some(idx);
            parts.push(self.quote_range(q2));
        }
        if let Some(c) = found.cue {
            for k in c.0..c.1 {
                self.used[k as usize] = true;
            }
        }
        let sent = found
            .cue
            .map_or(self.tok(parts[0].0).sent, |c| self.tok(c.0).sent);
        self.attrs.push(Attr {
            kind: QuoteKind::Direct,
            parts,
            cue: found.cue,
            speaker: found.speaker,
            inherited_from: found.inherited_from,
            sent,
            key: None,
        });
    }

    /// Token range of a quote, marks included.
    fn quote_range(&self, qi: usize) -> Range {
        let q = &self.quotes[qi];
        (
            q.open.unwrap_or(q.inner_start),
            q.close.map_or(q.inner_end, |c| c + 1),
        )
    }

    /// `"...," he said` / `"...," said Smith` / `"...," according to X`.
    fn attribution_after(&self, qi: usize) -> Option<Found> {
        let q = &self.quotes[qi];
        let close = q.close?;
        let (_, unit_end) = self.unit_range(q.unit);
        let mut k = close + 1;
        if k < unit_end && self.tok(k).is_punct(',') {
            k += 1;
        }
        if k >= unit_end {
            return None;
        }
        // Where the attribution clause may run: to the next sentence-final
        // mark or quote mark.
        let mut hi = k;
        while hi < unit_end && hi < k + 40 {
            let t = self.tok(hi);
            // `Rep. Jim McDermott (D-Wash.) said`: a bracket is one piece.
            if t.is_punct('(') {
                if let Some(close) =
                    (hi + 1..unit_end.min(hi + 12)).find(|&x| self.tok(x).is_punct(')'))
                {
                    hi = close + 1;
                    continue;
                }
            }
            if t.kind == Kind::Quote
                || t.kind == Kind::Punct && matches!(t.ch, '.' | '!' | '?' | ';' | '…')
            {
                break;
            }
            hi += 1;
        }
        if hi == k {
            return None;
        }
        let lead = self.skip_right_adverbs(k, hi);
        // Inverted: `said Smith`, `according to X`.
        if let Some(hit) = self.cue_at(lead, hi) {
            if !self.used[lead as usize] && self.inverts(hit) {
                let speaker = self.np_right(self.skip_right_adverbs(hit.range.1, hi), hi);
                if speaker.is_some() || self.is_multiword(hit) {
                    return Some(self.finish_after(qi, hit.range, speaker, None, hi));
                }
            }
        }
        // `he said`, `Stoltenberg said`, `the NATO chief told reporters`.
        let mut c = k;
        while c < hi && c < k + 14 {
            if let Some(hit) = self.cue_at(c, hi) {
                if !self.used[c as usize] && c > k {
                    if let Some(np) = self.subject_left(c, k) {
                        if np.0 == k && !self.governs_content(hit) {
                            return Some(self.finish_after(qi, hit.range, Some(np), None, hi));
                        }
                    }
                }
            }
            c += 1;
        }
        // `"...," Trump shot back`: after a quote that ends like speech, a
        // subject and any verb form an attribution.
        if self.ends_like_speech(qi) {
            for v in k + 1..hi.min(k + 10) {
                let t = self.tok(v);
                if !self.verbish(t) || self.used[v as usize] || t.is(class::CUE) {
                    continue;
                }
                if let Some(np) = self.subject_left(v, k) {
                    if np.0 == k && np.1 <= v {
                        return Some(self.finish_after(qi, (v, v + 1), Some(np), None, hi));
                    }
                }
            }
        }
        None
    }

    /// Whether a cue has a content clause of its own after it (`He said
    /// the plan ...`), so that it does not attribute the quote before it.
    fn governs_content(&self, hit: CueHit) -> bool {
        let (_, sent_end) = self.sent_range(self.tok(hit.range.0).sent);
        let after = self.skip_right_adverbs(hit.range.1, sent_end);
        let cue = &self.lex.cues[hit.id as usize];
        matches!(
            self.forward_content(after, sent_end, cue.takes_object, cue.tag),
            Forward::Content(_)
        )
    }

    /// Whether the cue can come before its subject (`said Smith`,
    /// `according to X`): speech verbs in a finite form, not verbs whose
    /// next NP is an object (`told reporters`, `saying`).
    fn inverts(&self, hit: CueHit) -> bool {
        let cue = &self.lex.cues[hit.id as usize];
        match cue.tag {
            CueTag::Multiword => self.lex.lemma(hit.id) == "according to",
            CueTag::Past | CueTag::Present => {
                cue.core && (!cue.takes_object || matches!(self.lex.lemma(hit.id), "ask" | "warn"))
            }
            CueTag::Base | CueTag::Gerund => false,
        }
    }

    fn is_multiword(&self, hit: CueHit) -> bool {
        self.lex.cues[hit.id as usize].tag == CueTag::Multiword
    }

    fn skip_right_adverbs(&self, mut k: u32, hi: u32) -> u32 {
        while k < hi {
            let t = self.tok(k);
            if t.is_word() && t.is(class::ADV) && !t.is(class::TIME | class::DET) && !t.cap() {
                k += 1;
            } else {
                break;
            }
        }
        k
    }

    /// After an attribution that follows a quote: a second quote right after
    /// it (`"...," he said, "..."`) is a part of the same quote.
    fn finish_after(
        &self,
        qi: usize,
        cue: Range,
        speaker: Option<Range>,
        inherited_from: Option<usize>,
        hi: u32,
    ) -> Found {
        let mut continued_by = None;
        let q = &self.quotes[qi];
        let (_, unit_end) = self.unit_range(q.unit);
        // The attribution clause ends at the first `,`/`:` after the cue and
        // speaker; a quote opening right there continues this one.
        let after = cue.1.max(speaker.map_or(0, |s| s.1));
        let mut k = after;
        while k < hi && !self.tok(k).is_punct(',') && !self.tok(k).is_punct(':') {
            k += 1;
        }
        let at = if k < unit_end && (self.tok(k).is_punct(',') || self.tok(k).is_punct(':')) {
            k + 1
        } else {
            k
        };
        if at < unit_end {
            if let Some(next) = self.quote_opening_at(at) {
                if next != qi && self.quote_attr[next].is_none() {
                    continued_by = Some(next);
                }
            }
        }
        Found {
            cue: Some(cue),
            speaker,
            inherited_from,
            continued_by,
        }
    }

    /// The top-level quote whose opening mark is token `t`.
    fn quote_opening_at(&self, t: u32) -> Option<usize> {
        let qi = self.in_quote[t as usize].checked_sub(1)? as usize;
        (self.quotes[qi].open == Some(t)).then_some(qi)
    }

    /// `Lavrov asserted, "..."` / `He said: "..."` / a cue line ending in a
    /// colon right before a paragraph that is a quote.
    fn attribution_before(&self, qi: usize) -> Option<Found> {
        let q = &self.quotes[qi];
        let open = q.open?;
        let (unit_start, _) = self.unit_range(q.unit);
        let (lo, prev_end) = if open == unit_start {
            // A quote opening its paragraph: the previous paragraph may end
            // with `... he said:`.
            if q.unit == 0 || q.continues {
                return None;
            }
            let (ps, pe) = self.unit_range(q.unit - 1);
            if pe == ps || !self.tok(pe - 1).is_punct(':') {
                return None;
            }
            (ps, pe - 1)
        } else {
            let prev = self.tok(open - 1);
            if !(prev.is_punct(',') || prev.is_punct(':') || prev.is_punct('—') || prev.is_word())
            {
                return None;
            }
            let sent = self.tok(open - 1).sent;
            let (s_lo, _) = self.sent_range(sent);
            let end = if prev.is_word() { open } else { open - 1 };
            (s_lo, end)
        };
        // The nearest cue before, not inside another quote.
        let mut c = prev_end;
        let floor = lo.max(prev_end.saturating_sub(30));
        while c > floor {
            c -= 1;
            if self.in_quote[c as usize] != 0 {
                break;
            }
            let Some(hit) = self.cue_at(c, prev_end) else {
                continue;
            };
            if self.used[c as usize] || c > 0 && c > lo && blocks_cue(self.tok(c - 1), self.text) {
                continue;
            }
            let cue_tag = self.lex.cues[hit.id as usize].tag;
            let sent = self.tok(c).sent;
            if cue_tag == CueTag::Multiword && self.lex.lemma(hit.id) == "according to" {
                let speaker = self.np_right(hit.range.1, prev_end);
                return Some(Found {
                    cue: Some(hit.range),
                    speaker,
                    inherited_from: None,
                    continued_by: None,
                });
            }
            if let Some(np) = self.subject_left(c, lo) {
                return Some(Found {
                    cue: Some(hit.range),
                    speaker: Some(np),
                    inherited_from: None,
                    continued_by: None,
                });
            }
            // `..., adding: "..."` / `and added, "..."`
            let before = self.skip_left_modifiers(c, lo);
            let joined = before > lo && {
                let p = self.tok(before - 1);
                p.is_punct(',')
                    || p.is_word()
                        && (eq_lower(p, self.text, "and") || eq_lower(p, self.text, "but"))
            };
            if cue_tag == CueTag::Gerund || joined {
                let (speaker, from) = self.inherited_speaker(sent, c);
                if speaker.is_some() {
                    return Some(Found {
                        cue: Some(hit.range),
                        speaker,
                        inherited_from: from,
                        continued_by: None,
                    });
                }
            }
            // `Said Smith: "..."`
            if let Some(np) = self.np_right(hit.range.1, prev_end) {
                if c == lo || self.tok(c - 1).is_punct(',') {
                    return Some(Found {
                        cue: Some(hit.range),
                        speaker: Some(np),
                        inherited_from: None,
                        continued_by: None,
                    });
                }
            }
            return None;
        }
        // `Clinton: "..."`: a bare NP before the colon.
        if open > 0 && self.tok(open - 1).is_punct(':') && prev_end > lo {
            if let Some(np) = self.np_right(lo, prev_end) {
                if np == (lo, prev_end) {
                    return Some(Found {
                        cue: Some((open - 1, open)),
                        speaker: Some(np),
                        inherited_from: None,
                        continued_by: None,
                    });
                }
            }
        }
        None
    }

    // ---- pass 2: quotes without a cue ------------------------------------

    fn floating_pass(&mut self) {
        let n = self.quotes.len();
        // Forward: continuations of the previous attributed quote.
        for qi in 0..n {
            if self.quote_attr[qi].is_some() || !self.is_candidate(qi) {
                continue;
            }
            let q = self.quotes[qi];
            let prev = (0..qi).rev().find(|&p| self.quotes[p].full);
            let Some(p) = prev else { continue };
            let Some(a) = self.quote_attr[p] else {
                continue;
            };
            let pq = &self.quotes[p];
            let same_unit = pq.unit == q.unit;
            let chained = q.continues && pq.unit + 1 == q.unit;
            if same_unit || chained {
                self.quote_attr[qi] = Some(a);
                let r = self.quote_range(qi);
                self.attrs[a].parts.push(r);
            }
        }
        // Backward: a quote before an attributed one in the same unit, or a
        // paragraph of an unclosed multi-paragraph quote.
        for qi in (0..n).rev() {
            if self.quote_attr[qi].is_some() || !self.is_candidate(qi) {
                continue;
            }
            let q = self.quotes[qi];
            let next = (qi + 1..n).find(|&p| self.quotes[p].full);
            let Some(nx) = next else { continue };
            let Some(a) = self.quote_attr[nx] else {
                continue;
            };
            let nq = &self.quotes[nx];
            let same_unit = nq.unit == q.unit;
            let chained = nq.continues && q.unit + 1 == nq.unit;
            if same_unit || chained {
                self.quote_attr[qi] = Some(a);
                let r = self.quote_range(qi);
                self.attrs[a].parts.insert(0, r);
            }
        }
        // Paragraph runs: a quote opening its paragraph right after a
        // paragraph with an attributed quote continues that attribution (one
        // speaker, one more part), as news style runs a speech over
        // paragraphs.
        for qi in 0..n {
            if self.quote_attr[qi].is_some() || !self.is_candidate(qi) {
                continue;
            }
            let q = self.quotes[qi];
            let (unit_start, _) = self.unit_range(q.unit);
            if q.open.is_some_and(|o| o != unit_start) || q.unit == 0 {
                continue;
            }
            let prev = (0..qi)
                .rev()
                .take_while(|&p| self.quotes[p].unit + 1 >= q.unit)
                .find(|&p| self.quotes[p].full && self.quote_attr[p].is_some());
            let Some(p) = prev else { continue };
            let Some(a) = self.quote_attr[p] else {
                continue;
            };
            self.quote_attr[qi] = Some(a);
            let r = self.quote_range(qi);
            self.attrs[a].parts.push(r);
        }
    }

    /// Quotes still without an attribution join the nearest attribution of
    /// their unit: the one before them, else the one after.
    fn late_floating_pass(&mut self) {
        for qi in 0..self.quotes.len() {
            if self.quote_attr[qi].is_some() || !self.is_candidate(qi) {
                continue;
            }
            let (qs, qe) = self.quote_range(qi);
            let unit = self.quotes[qi].unit;
            let in_unit =
                |a: &Attr, f: &Self| a.parts.first().is_some_and(|p| f.tok(p.0).unit == unit);
            let before = self
                .attrs
                .iter()
                .enumerate()
                .filter(|(_, a)| in_unit(a, self) && a.parts.last().is_some_and(|p| p.1 <= qs))
                .max_by_key(|(_, a)| a.parts.last().map_or(0, |p| p.1))
                .map(|(i, _)| i);
            let after = self
                .attrs
                .iter()
                .enumerate()
                .filter(|(_, a)| in_unit(a, self) && a.parts.first().is_some_and(|p| p.0 >= qe))
                .min_by_key(|(_, a)| a.parts.first().map_or(0, |p| p.0))
                .map(|(i, _)| i);
            if let Some(a) = before.or(after) {
                self.quote_attr[qi] = Some(a);
                let attr = &mut self.attrs[a];
                attr.parts.push((qs, qe));
                attr.parts.sort_unstable();
                if attr.kind == QuoteKind::Indirect {
                    attr.kind = QuoteKind::Mixed;
                }
            }
        }
    }

    /// Stretches between doubled apostrophes that no attribution covers
    /// continue the attribution before them in their unit, as floating
    /// quotes do.
    fn soft_floating_pass(&mut self) {
        for r in 0..self.soft_regions.len() {
            let (us, rs, re) = self.soft_regions[r];
            let covered = self
                .attrs
                .iter()
                .any(|a| a.parts.iter().any(|p| p.0 < re && rs < p.1));
            if covered {
                continue;
            }
            let before = self
                .attrs
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    a.parts.last().is_some_and(|p| p.1 <= rs && p.0 >= us)
                        && a.cue.map_or(true, |c| c.1 <= rs)
                })
                .max_by_key(|(_, a)| a.parts.last().map_or(0, |p| p.1))
                .map(|(i, _)| i);
            if let Some(a) = before {
                self.attrs[a].parts.push((rs, re));
            }
        }
    }

    /// A full, speech-like quote.
    fn is_candidate(&self, qi: usize) -> bool {
        let q = &self.quotes[qi];
        q.full && q.speechlike
    }

    // ---- pass 3: indirect and mixed --------------------------------------

    fn indirect_pass(&mut self) {
        // Only tokens with the cue class can start a cue: walk those, in
        // order, skipping the tokens of each cue found.
        let scan = self.scan;
        let mut next = 0u32;
        for &i in &scan.cues {
            if i < next
                || self.used[i as usize]
                || self.in_quote[i as usize] != 0
                || self.soft[i as usize]
            {
                continue;
            }
            let s = self.tok(i).sent;
            let (lo, hi) = self.sent_range(s);
            let Some(hit) = self.cue_at(i, hi) else {
                continue;
            };
            // A cue inside the content of an attribution found before in
            // this sentence is reported speech within reported speech.
            let nested = self
                .attrs
                .iter()
                .rev()
                .take_while(|a| a.sent == s)
                .any(|a| {
                    a.kind != QuoteKind::Direct && a.parts.iter().any(|p| p.0 <= i && i < p.1)
                });
            if nested {
                next = hit.range.1;
                continue;
            }
            if let Some(attr) = self.indirect_at(hit, s, lo, hi).filter(|a| self.accept(a)) {
                for k in hit.range.0..hit.range.1 {
                    self.used[k as usize] = true;
                }
                self.attrs.push(attr);
            }
            next = hit.range.1;
        }
    }

    fn indirect_at(&self, hit: CueHit, s: u32, lo: u32, hi: u32) -> Option<Attr> {
        let c = hit.range.0;
        let cue = &self.lex.cues[hit.id as usize];
        let mut to_subject = None;
        if c > lo && blocks_cue(self.tok(c - 1), self.text) {
            to_subject = self.to_infinitive_subject(c, lo);
            to_subject?;
        }
        // Passives (`was criticized by`) are not reports of speech here.
        let before = self.skip_left_modifiers(c, lo);
        if cue.tag == CueTag::Past
            && before > lo
            && {
                let p = self.tok(before - 1);
                p.is(class::BE) || (c > lo && self.tok(c - 1).is(class::BE))
            }
            && !self.lex.lemma(hit.id).starts_with("quoted")
        {
            return None;
        }
        let lemma = self.lex.lemma(hit.id);
        let mut speaker: Option<Range>;
        let mut inherited_from = None;
        let mut content: Vec<Range> = Vec::new();
        let pattern;

        if lemma == "according to" {
            pattern = Pattern::According;
            speaker = self.np_right(hit.range.1, hi);
            let sp = speaker?;
            if sp.1 < hi && self.tok(sp.1).is_punct(',') && (c == lo || self.is_clause_start(c, lo))
            {
                content.push((sp.1 + 1, self.clause_end(sp.1 + 1, hi)));
            } else {
                let end = if c > lo && self.tok(c - 1).is_punct(',') {
                    c - 1
                } else {
                    c
                };
                content.push((self.clause_start(lo, end), end));
            }
        } else {
            let subject = to_subject.or_else(|| self.subject_left(c, lo));
            speaker = subject;
            let prev = if before > lo {
                Some(self.tok(before - 1))
            } else {
                None
            };
            if speaker.is_none() {
                let joined = prev.is_some_and(|p| {
                    p.is_word() && (eq_lower(p, self.text, "and") || eq_lower(p, self.text, "but"))
                });
                let participle = cue.tag == CueTag::Gerund && prev.is_some_and(|p| p.is_punct(','));
                if joined || participle {
                    let (sp, from) = self.inherited_speaker(s, c);
                    speaker = sp;
                    inherited_from = from;
                } else if prev.map_or(true, |p| p.is_punct(',') || p.kind == Kind::Quote)
                    && self.inverts(hit)
                {
                    // `..., said Smith.`
                    let sp = self.np_right(self.skip_right_adverbs(hit.range.1, hi), hi);
                    if let Some(sp) = sp {
                        let tail_ok = sp.1 >= hi || {
                            let t = self.tok(sp.1);
                            t.kind == Kind::Punct
                        };
                        if tail_ok && before > lo {
                            let end = before - 1;
                            let start = self.clause_start(lo, end);
                            if end > start + 2 {
                                return self.make_indirect(
                                    vec![(start, end)],
                                    hit,
                                    Pattern::Inverted,
                                    Some(sp),
                                    None,
                                    s,
                                );
                            }
                        }
                    }
                    return None;
                } else {
                    return None;
                }
            }
            let after = self.skip_right_adverbs(hit.range.1, hi);
            match self.forward_content(after, hi, cue.takes_object, cue.tag) {
                Forward::Content(range) => {
                    let t = self.tok(range.0);
                    pattern = if t.is_word() && t.is(class::WH) {
                        Pattern::That
                    } else if range.0 > 0 && self.tok(range.0 - 1).is_punct(':') {
                        Pattern::Colon
                    } else {
                        Pattern::Bare
                    };
                    content.push(range);
                }
                Forward::Anaphor => {
                    pattern = Pattern::Anaphor;
                    // `... revealed this`: the previous sentence.
                    if s == 0
                        || self.scan.sents[s as usize - 1].unit != self.scan.sents[s as usize].unit
                    {
                        return None;
                    }
                    let (ps, pe) = self.sent_range(s - 1);
                    let pe = trim_end_punct(self, ps, pe);
                    let ps = self.skip_dateline(ps, pe);
                    if self
                        .attrs
                        .iter()
                        .any(|a| a.parts.iter().any(|p| p.0 < pe && ps < p.1))
                    {
                        return None;
                    }
                    content.push((ps, pe));
                }
                Forward::None => {
                    pattern = Pattern::Back;
                    // Content before: `..., Nefzi said.` / medial.
                    let sp = speaker?;
                    // The comma may sit before closing marks (`...,'' he said`).
                    let mut comma = sp.0;
                    while comma > lo
                        && self.tok(comma - 1).kind == Kind::Quote
                        && self.tok(comma - 1).mark.is_none()
                    {
                        comma -= 1;
                    }
                    if comma > lo && inherited_from.is_none() && self.tok(comma - 1).is_punct(',') {
                        let end = comma - 1;
                        let start = self.clause_start(lo, end);
                        // `A, he said, B.`: the content goes on after the
                        // attribution.
                        let mut k = after;
                        while k < hi
                            && !self.tok(k).is_punct(',')
                            && self.tok(k).kind != Kind::Quote
                        {
                            k += 1;
                        }
                        let mut rest = None;
                        if k + 3 < hi && self.tok(k).is_punct(',') {
                            let nx = self.tok(k + 1);
                            let starts_new = self.cue_at(k + 1, hi).is_some() || nx.is(class::PREP);
                            if !starts_new {
                                rest = Some((k + 1, self.clause_end(k + 1, hi)));
                            }
                        }
                        // A short first piece (`But, he said, ...`) only
                        // counts with a second one.
                        if end > start + 2 || end > start && rest.is_some() {
                            content.push((start, end));
                            content.extend(rest);
                        }
                    }
                }
            }
        }
        if content.is_empty() {
            return None;
        }
        self.make_indirect(content, hit, pattern, speaker, inherited_from, s)
    }

    /// Whether to keep an indirect or mixed candidate: by the learned
    /// statistics when they cover it, else core cues always and weak cues
    /// (`think`, `call`) only with a `that` clause or quoted words.
    fn accept(&self, attr: &Attr) -> bool {
        let Some((cue, pattern, quoted)) = attr.key else {
            return true;
        };
        match self.gate {
            Gate::Permissive => true,
            Gate::Table(decisions) => match decisions.get(cue, pattern, quoted) {
                Decision::Keep => true,
                Decision::Drop => false,
                Decision::Rules => self.lex.cues[cue as usize].core || self.weak_cue_ok(attr),
            },
        }
    }

    /// `he went on to say`, `she declined to say`: the subject of the verb
    /// before `to`.
    fn to_infinitive_subject(&self, c: u32, lo: u32) -> Option<Range> {
        if c < lo + 2 || !eq_lower(self.tok(c - 1), self.text, "to") {
            return None;
        }
        let mut v = c - 2;
        if v > lo && eq_lower(self.tok(v), self.text, "on") {
            v -= 1;
        }
        let t = self.tok(v);
        if !(self.verbish(t) || t.is(class::CUE)) || t.cap() {
            return None;
        }
        self.subject_left(v, lo)
    }

    /// Whether a weak cue (`think`, `find`) has enough support: content
    /// introduced by `that` or a wh-word, or quoted words in its content.
    fn weak_cue_ok(&self, attr: &Attr) -> bool {
        let content = &attr.parts;
        let first = content[0].0;
        let t = self.tok(first);
        let introduced = t.is_word() && (eq_lower(t, self.text, "that") || t.is(class::WH));
        let quoted = content
            .iter()
            .any(|&(a, b)| (a..b).any(|k| self.tok(k).kind == Kind::Quote));
        introduced || quoted
    }

    fn make_indirect(
        &self,
        mut content: Vec<Range>,
        hit: CueHit,
        pattern: Pattern,
        speaker: Option<Range>,
        inherited_from: Option<usize>,
        sent: u32,
    ) -> Option<Attr> {
        // Content never takes in a direct quote that has its own attribution.
        for part in &mut content {
            for k in part.0..part.1 {
                let q = self.in_quote[k as usize];
                if q != 0 && self.quote_attr[q as usize - 1].is_some() {
                    part.1 = k;
                    break;
                }
            }
        }
        // A content that ends inside a quoted fragment runs to its close
        // (a sentence end inside the marks is not the content's end).
        for part in &mut content {
            if part.1 > part.0 {
                let q = self.in_quote[part.1 as usize - 1];
                if q != 0 {
                    let (_, qend) = self.quote_range(q as usize - 1);
                    if qend > part.1 && self.quote_attr[q as usize - 1].is_none() {
                        part.1 = qend;
                    }
                }
            }
        }
        content.retain(|p| p.1 > p.0 + 1);
        if content.is_empty() {
            return None;
        }
        let quoted = content.iter().any(|&(a, b)| {
            (a..b).any(|k| {
                self.tok(k).kind == Kind::Quote && self.tok(k).mark.is_some_and(Mark::is_double)
                    || self.in_quote[k as usize] != 0
            })
        });
        Some(Attr {
            kind: if quoted {
                QuoteKind::Mixed
            } else {
                QuoteKind::Indirect
            },
            parts: content,
            cue: Some(hit.range),
            speaker,
            inherited_from,
            sent,
            key: Some((hit.id, pattern, quoted)),
        })
    }

    /// Whether `c` starts a clause (after a comma or at the sentence start,
    /// perhaps after an adverb).
    fn is_clause_start(&self, c: u32, lo: u32) -> bool {
        c == lo || {
            let p = self.tok(c - 1);
            p.is_punct(',') || p.kind == Kind::Quote
        }
    }

    /// Where a content clause ending at `end` starts: the sentence start,
    /// after any opening quote marks.
    fn clause_start(&self, lo: u32, end: u32) -> u32 {
        let mut s = self.skip_dateline(lo, end);
        // Start after the last attribution cue of this sentence that lies
        // before `end` (two attributions in one sentence).
        for k in (lo..end).rev() {
            if self.used[k as usize] {
                s = k + 1;
                while s < end && !self.tok(s).is_word() {
                    s += 1;
                }
                break;
            }
        }
        s
    }

    /// After a dateline opening a paragraph (`Oslo - `, `NEW YORK (Reuters)
    /// — `): names, numbers and brackets up to a dash.
    fn skip_dateline(&self, lo: u32, end: u32) -> u32 {
        let unit_start = self.scan.units[self.tok(lo).unit as usize].start;
        if lo != unit_start {
            return lo;
        }
        for k in lo..end.min(lo + 8) {
            let t = self.tok(k);
            if t.kind == Kind::Punct && matches!(t.ch, '-' | '—' | '–') {
                let next_cap = k + 1 < end && self.tok(k + 1).cap();
                return if k > lo && next_cap { k + 1 } else { lo };
            }
            let part_of_dateline = t.is_name()
                || t.kind == Kind::Number
                || t.kind == Kind::Punct && matches!(t.ch, '(' | ')' | ',' | '.' | '/');
            if !part_of_dateline {
                return lo;
            }
        }
        lo
    }

    /// Where a content clause starting at `start` ends: the sentence end,
    /// or a comma before another attribution (`, according to`, `, he
    /// said`, `, adding`).
    fn clause_end(&self, start: u32, hi: u32) -> u32 {
        self.clause_end_after(start, hi, None)
    }

    /// [`Finder::clause_end`], for the content of a cue of form `tag`: a
    /// coordinated verb of the same form (`calling X ... and bragging`)
    /// belongs to the subject, not to the content.
    fn clause_end_after(&self, start: u32, hi: u32, tag: Option<CueTag>) -> u32 {
        let mut k = start;
        while k < hi {
            let t = self.tok(k);
            // `X said A, and suggested that B`: a second verb of the
            // subject (a cue, or a past or -ing form) ends the content.
            if k > start
                && t.is_word()
                && (eq_lower(t, self.text, "and") || eq_lower(t, self.text, "but"))
            {
                let next = self.skip_right_adverbs(k + 1, hi);
                if next < hi && self.in_quote[next as usize] == 0 {
                    if let Some(hit) = self.cue_at(next, hi) {
                        if self.lex.cues[hit.id as usize].tag != CueTag::Gerund {
                            return trim_end_punct(self, start, k);
                        }
                    }
                    if k > start + 2 && tag.is_some_and(|tag| self.verb_form(self.tok(next), tag)) {
                        return trim_end_punct(self, start, k);
                    }
                }
            }
            if t.is_punct(',') && k + 1 < hi && self.in_quote[k as usize] == 0 {
                let next = k + 1;
                if self.starts_adjunct_clause(next) {
                    return k;
                }
                if let Some(hit) = self.cue_at(next, hi) {
                    let cue = &self.lex.cues[hit.id as usize];
                    if cue.tag == CueTag::Gerund || cue.tag == CueTag::Multiword {
                        return k;
                    }
                }
                // `, he said` / `, Smith added`
                let mut j = next;
                let lim = hi.min(next + 6);
                while j < lim {
                    if self.cue_at(j, hi).is_some() {
                        if self.subject_left(j, next).is_some_and(|np| np.0 == next) {
                            return k;
                        }
                        break;
                    }
                    j += 1;
                }
            }
            k += 1;
        }
        trim_end_punct(self, start, hi)
    }

    /// Whether the words after a comma start a clause that is not part of
    /// a reported content: a relative clause (`, which ...`), an adverbial
    /// one (`, while ...`, `, after ...`) or a participle (`, forcing ...`).
    fn starts_adjunct_clause(&self, k: u32) -> bool {
        let t = self.tok(k);
        if !t.is_word() || t.cap() && !self.sentence_initial(k) && t.is_name() {
            return false;
        }
        let w = &self.text[t.start as usize..t.end as usize];
        const STARTS: &[&str] = &[
            "while", "whereas", "although", "though", "after", "before", "since", "unless",
            "despite", "even",
        ];
        if STARTS.iter().any(|x| x.eq_ignore_ascii_case(w)) {
            return true;
        }
        false
    }

    fn forward_content(&self, after: u32, hi: u32, takes_object: bool, tag: CueTag) -> Forward {
        let mut j = after;
        if j >= hi {
            return Forward::None;
        }
        if takes_object {
            let t = self.tok(j);
            if t.is(class::PRON_OBJ) && t.is_word() {
                j += 1;
            } else if t.is_name() {
                while j < hi && (self.tok(j).is_name() || self.tok(j).poss()) {
                    j += 1;
                }
            } else if t.is(class::DET) {
                j += 1;
                let mut n = 0;
                while j < hi && n < 4 && (self.nounish(self.tok(j)) || self.tok(j).poss()) {
                    j += 1;
                    n += 1;
                }
            } else if t.is_word() && self.nounish(t) && !t.cap() {
                j += 1;
            }
            if j >= hi {
                return Forward::None;
            }
        }
        let t = *self.tok(j);
        if t.is_word() && eq_lower(&t, self.text, "that") {
            return Forward::Content((j, self.clause_end_after(j, hi, Some(tag))));
        }
        if t.is_punct(':') && j + 1 < hi && self.tok(j + 1).kind != Kind::Quote {
            return Forward::Content((j + 1, self.clause_end_after(j + 1, hi, Some(tag))));
        }
        if t.is_word() && t.is(class::ANAPHOR) && !eq_lower(&t, self.text, "that") {
            let next = j + 1;
            if next >= hi
                || self.tok(next).kind == Kind::Punct
                || self.tok(next).is(class::PREP | class::TIME)
            {
                return Forward::Anaphor;
            }
        }
        if t.is(class::PREP | class::TIME) || t.is_punct(',') || t.is_punct('(') {
            // Adjuncts first (`said in an interview to RT that ...`).
            let lim = hi.min(j + 18);
            for k in j..lim {
                let x = self.tok(k);
                // A cue after a comma or `and` starts another attribution
                // (`said on Monday, adding that ...`).
                let new_cue = x.is(class::CUE)
                    && !x.cap()
                    && k > j
                    && (self.tok(k - 1).is_punct(',')
                        || eq_lower(self.tok(k - 1), self.text, "and"));
                if x.kind == Kind::Quote || x.is_punct(';') || x.is_punct(':') || new_cue {
                    break;
                }
                if x.is_word() && eq_lower(x, self.text, "that") && k > j {
                    let p = self.tok(k - 1);
                    // `that` right after a noun may be a relative pronoun or
                    // determiner; after a name, a comma or an adjunct it
                    // introduces the content.
                    let _ = p;
                    return Forward::Content((k, self.clause_end_after(k, hi, Some(tag))));
                }
            }
            // `to` + infinitive after `urge`, `ask`, `call on`.
            return Forward::None;
        }
        let clause_like = t.is(class::PRON_SUBJ | class::PRON_OBJ) && t.is_word()
            || t.is(class::DET)
            || t.is_name()
            || t.kind == Kind::Number
            || t.is_word() && t.is(class::WH)
            || t.is_word() && is_subordinator(&t, self.text)
            || t.kind == Kind::Quote && matches!(t.mark, Some(Mark::DOpen | Mark::SOpen))
            || t.is_word() && !t.cap() && self.nounish(&t);
        if clause_like {
            let end = self.clause_end_after(j, hi, Some(tag));
            if end > j + 1 {
                return Forward::Content((j, end));
            }
        }
        Forward::None
    }
}

/// Moves `end` back over trailing sentence punctuation and closing marks
/// that do not close a quote inside the range.
fn trim_end_punct(f: &Finder<'_>, start: u32, mut end: u32) -> u32 {
    while end > start {
        let t = f.tok(end - 1);
        if t.kind == Kind::Punct && matches!(t.ch, '.' | '!' | '?' | ';' | ',' | ':' | '…') {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

/// Conjunctions that open an adverbial clause a reported content can start
/// with (`said if Trump wins, ...`).
fn is_subordinator(tok: &Tok, text: &str) -> bool {
    // All are conjunctions in the lexicon: the class bit rules out the rest.
    tok.is(class::CONJ)
        && [
            "if", "when", "because", "although", "though", "while", "unless", "once",
        ]
        .iter()
        .any(|w| eq_lower(tok, text, w))
}

/// Prepositions that may sit inside a speaker NP (`a spokesman for the
/// ministry`, `the head of the military bloc`).
fn is_np_preposition(tok: &Tok, text: &str) -> bool {
    // All are prepositions in the lexicon: the class bit rules out the rest.
    tok.is(class::PREP)
        && ["of", "for", "at", "from"]
            .iter()
            .any(|w| eq_lower(tok, text, w))
}

/// What follows a cue.
enum Forward {
    /// A content clause.
    Content(Range),
    /// `this`/`so`: the content is the previous sentence.
    Anaphor,
    /// Nothing clause-like.
    None,
}

/// An attribution found for a direct quote.
struct Found {
    cue: Option<Range>,
    speaker: Option<Range>,
    inherited_from: Option<usize>,
    continued_by: Option<usize>,
}
