//! The stage's own view of the text: paragraph units, sentences and a
//! compact token table with quote marks told apart from apostrophes.
//!
//! The quote stage reads sentence boundaries from the segmenter but scans
//! the characters itself: whether a `'` opens a quote or is an apostrophe
//! depends on the characters around it, and the stage must work whatever
//! the tokenizer's conventions (`'s` split off or not).

use document::{Document, Span};

use crate::lexicon::{class, Lexicon};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters, possibly with inner apostrophes, hyphens or periods.
    Word,
    /// Starts with a digit.
    Number,
    /// Any other visible character (runs of `.` are one token).
    Punct,
    /// A quote mark (never an apostrophe).
    Quote,
}

/// The role a quote mark can play, from the characters around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Opens a double quote (`“`, `"` before a word, `«`).
    DOpen,
    /// Closes a double quote.
    DClose,
    /// A straight `"` whose role the context does not tell.
    DAmbig,
    /// Opens a single quote (`‘`, `'` before a word).
    SOpen,
    /// Closes a single quote, or is a possessive apostrophe (`players’`);
    /// pairing decides.
    SClose,
}

impl Mark {
    /// Whether the mark is a double quote.
    pub fn is_double(self) -> bool {
        matches!(self, Mark::DOpen | Mark::DClose | Mark::DAmbig)
    }
}

/// One token of the stage's own scan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
    /// What the token is.
    pub kind: Kind,
    /// Its first character.
    pub ch: char,
    /// [`flag`] bits: kept in one byte so that a token fits in 32 bytes.
    pub flags: u8,
    /// Word classes (see [`class`]).
    pub classes: u32,
    /// Lexicon entry, or [`NO_ENTRY`].
    pub entry: u32,
    /// For quote marks: the role the context allows.
    pub mark: Option<Mark>,
    /// Index of the sentence.
    pub sent: u32,
    /// Index of the unit (paragraph line).
    pub unit: u32,
}

// Two tokens per cache line: the passes over the token table run faster
// than with the 36 bytes three separate flag fields took.
const _: () = assert!(std::mem::size_of::<Tok>() == 32);

/// Bits of [`Tok::flags`].
pub(crate) mod flag {
    /// The first character is uppercase.
    pub const CAP: u8 = 1;
    /// The word ends in a possessive `'s`.
    pub const POSS: u8 = 2;
    /// The word is an abbreviation with its period (`Calif.`).
    pub const ABBR: u8 = 4;
}

/// `Tok::entry` of a word the lexicon does not have.
pub(crate) const NO_ENTRY: u32 = u32::MAX;

impl Tok {
    /// The byte span.
    #[inline]
    pub fn span(&self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }

    /// Whether the first character is uppercase.
    #[inline]
    pub fn cap(&self) -> bool {
        self.flags & flag::CAP != 0
    }

    /// Whether the word ends in a possessive `'s`.
    #[inline]
    pub fn poss(&self) -> bool {
        self.flags & flag::POSS != 0
    }

    /// Whether the word is an abbreviation with its period (`Calif.`).
    #[inline]
    pub fn abbr(&self) -> bool {
        self.flags & flag::ABBR != 0
    }

    /// Whether the token has any of the class bits.
    #[inline]
    pub fn is(&self, bits: u32) -> bool {
        self.classes & bits != 0
    }

    /// Whether the token is the punctuation character `c`.
    #[inline]
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.ch == c
    }

    /// Whether the token is a word.
    #[inline]
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// A capitalized word that is not a known function word: a name part.
    #[inline]
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Number)
            && self.cap()
            && self.classes
                & (class::DET
                    | class::PREP
                    | class::CONJ
                    | class::PRON_SUBJ
                    | class::PRON_OBJ
                    | class::AUX
                    | class::WH
                    | class::ADV)
                == 0
    }
}

/// A sentence of the scan: a token range inside one unit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sent {
    /// First token.
    pub start: u32,
    /// One past the last token.
    pub end: u32,
    /// Index of its unit.
    pub unit: u32,
}

/// A unit: one paragraph line, with its token range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    /// First token.
    pub start: u32,
    /// One past the last token.
    pub end: u32,
}

/// The scan of one document.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub toks: Vec<Tok>,
    pub sents: Vec<Sent>,
    pub units: Vec<Unit>,
    /// Indices of the quote-mark tokens ([`Kind::Quote`]), in order: the
    /// passes that only care about marks walk these, not every token.
    pub marks: Vec<u32>,
    /// Indices of the tokens that may start a reporting cue
    /// ([`class::CUE`]), in order.
    pub cues: Vec<u32>,
    /// Whether the units, hence the tokens, are in text order without
    /// overlaps (always so for a segmenter's paragraphs), so that tokens
    /// can be found by binary search on their offsets.
    pub ordered: bool,
    /// The units' byte spans (kept for their memory).
    unit_spans: Vec<Span>,
    /// Word fields by the word's bytes, kept from one document to the next.
    words: WordCache,
}

/// Whether `c` is a quote-mark character (straight, curly, low, guillemet).
#[inline]
pub(crate) fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '”'
            | '„'
            | '‟'
            | '‘'
            | '’'
            | '‚'
            | '‛'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '＂'
    )
}

#[inline]
fn is_opening_punct(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/' | '\u{2015}')
}

#[inline]
fn is_closing_context(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '—' | '–' | '…' | '-' | '/'
        )
        || is_quote_char(c)
}

/// Words that take an elided leading apostrophe (`'em`, `'til`).
fn is_elision(rest: &str) -> bool {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        word.as_str(),
        "em" | "til" | "tis" | "twas" | "cause" | "n" | "round" | "bout" | "nuff" | "ol"
    )
}

/// Elided years and decades: `'90s`, `’08`.
fn is_elided_number(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_digit()
        && b[1].is_ascii_digit()
        && b.get(2).map_or(true, |c| !c.is_ascii_digit())
}

impl Scan {
    /// A fresh scan of `doc` (see [`Scan::rescan`]).
    #[cfg(test)]
    pub fn new(doc: &Document, lex: &Lexicon, doubled_apostrophes: bool) -> Scan {
        let mut scan = Scan::default();
        scan.rescan(doc, lex, doubled_apostrophes);
        scan
    }

    /// Scans `doc` into this scan's tables, reusing their memory: units
    /// from its paragraphs (or its text) split at line breaks, sentences
    /// from its sentences (split further at units and at unmistakable
    /// sentence ends), tokens from its text.
    pub fn rescan(&mut self, doc: &Document, lex: &Lexicon, doubled_apostrophes: bool) {
        let scan = self;
        scan.toks.clear();
        scan.sents.clear();
        scan.units.clear();
        scan.marks.clear();
        scan.cues.clear();
        let mut words = scan.words.prepare(lex);
        let text = doc.text.as_str();
        let mut units = std::mem::take(&mut scan.unit_spans);
        units_of(doc, &mut units);
        scan.ordered = units.windows(2).all(|w| w[0].end <= w[1].start);
        // News text averages a token per five bytes; a quarter more room
        // spares most documents the copy of a grown token table.
        scan.toks.reserve(text.len() / 4 + 16);
        // The sink holds the tables themselves, not references to them: the
        // push of every token reads their lengths and pointers one load
        // nearer.
        let mut sink = Sink {
            toks: std::mem::take(&mut scan.toks),
            sents: std::mem::take(&mut scan.sents),
            marks: std::mem::take(&mut scan.marks),
            cues: std::mem::take(&mut scan.cues),
            text,
            seg_starts: &doc.sentences,
            next_seg: 0,
            next_seg_start: doc.sentences.first().map_or(NO_SEG, |s| s.span.start),
            sent_start: 0,
            unit: 0,
        };
        for (unit_idx, span) in units.iter().enumerate() {
            let first = sink.toks.len() as u32;
            sink.sent_start = first;
            sink.unit = unit_idx as u32;
            lex_unit(text, *span, lex, doubled_apostrophes, &mut sink, &mut words);
            let last = sink.toks.len() as u32;
            scan.units.push(Unit {
                start: first,
                end: last,
            });
            if last > sink.sent_start {
                sink.sents.push(Sent {
                    start: sink.sent_start,
                    end: last,
                    unit: unit_idx as u32,
                });
            }
        }
        scan.toks = sink.toks;
        scan.sents = sink.sents;
        scan.marks = sink.marks;
        scan.cues = sink.cues;
        scan.unit_spans = units;
    }
}

/// `Sink::next_seg_start` past the segmenter's last sentence: no token
/// starts there (offsets are below the text's length).
const NO_SEG: u32 = u32::MAX;

/// Where [`lex_unit`] puts its tokens. Each token gets its sentence, and
/// goes to the mark and cue lists, as it is pushed: the decision needs only
/// the tokens before it, and a second pass over the unit's tokens cost a
/// sixth of the scan.
struct Sink<'a> {
    toks: Vec<Tok>,
    sents: Vec<Sent>,
    marks: Vec<u32>,
    cues: Vec<u32>,
    text: &'a str,
    /// The segmenter's sentences, whose starts are walked alongside.
    seg_starts: &'a [document::Sentence],
    /// Index of the next segmenter sentence not yet reached.
    next_seg: usize,
    /// Its start, or [`NO_SEG`]: one compare per token.
    next_seg_start: u32,
    /// First token of the sentence being built.
    sent_start: u32,
    /// Index of the unit being scanned.
    unit: u32,
}

impl Sink<'_> {
    /// Appends `tok` (its `sent` is set here), ending the sentence before
    /// it at a segmenter boundary or an unmistakable sentence end.
    #[inline(always)]
    fn push(&mut self, mut tok: Tok) {
        let t = self.toks.len() as u32;
        let boundary = tok.start >= self.next_seg_start && self.pass_seg_starts(tok.start);
        // Only a capitalized word or an opening mark can follow an end:
        // the cheap test on the token itself goes first.
        if t > self.sent_start
            && (boundary
                || may_start_sentence(&tok)
                    && sentence_end_before(&self.toks[self.sent_start as usize..], self.text))
        {
            self.sents.push(Sent {
                start: self.sent_start,
                end: t,
                unit: self.unit,
            });
            self.sent_start = t;
        }
        tok.sent = self.sents.len() as u32;
        if tok.kind == Kind::Quote {
            self.marks.push(t);
        }
        if tok.classes & class::CUE != 0 {
            self.cues.push(t);
        }
        self.toks.push(tok);
    }

    /// Moves past the segmenter sentences that start at or before `start`
    /// (at least one); true.
    #[inline(never)]
    fn pass_seg_starts(&mut self, start: u32) -> bool {
        while self
            .seg_starts
            .get(self.next_seg)
            .is_some_and(|s| s.span.start <= start)
        {
            self.next_seg += 1;
        }
        self.next_seg_start = self
            .seg_starts
            .get(self.next_seg)
            .map_or(NO_SEG, |s| s.span.start);
        true
    }
}

/// Whether `tok` can start a sentence after an unmistakable end: a
/// capitalized word or an opening quote mark.
#[inline(always)]
fn may_start_sentence(tok: &Tok) -> bool {
    matches!(tok.mark, Some(Mark::DOpen | Mark::SOpen)) || tok.kind == Kind::Word && tok.cap()
}

/// Whether an unmistakable sentence end comes after `toks` (the current
/// sentence so far), given that the next token may start a sentence (see
/// [`may_start_sentence`]): `.`, `!` or `?` (perhaps followed by closing
/// quotes or brackets); after `.`, the word before must be lowercase, so
/// that `Mr. Smith` and `U.S. Army` stay whole.
fn sentence_end_before(toks: &[Tok], text: &str) -> bool {
    let at = toks.len();
    // Most capitalized words follow a word or number, which no end can be.
    if at == 0 || matches!(toks[at - 1].kind, Kind::Word | Kind::Number) {
        return false;
    }
    let mut i = at;
    let mut closed = false;
    while i > 0 {
        let t = &toks[i - 1];
        if t.kind == Kind::Quote && !matches!(t.mark, Some(Mark::DOpen | Mark::SOpen))
            || t.is_punct(')')
        {
            closed = true;
            i -= 1;
            continue;
        }
        break;
    }
    if i == 0 {
        return false;
    }
    let end = &toks[i - 1];
    if end.kind != Kind::Punct {
        return false;
    }
    match end.ch {
        '!' | '?' | '…' => true,
        '.' => {
            if closed {
                return true;
            }
            if i < 2 {
                return false;
            }
            let before = &toks[i - 2];
            match before.kind {
                Kind::Number | Kind::Quote => true,
                Kind::Word => {
                    let word = &text[before.start as usize..before.end as usize];
                    !is_abbreviation(word)
                }
                Kind::Punct => false,
            }
        }
        _ => false,
    }
}

/// Words that a period after does not end a sentence: initials, dotted
/// abbreviations (`U.S.`), titles and other common short forms.
#[inline(never)]
fn is_abbreviation(word: &str) -> bool {
    // Most words asked about end a sentence and are longer than any short
    // form below (six bytes at most) or any one character (four).
    if word.len() > 6 {
        return word.contains('.');
    }
    if word.chars().count() == 1 || word.contains('.') {
        return true;
    }
    let first_upper = word.chars().next().is_some_and(char::is_uppercase);
    if !first_upper {
        return matches!(word, "vs" | "etc" | "approx" | "est" | "p.m" | "a.m");
    }
    matches!(
        word,
        "Mr" | "Mrs"
            | "Ms"
            | "Mx"
            | "Dr"
            | "Prof"
            | "Sen"
            | "Sens"
            | "Rep"
            | "Reps"
            | "Gov"
            | "Gen"
            | "Col"
            | "Lt"
            | "Sgt"
            | "Capt"
            | "Cmdr"
            | "Adm"
            | "Maj"
            | "Cpl"
            | "Pvt"
            | "St"
            | "Mt"
            | "Ft"
            | "Jr"
            | "Sr"
            | "Inc"
            | "Corp"
            | "Co"
            | "Ltd"
            | "Bros"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "No"
            | "Nos"
            | "Vol"
            | "Fig"
            | "Pres"
            | "Rev"
            | "Hon"
            | "Supt"
            | "Det"
            | "Insp"
            | "Atty"
            | "Ave"
            | "Blvd"
            | "Rd"
            | "Mass"
            | "Calif"
            | "Fla"
            | "Ill"
            | "Pa"
            | "Va"
            | "Wash"
            | "Ariz"
            | "Ga"
            | "Mich"
            | "Minn"
            | "Tenn"
            | "Tex"
            | "Wis"
            | "Colo"
            | "Conn"
            | "Ky"
            | "La"
            | "Md"
            | "Mo"
            | "Nev"
            | "Okla"
            | "Ore"
            | "Del"
            | "Ala"
            | "Ark"
            | "Kan"
            | "Neb"
            | "Miss"
            | "Op"
            | "Ed"
            | "Eds"
            | "Univ"
            | "Dept"
            | "Gens"
            | "Messrs"
    )
}

/// Units: the document's paragraphs (or its text) cut at line breaks, except
/// where a line is plainly wrapped (it ends in a letter or comma and the next
/// starts lowercase).
/// They are written to `units`, emptied first.
fn units_of(doc: &Document, units: &mut Vec<Span>) {
    units.clear();
    let text = doc.text.as_str();
    let whole = [Span::new(0, text.len())];
    let paragraphs: &[Span] = if doc.paragraphs.is_empty() {
        &whole
    } else {
        &doc.paragraphs
    };
    for &para in paragraphs
        .iter()
        .filter(|p| p.end as usize <= text.len() && p.start <= p.end)
    {
        let Some(slice) = text.get(para.range()) else {
            continue;
        };
        let mut line_start = 0usize;
        for (i, _) in slice.match_indices('\n') {
            let line = slice[line_start..i].trim_end();
            let rest = slice[i + 1..].trim_start();
            let wrapped = line
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphabetic() || c == ',')
                && rest.chars().next().is_some_and(char::is_lowercase);
            if wrapped {
                continue;
            }
            push_trimmed(units, slice, para.start as usize, line_start, i);
            line_start = i + 1;
        }
        push_trimmed(units, slice, para.start as usize, line_start, slice.len());
    }
}

fn push_trimmed(units: &mut Vec<Span>, slice: &str, base: usize, start: usize, end: usize) {
    let piece = &slice[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        let s = base + start + lead;
        units.push(Span::new(s, s + trimmed.len()));
    }
}

/// Tokenizes one unit.
fn lex_unit(
    text: &str,
    span: Span,
    lex: &Lexicon,
    doubled_apostrophes: bool,
    out: &mut Sink<'_>,
    cache: &mut WarmCache<'_>,
) {
    let unit = out.unit;
    let slice = &text[span.range()];
    let bytes = slice.as_bytes();
    let base = span.start;
    let mut last_mark_opened = false;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast paths: spaces and plain words.
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b.is_ascii_alphanumeric() {
            let end = word_end_at(slice, i);
            push_word(out, slice, base, i, end, unit, lex, cache);
            i = end;
            // Most words are followed by one space: stepping over it here
            // spares a turn of the loop.
            if bytes.get(i) == Some(&b' ') {
                i += 1;
            }
            continue;
        }
        // Visible ASCII that is not a quote mark or a backtick (which may be
        // doubled): punctuation, as below, without decoding a char or
        // testing for marks.
        if matches!(b, b'!'..=b'~') && !matches!(b, b'"' | b'\'' | b'`') {
            i = push_punct(out, bytes, base, i, b as char, unit);
            continue;
        }
        i = lex_other(
            slice,
            base,
            i,
            unit,
            lex,
            doubled_apostrophes,
            &mut last_mark_opened,
            out,
            cache,
        );
    }
}

/// Tokenizes what starts at `i` when it is neither ASCII space, an ASCII
/// word nor visible ASCII punctuation: quote marks, apostrophes, other
/// spaces, non-ASCII words and punctuation; returns where the next token
/// may start. Out of [`lex_unit`]'s loop, which it would crowd: the loop's
/// common cases keep their values in registers.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn lex_other(
    slice: &str,
    base: u32,
    i: usize,
    unit: u32,
    lex: &Lexicon,
    doubled_apostrophes: bool,
    last_mark_opened: &mut bool,
    out: &mut Sink<'_>,
    cache: &mut WarmCache<'_>,
) -> usize {
    // The char before a quote mark is read when one comes, not tracked
    // along the way: most tokens are words, which would pay for it.
    let prev_char = |i: usize| slice[..i].chars().next_back();
    let bytes = slice.as_bytes();
    let c = slice[i..].chars().next().unwrap_or(' ');
    let clen = c.len_utf8();
    if c.is_whitespace() {
        return i + clen;
    }
    let start = i;
    let next = slice[i + clen..].chars().next();
    // Doubled single marks (`''Yes,'' he said`, ``` ``Yes'' ```), as in
    // some newspapers' archives: one double mark when asked for, else
    // one inert token (neither a quote mark nor two apostrophes).
    if (c == '\'' || c == '`') && next == Some(c) {
        let end = i + 2;
        if !doubled_apostrophes {
            out.push(Tok {
                mark: None,
                ..quote_tok(base, start, end, c, Mark::DAmbig, unit)
            });
            return end;
        }
        let n = slice[end..].chars().next();
        let p_open = prev_char(start).map_or(true, |p| {
            p.is_whitespace() || is_opening_punct(p) || (is_quote_char(p) && *last_mark_opened)
        });
        let n_close = n.map_or(true, is_closing_context);
        let as_char = if c == '`' { '“' } else { '"' };
        if let Some(mark) = classify_mark(as_char, p_open, n_close, false) {
            *last_mark_opened = matches!(mark, Mark::DOpen | Mark::SOpen);
            out.push(quote_tok(base, start, end, as_char, mark, unit));
        }
        return end;
    }
    if is_quote_char(c) {
        let rest = &slice[i + clen..];
        let prev = prev_char(start);
        let after_word = prev.is_some_and(char::is_alphanumeric);
        // Elisions (`'90s`, `’em`) are part of the next word.
        if !after_word
            && matches!(c, '\'' | '‘' | '’')
            && (is_elided_number(rest) || is_elision(rest))
        {
            let end = word_end(slice, i + clen);
            push_word(out, slice, base, start, end, unit, lex, cache);
            return end;
        }
        let p_open = match prev {
            None => true,
            Some(p) => {
                p.is_whitespace() || is_opening_punct(p) || (is_quote_char(p) && *last_mark_opened)
            }
        };
        let n_close = next.map_or(true, is_closing_context);
        if let Some(mark) = classify_mark(c, p_open, n_close, after_word) {
            *last_mark_opened = matches!(mark, Mark::DOpen | Mark::SOpen);
            out.push(quote_tok(base, start, i + clen, c, mark, unit));
        }
        return i + clen;
    }
    if c.is_alphanumeric() {
        let end = word_end_at(slice, i);
        push_word(out, slice, base, start, end, unit, lex, cache);
        return end;
    }
    push_punct(out, bytes, base, start, c, unit)
}

/// Pushes the punctuation token of `c` at `start` (runs of periods are one
/// token); returns its end.
#[inline(always)]
fn push_punct(
    out: &mut Sink<'_>,
    bytes: &[u8],
    base: u32,
    start: usize,
    c: char,
    unit: u32,
) -> usize {
    let mut end = start + c.len_utf8();
    if c == '.' {
        while bytes.get(end) == Some(&b'.') {
            end += 1;
        }
    }
    out.push(Tok {
        start: base + start as u32,
        end: base + end as u32,
        kind: Kind::Punct,
        ch: if end - start > 1 { '…' } else { c },
        flags: 0,
        classes: 0,
        entry: NO_ENTRY,
        mark: None,
        sent: 0,
        unit,
    });
    end
}

fn quote_tok(base: u32, start: usize, end: usize, ch: char, mark: Mark, unit: u32) -> Tok {
    Tok {
        start: base + start as u32,
        end: base + end as u32,
        kind: Kind::Quote,
        ch,
        flags: 0,
        classes: 0,
        entry: NO_ENTRY,
        mark: Some(mark),
        sent: 0,
        unit,
    }
}

/// End of the word starting at `i`, with an abbreviation's period
/// (`Rep.`, `Jason C. Ervin`) kept, so that names run across it.
#[inline(always)]
fn word_end_at(slice: &str, i: usize) -> usize {
    let mut end = word_end(slice, i);
    let bytes = slice.as_bytes();
    if bytes.get(end) == Some(&b'.')
        && bytes.get(end + 1) != Some(&b'.')
        && !bytes[i].is_ascii_digit()
        && is_abbreviation(&slice[i..end])
    {
        end += 1;
    }
    end
}

/// The role of a quote mark from its context.
fn classify_mark(c: char, p_open: bool, n_close: bool, after_word: bool) -> Option<Mark> {
    Some(match c {
        '"' | '＂' => match (p_open, n_close) {
            (true, false) => Mark::DOpen,
            (false, true) => Mark::DClose,
            _ => Mark::DAmbig,
        },
        '“' | '„' | '‟' => {
            if !p_open && n_close {
                Mark::DClose
            } else {
                Mark::DOpen
            }
        }
        '”' => {
            if p_open && !n_close {
                Mark::DOpen
            } else {
                Mark::DClose
            }
        }
        '«' => Mark::DOpen,
        '»' => Mark::DClose,
        '‹' | '‚' | '‛' => Mark::SOpen,
        '›' => Mark::SClose,
        '‘' => {
            if after_word {
                return None;
            }
            Mark::SOpen
        }
        '\'' | '’' => {
            if !p_open && n_close {
                Mark::SClose
            } else if p_open && !n_close && !after_word {
                Mark::SOpen
            } else {
                return None;
            }
        }
        _ => return None,
    })
}

/// End (byte offset in `slice`) of the word or number starting at `i`.
#[inline(always)]
fn word_end(slice: &str, i: usize) -> usize {
    let bytes = slice.as_bytes();
    // ASCII fast path: letters and digits, with joiners between them.
    let mut j = i;
    if bytes[i].is_ascii_alphanumeric() {
        j += 1;
        loop {
            j = alnum_run_end(bytes, j);
            let Some(&b) = bytes.get(j) else {
                return j;
            };
            // The byte after is read only for a joiner: most words end at
            // a space.
            let next = || bytes.get(j + 1).copied().unwrap_or(b' ');
            let joins = match b {
                b'\'' | b'-' | b'.' | b'&' => next().is_ascii_alphanumeric(),
                b',' | b':' | b'/' => bytes[j - 1].is_ascii_digit() && next().is_ascii_digit(),
                0x80.. => break,
                _ => false,
            };
            if !joins {
                return j;
            }
            j += 1;
        }
    }
    word_end_chars(slice, i)
}

/// The first index at or after `j` whose byte is not an ASCII letter or
/// digit (or `bytes.len()`). Looks at eight bytes at a time while it can:
/// the byte loop's exit branch, mispredicted at nearly every word end, was
/// most of the scan's tokenizing cost.
#[inline]
fn alnum_run_end(bytes: &[u8], mut j: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // The high bit of each byte of `x7 + (0x80 - lo)` is set iff the byte
    // is at least `lo` (bytes below 0x80 cannot carry into their neighbour).
    let in_range = |x7: u64, lo: u8, hi: u8| -> u64 {
        let at_least_lo = x7 + ONES * (0x80 - u64::from(lo));
        let above_hi = x7 + ONES * (0x80 - u64::from(hi) - 1);
        at_least_lo & !above_hi & HIGH
    };
    while let Some(chunk) = bytes.get(j..j + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let x7 = x & !HIGH;
        // Letters are tested lowercased (bit 0x20 set); non-ASCII bytes
        // (high bit set in `x`) are never alphanumeric.
        let lowered = x7 | (ONES * 0x20);
        let alnum = (in_range(x7, b'0', b'9') | in_range(lowered, b'a', b'z')) & !x;
        let stop = !alnum & HIGH;
        if stop != 0 {
            return j + (stop.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < bytes.len() && bytes[j].is_ascii_alphanumeric() {
        j += 1;
    }
    j
}

/// [`word_end`] for words with non-ASCII characters.
#[inline(never)]
fn word_end_chars(slice: &str, i: usize) -> usize {
    let bytes = slice.as_bytes();
    let mut end = i;
    let mut iter = slice[i..].char_indices().peekable();
    // The first char (may be an elision apostrophe) is always taken.
    if let Some((_, c)) = iter.next() {
        end = i + c.len_utf8();
    }
    while let Some((j, c)) = iter.next() {
        if c.is_alphanumeric() {
            end = i + j + c.len_utf8();
            continue;
        }
        let joins = matches!(c, '\'' | '’' | '-' | '.' | '&' | '‑' | ',' | ':' | '/');
        let next_alnum = iter.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if !(joins && next_alnum) {
            break;
        }
        // Commas, colons and slashes join only digits (`1,000`, `10:30`).
        if matches!(c, ',' | ':' | '/') {
            let prev_digit = bytes[i + j - 1].is_ascii_digit();
            let next_digit = iter.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
            if !(prev_digit && next_digit) {
                break;
            }
        }
        end = i + j + c.len_utf8();
    }
    end
}

/// What a word's token takes from the word's bytes alone: everything but
/// its position.
#[derive(Debug, Clone, Copy)]
struct WordFields {
    kind: Kind,
    ch: char,
    flags: u8,
    classes: u32,
    entry: u32,
}

impl WordFields {
    /// The fields of a word whose first byte is an ASCII digit: what
    /// [`WordFields::of`] finds for it, without the lexicon.
    #[inline]
    fn of_number(word: &[u8]) -> WordFields {
        let poss = match word[word.len() - 1] {
            b's' => word.ends_with(b"'s") || word.ends_with("’s".as_bytes()),
            b'\'' => word.ends_with(b"s'"),
            _ => false,
        };
        WordFields {
            kind: Kind::Number,
            ch: word[0] as char,
            flags: if poss { flag::POSS } else { 0 }
                | if word.len() > 1 && word.ends_with(b".") {
                    flag::ABBR
                } else {
                    0
                },
            classes: 0,
            entry: NO_ENTRY,
        }
    }

    /// The fields of `slice[start..end]`.
    #[inline(never)]
    fn of(slice: &str, start: usize, end: usize, lex: &Lexicon) -> WordFields {
        let word = &slice[start..end];
        let b0 = word.as_bytes()[0];
        let (first, first_alnum) = if b0.is_ascii_alphanumeric() {
            (b0 as char, b0 as char)
        } else {
            (
                word.chars().next().unwrap_or(' '),
                word.chars().find(|c| c.is_alphanumeric()).unwrap_or(' '),
            )
        };
        let kind = if first_alnum.is_ascii_digit() {
            Kind::Number
        } else {
            Kind::Word
        };
        // Most words end in neither `s` nor `'`: one byte test for them.
        let poss = match word.as_bytes()[word.len() - 1] {
            b's' => word.ends_with("'s") || word.ends_with("’s"),
            b'\'' => word.ends_with("s'"),
            _ => false,
        };
        let (entry, classes) = if kind == Kind::Number {
            (NO_ENTRY, 0)
        } else {
            match lex.lookup_at(slice.as_bytes(), start, end) {
                Some(found) => found,
                None => (NO_ENTRY, adverb_by_suffix(word)),
            }
        };
        WordFields {
            kind,
            ch: first,
            flags: if first_alnum.is_uppercase() {
                flag::CAP
            } else {
                0
            } | if poss { flag::POSS } else { 0 }
                | if word.len() > 1 && word.ends_with('.') {
                    flag::ABBR
                } else {
                    0
                },
            classes,
            entry,
        }
    }
}

/// Words up to this many bytes go through the [`WordCache`].
const CACHED_WORD: usize = 16;

/// log2 of the number of [`WordCache`] slots: a megabyte of BBC news has
/// ~12,000 distinct short words, and with 8192 direct-mapped slots one
/// lookup in six missed, one in eight with 16384 (512 KiB, within a core's
/// second-level cache); as 8192 sets of two ways, one in ten (on that
/// megabyte 14,239 of 141,404 lookups instead of 17,644; on the whole BBC
/// corpus 60,174 words computed instead of 82,942).
const WORD_CACHE_BITS: u32 = 14;

/// One slot of the [`WordCache`]: a word of up to [`CACHED_WORD`] bytes,
/// zero padded, with its fields.
#[derive(Debug, Clone, Copy)]
#[repr(align(32))]
struct CachedWord {
    key: [u64; 2],
    classes: u32,
    entry: u32,
    ch: char,
    kind: Kind,
    flags: u8,
    /// The word's length; 0 for an empty slot (no word is empty).
    len: u8,
}

const EMPTY_SLOT: CachedWord = CachedWord {
    key: [0; 2],
    classes: 0,
    entry: NO_ENTRY,
    ch: ' ',
    kind: Kind::Word,
    flags: 0,
    len: 0,
};

const _: () = assert!(std::mem::size_of::<CachedWord>() == 32);

/// A two-way set-associative cache of [`WordFields`] by the word's bytes
/// (see [`WarmCache::miss`]): news text
/// repeats a few thousand words, and a hit spares the lexicon lookup (a
/// probe of a table several times the size of the first-level cache) and
/// the checks on the word's characters. It lives with the thread's spare
/// scan, so it stays warm from one document to the next.
#[derive(Clone, Default)]
pub(crate) struct WordCache {
    /// [`Lexicon::id`] of the lexicon the fields come from.
    lex_id: u64,
    slots: Vec<CachedWord>,
}

impl std::fmt::Debug for WordCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordCache")
            .field("lex_id", &self.lex_id)
            .field("slots", &self.slots.len())
            .finish()
    }
}

/// The slots of a [`WordCache`], as an array: a slot's index needs no
/// bounds check.
type Slots = [CachedWord; 1 << WORD_CACHE_BITS];

/// A [`WordCache`] made ready for one lexicon's words.
struct WarmCache<'a> {
    slots: &'a mut Slots,
}

impl WordCache {
    /// The cache's slots for `lex`, emptied unless they hold its lookups.
    fn prepare(&mut self, lex: &Lexicon) -> WarmCache<'_> {
        if self.lex_id != lex.id() || self.slots.len() != 1 << WORD_CACHE_BITS {
            self.slots.clear();
            self.slots.resize(1 << WORD_CACHE_BITS, EMPTY_SLOT);
            self.lex_id = lex.id();
        }
        WarmCache {
            slots: self
                .slots
                .as_mut_slice()
                .try_into()
                .expect("the slots were just sized"),
        }
    }
}

impl WarmCache<'_> {
    /// The fields of the word `slice[start..end]`, from the cache or
    /// computed (and cached).
    #[inline(always)]
    fn fields(&mut self, slice: &str, start: usize, end: usize, lex: &Lexicon) -> WordFields {
        let len = end - start;
        if len > CACHED_WORD {
            return WordFields::of(slice, start, end, lex);
        }
        let bytes = slice.as_bytes();
        if bytes[start].is_ascii_digit() {
            // Numbers have no lexicon entry and are mostly one-offs: not
            // worth a slot.
            return WordFields::of_number(&bytes[start..end]);
        }
        let key = word_key(bytes, start, end);
        let hash =
            (key[0] ^ key[1].rotate_left(23) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The set's first way: the even slot of a pair.
        let idx = (hash >> (64 - WORD_CACHE_BITS)) as usize & !1;
        let slot = &self.slots[idx];
        if slot.len as usize == len && slot.key == key {
            return WordFields {
                kind: slot.kind,
                ch: slot.ch,
                flags: slot.flags,
                classes: slot.classes,
                entry: slot.entry,
            };
        }
        self.miss(idx, key, slice, start, end, lex)
    }

    /// [`WarmCache::fields`] when the word is not in the first way `idx` of
    /// its set: from the second way (`idx + 1`, in the same cache line), or
    /// computed. The word then takes the first way and the first way's word
    /// the second, so the more recent word of a set is found at the first
    /// probe: with one way, words that shared a slot evicted each other.
    #[cold]
    #[inline(never)]
    fn miss(
        &mut self,
        idx: usize,
        key: [u64; 2],
        slice: &str,
        start: usize,
        end: usize,
        lex: &Lexicon,
    ) -> WordFields {
        let len = end - start;
        let partner = &self.slots[idx + 1];
        let cached = if partner.len as usize == len && partner.key == key {
            *partner
        } else {
            let fields = WordFields::of(slice, start, end, lex);
            CachedWord {
                key,
                classes: fields.classes,
                entry: fields.entry,
                ch: fields.ch,
                kind: fields.kind,
                flags: fields.flags,
                len: len as u8,
            }
        };
        self.slots[idx + 1] = self.slots[idx];
        self.slots[idx] = cached;
        WordFields {
            kind: cached.kind,
            ch: cached.ch,
            flags: cached.flags,
            classes: cached.classes,
            entry: cached.entry,
        }
    }
}

/// For each length `n` in `0..=16`, the masks keeping the first `n` bytes
/// of two little-endian `u64`s: one load per word instead of a clamp and
/// a load for each half.
const KEY_MASKS: [[u64; 2]; CACHED_WORD + 1] = {
    /// The mask of the first `n` bytes, for `n` in `1..=8`.
    const fn low(n: usize) -> u64 {
        u64::MAX >> (64 - 8 * n)
    }
    let mut masks = [[0u64; 2]; CACHED_WORD + 1];
    let mut n = 1;
    while n <= CACHED_WORD {
        masks[n] = if n <= 8 {
            [low(n), 0]
        } else {
            [u64::MAX, low(n - 8)]
        };
        n += 1;
    }
    masks
};

/// The word `bytes[start..end]` (at most [`CACHED_WORD`] bytes) as two
/// little-endian `u64`s, zero padded.
#[inline(always)]
fn word_key(bytes: &[u8], start: usize, end: usize) -> [u64; 2] {
    let len = end - start;
    let (lo, hi) = match bytes.get(start..start + 16) {
        Some(chunk) => {
            let (a, b) = chunk.split_at(8);
            (
                u64::from_le_bytes(a.try_into().expect("8 bytes")),
                u64::from_le_bytes(b.try_into().expect("8 bytes")),
            )
        }
        None => {
            let mut buf = [0u8; 16];
            buf[..len].copy_from_slice(&bytes[start..end]);
            let (a, b) = buf.split_at(8);
            (
                u64::from_le_bytes(a.try_into().expect("8 bytes")),
                u64::from_le_bytes(b.try_into().expect("8 bytes")),
            )
        }
    };
    let [mask_lo, mask_hi] = KEY_MASKS[len];
    [lo & mask_lo, hi & mask_hi]
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn push_word(
    out: &mut Sink<'_>,
    slice: &str,
    base: u32,
    start: usize,
    end: usize,
    unit: u32,
    lex: &Lexicon,
    cache: &mut WarmCache<'_>,
) {
    let WordFields {
        kind,
        ch,
        flags,
        classes,
        entry,
    } = cache.fields(slice, start, end, lex);
    out.push(Tok {
        start: base + start as u32,
        end: base + end as u32,
        kind,
        ch,
        flags,
        classes,
        entry,
        mark: None,
        sent: 0,
        unit,
    });
}

/// Lowercase words in `-ly` are read as adverbs (`angrily`), except a few
/// common nouns and adjectives.
fn adverb_by_suffix(word: &str) -> u32 {
    let b = word.as_bytes();
    if b.len() >= 5 && b.ends_with(b"ly") && b[0].is_ascii_lowercase() {
        let w = word;
        if matches!(
            w,
            "family"
                | "rally"
                | "ally"
                | "assembly"
                | "supply"
                | "reply"
                | "anomaly"
                | "monopoly"
                | "bully"
                | "belly"
                | "jelly"
                | "folly"
                | "homily"
                | "italy"
                | "early"
                | "only"
                | "daily"
                | "weekly"
                | "monthly"
                | "likely"
                | "friendly"
                | "elderly"
                | "holy"
        ) {
            return 0;
        }
        return class::ADV;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> (Scan, Document) {
        let lex = Lexicon::bundled();
        let doc = Document::new("t", "test", text);
        (Scan::new(&doc, &lex, true), doc)
    }

    fn words(text: &str) -> Vec<String> {
        let (s, doc) = scan(text);
        s.toks
            .iter()
            .map(|t| {
                let w = t.span().text(&doc.text).to_string();
                match t.mark {
                    Some(m) => format!("{w}:{m:?}"),
                    None => w,
                }
            })
            .collect()
    }

    #[test]
    fn apostrophes_are_not_quote_marks() {
        assert_eq!(
            words("Russia's rock 'n' roll of the '90s, ’em and don’t"),
            [
                "Russia's", "rock", "'n", "'", "roll", "of", "the", "'90s", ",", "’em", "and",
                "don’t"
            ]
            .iter()
            .map(|s| if *s == "'" {
                "':SClose".to_string()
            } else {
                s.to_string()
            })
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn quote_marks_get_roles_from_context() {
        assert_eq!(
            words("\"Yes,\" he said, “no” «oui» 'fine.'"),
            [
                "\":DOpen",
                "Yes",
                ",",
                "\":DClose",
                "he",
                "said",
                ",",
                "“:DOpen",
                "no",
                "”:DClose",
                "«:DOpen",
                "oui",
                "»:DClose",
                "':SOpen",
                "fine",
                ".",
                "':SClose"
            ]
        );
    }

    #[test]
    fn sentences_split_at_lines_and_clear_ends_only() {
        let (s, _) = scan("Mr. Smith went to the U.S. Army. He said no.\nNext line here.");
        assert_eq!(s.units.len(), 2);
        assert_eq!(s.sents.len(), 3);
        let (s, _) = scan("A wrapped line goes\non here.");
        assert_eq!(s.units.len(), 1);
    }

    #[test]
    fn tokens_know_their_sentence_marks_and_cues() {
        let lex = Lexicon::bundled();
        let text = "Mr. Smith said \"No.\" Then he left, officials said; \
                    the talks end\nHe told reporters 'fine' today";
        let mut doc = Document::new("t", "test", text);
        // A segmenter sentence starting inside the first unit, at `Then`,
        // and one starting mid-word, which ends the sentence at the next
        // token.
        let then = text.find("Then").unwrap();
        let talks = text.find("alks").unwrap();
        for start in [0, then, talks] {
            doc.sentences.push(document::Sentence {
                span: Span::new(start, start + 1),
                tokens: 0..0,
                paragraph_idx: 0,
            });
        }
        let scan = Scan::new(&doc, &lex, false);
        let word = |t: u32| scan.toks[t as usize].span().text(text);
        let starts: Vec<&str> = scan.sents.iter().map(|s| word(s.start)).collect();
        assert_eq!(starts, ["Mr.", "Then", "end", "He"]);
        for (i, s) in scan.sents.iter().enumerate() {
            assert!(s.start < s.end);
            for t in &scan.toks[s.start as usize..s.end as usize] {
                assert_eq!((t.sent, t.unit), (i as u32, s.unit));
            }
        }
        assert_eq!(scan.sents.last().unwrap().end as usize, scan.toks.len());
        let marks: Vec<u32> = (0..scan.toks.len() as u32)
            .filter(|&t| scan.toks[t as usize].kind == Kind::Quote)
            .collect();
        assert_eq!(marks.len(), 4);
        assert_eq!(scan.marks, marks);
        let cues: Vec<&str> = scan.cues.iter().map(|&t| word(t)).collect();
        assert_eq!(cues, ["said", "said", "talks", "told"]);
    }

    #[test]
    fn alnum_runs_end_at_the_first_other_byte() {
        let text = "abcXYZ0123456789wordsAndMore, and é or [z] `Za@9:";
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            let mut expected = start;
            while expected < bytes.len() && bytes[expected].is_ascii_alphanumeric() {
                expected += 1;
            }
            assert_eq!(alnum_run_end(bytes, start), expected, "from {start}");
        }
        // Every byte value, at every position of a chunk.
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut buf = *b"aaaaaaaaaaaaaaaa";
                buf[pos] = b;
                let expected = if b.is_ascii_alphanumeric() { 16 } else { pos };
                assert_eq!(alnum_run_end(&buf, 0), expected, "byte {b} at {pos}");
            }
        }
    }

    #[test]
    fn cached_word_fields_are_the_computed_ones() {
        let lex = Lexicon::bundled();
        // Words of every length around the key's chunk sizes, in several
        // cases, with possessives, abbreviations and non-ASCII letters;
        // the last word ends the text (its key is read without padding).
        let text = "He said Said SAID says reportedly Reportedly internationally \
                    Internationalisation counter-intelligence counter-intelligences \
                    abcdefgh abcdefghi abcdefghijklmnop abcdefghijklmnopq Smith's \
                    players' Calif. U.S. Café café 1,000 1990's 1990s' 1990’s 4/8/2022 \
                    '90s ’em according to said";
        let doc = Document::new("t", "test", text);
        let mut scan = Scan::default();
        // Twice: the second scan reads every word from the cache.
        for _ in 0..2 {
            scan.rescan(&doc, &lex, false);
            let slice = doc.text.as_str();
            for t in scan
                .toks
                .iter()
                .filter(|t| matches!(t.kind, Kind::Word | Kind::Number))
            {
                let f = WordFields::of(slice, t.start as usize, t.end as usize, &lex);
                let w = t.span().text(slice);
                assert_eq!(
                    (t.kind, t.ch, t.flags, t.classes, t.entry),
                    (f.kind, f.ch, f.flags, f.classes, f.entry),
                    "{w}"
                );
            }
        }
        // A cache filled from another lexicon is not used.
        let other = Lexicon::bundled();
        assert_ne!(other.id(), lex.id());
        scan.words.slots[0].len = 1;
        scan.rescan(&doc, &other, false);
        assert_eq!(scan.words.lex_id, other.id());
    }

    #[test]
    fn cached_word_fields_survive_evictions() {
        // More distinct words than the cache has slots, between words that
        // come back often: every way of a set is filled, evicted and hit.
        let lex = Lexicon::bundled();
        let mut text = String::new();
        for n in 0..(3usize << WORD_CACHE_BITS) {
            text.push_str(["said ", "The ", "officials ", "told "][n % 4]);
            text.push_str(&format!("w{n:x}q "));
        }
        let doc = Document::new("t", "test", &text);
        let mut scan = Scan::default();
        for _ in 0..2 {
            scan.rescan(&doc, &lex, false);
            assert_eq!(scan.toks.len(), 6 << WORD_CACHE_BITS);
            for t in &scan.toks {
                let f = WordFields::of(&text, t.start as usize, t.end as usize, &lex);
                assert_eq!(
                    (t.kind, t.ch, t.flags, t.classes, t.entry),
                    (f.kind, f.ch, f.flags, f.classes, f.entry),
                    "{}",
                    t.span().text(&text)
                );
            }
        }
    }

    #[test]
    fn abbreviations_are_short_forms_initials_or_dotted() {
        for word in [
            "Messrs",
            "approx",
            "Calif",
            "Mr",
            "J",
            "É",
            "U.S",
            "e.g",
            "a.b.c.d.e.f.g",
        ] {
            assert!(is_abbreviation(word), "{word}");
        }
        for word in [
            "Messrsx",
            "approxi",
            "yesterday",
            "said",
            "Smith",
            "Éric",
            "MESSRS",
        ] {
            assert!(!is_abbreviation(word), "{word}");
        }
    }

    #[test]
    fn numbers_keep_their_separators() {
        assert_eq!(
            words("4/8/2022 cost $1,000.50"),
            ["4/8/2022", "cost", "$", "1,000.50"]
        );
    }
}
