//! Sentence boundaries inside one paragraph.
//!
//! The scanner jumps from one sentence-final mark (`.`, `!`, `?`, `…`, ...) or
//! list bullet to the next and decides each one from its neighbours: the word
//! before it, the closing quotes and brackets after it, and the first word
//! after those. The rules, in the order they apply:
//!
//! 1. Inside a word (`U.S.A.`, `3.14`, `example.com`) a mark ends nothing,
//!    unless two sentences were glued together (`world.Today`): a lower-case
//!    letter or digit before, an upper-case letter followed by a lower-case
//!    one after, and no URL, e-mail or abbreviation around.
//! 2. `?` and `!` end a sentence unless a lower-case word follows after a
//!    closing quote or bracket (`"Why?" he asked`), after a capitalised word
//!    (`Yahoo! in`), or a name and a verb of saying follow the quote
//!    (`"Why?" Smith asked`).
//! 3. An ellipsis (`...`, `…`, `. . . .`) ends a sentence before an upper-case
//!    word. Three spaced dots (`. . .`) never do: they mark an omission; a
//!    period before them (`compounds. . . . The`) is the full stop.
//! 4. A period after an ordinary word ends the sentence, except before a
//!    lower-case word after a closing quote or bracket
//!    (`'This is great.' she said`, `(an engineer.) at`).
//! 5. A period after an abbreviation depends on its kind: titles (`Mr.`) and
//!    inner ones (`e.g.`) never end a sentence; `No.`, `p.` and the like do
//!    not before a number; `a.m.`/`p.m.` do before a capitalised word that is
//!    not a day, month or time zone, unless the sentence so far is a fronted
//!    time phrase (`At 5 a.m.`); `etc.` does before any capitalised word;
//!    the rest (`Inc.`, `Jan.`, `U.S.`, initials like `E.`) only before a word
//!    that typically starts a sentence (`The`, `He`, `How`). `I.` after a
//!    lower-case word (`you and I.`) is the pronoun.
//! 6. The number or letter of a list item (`1.`, `a.`) at the start of a
//!    sentence ends nothing; when a paragraph starts with an item, later items
//!    in sequence (`2)`, `b.`) start new sentences, and so does every bullet
//!    (`•`).
//! 7. Closing quotes and brackets and footnote marks (`[12]`) after the mark
//!    belong to the sentence it ends.

use document::Span;

use crate::chars::{
    char_at, char_before, chunk_start_before, class, is_bullet, is_closer, is_dash, is_emoticon,
    is_lower, is_opener, is_rule, is_space, is_terminal, is_upper_start, skip_non_space,
    skip_space, skip_space_back, CLASS,
};
use crate::lexicon::{self, Abbrev};

/// Bytes that may start a sentence-final mark or a bullet (lead bytes of the
/// multi-byte ones).
pub(crate) static TRIGGERS: [bool; 256] = {
    let mut table = [false; 256];
    table[b'.' as usize] = true;
    table[b'!' as usize] = true;
    table[b'?' as usize] = true;
    // Emoticons and separator lines.
    let symbols = b":;=*_~#-";
    let mut k = 0;
    while k < symbols.len() {
        table[symbols[k] as usize] = true;
        k += 1;
    }
    table[0xD8] = true; // ؟
    table[0xE0] = true; // । ॥
    table[0xE2] = true; // … ‼ ‽ ⁇ ⁈ ⁉ • ‣ ⁃ ◦ ▪ ●
    table[0xE3] = true; // 。
    table[0xEF] = true; // ！ ？ ｡
    table
};

/// Appends the positions of the [`TRIGGERS`] bytes of `text[start..end]` to
/// `out`, in order: what [`split`] needs to know of a paragraph. The
/// paragraph scan collects the same list for the whole text on its way.
#[cfg(test)]
pub(crate) fn triggers(text: &str, start: usize, end: usize, out: &mut Vec<u32>) {
    let bytes = text.as_bytes();
    out.extend(
        (start..end)
            .filter(|&i| TRIGGERS[bytes[i] as usize])
            .map(|i| i as u32),
    );
}

/// Scratch space for [`split`], reused across paragraphs.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    list: Vec<usize>,
    cuts: Vec<usize>,
}

impl Scratch {
    /// Frees buffers with room for more than `keep` items.
    pub(crate) fn trim(&mut self, keep: usize) {
        if self.list.capacity() > keep {
            self.list = Vec::new();
        }
        if self.cuts.capacity() > keep {
            self.cuts = Vec::new();
        }
    }
}

/// Appends the sentences of the paragraph `para` to `out` as trimmed,
/// non-empty spans in order. `triggers` are the positions of the
/// [`TRIGGERS`] bytes inside the paragraph, in order.
pub(crate) fn split(
    text: &str,
    para: Span,
    triggers: &[u32],
    scratch: &mut Scratch,
    out: &mut Vec<Span>,
) {
    let (start, end) = (para.start as usize, para.end as usize);
    scratch.list.clear();
    scratch.cuts.clear();
    list_items(text, start, end, &mut scratch.list);
    let mut scan = Scan {
        text,
        start,
        end,
        chunk: (0, 0, false),
    };
    scan.run(triggers, &scratch.list, &mut scratch.cuts);
    if !scratch.list.is_empty() {
        scratch.cuts.extend_from_slice(&scratch.list);
        scratch.cuts.sort_unstable();
    }
    let mut from = start;
    for &cut in scratch.cuts.iter().chain(std::iter::once(&end)) {
        if cut <= from {
            continue;
        }
        let a = skip_space(text, from, cut);
        if a < cut {
            let b = skip_space_back(text, cut, a);
            out.push(Span::new(a, b));
        }
        from = cut;
    }
}

/// The kind of the first word after a possible boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Upper,
    Lower,
    Digit,
    /// Punctuation, symbols, URLs.
    Other,
}

/// The first word after a possible boundary.
#[derive(Debug, Clone, Copy)]
struct Next<'t> {
    kind: Kind,
    /// Its leading letters (at most 24 bytes), for word-list lookups.
    word: &'t str,
}

impl Next<'_> {
    fn starts_sentence(&self) -> bool {
        self.kind == Kind::Upper && lexicon::is_starter(self.word)
    }
}

/// One paragraph being scanned.
struct Scan<'t> {
    text: &'t str,
    start: usize,
    end: usize,
    /// The last whitespace-free chunk examined: (start, end, looks like a URL
    /// or e-mail address). Keeps long chunks with many periods linear.
    chunk: (usize, usize, bool),
}

/// The outcome for one mark: where the sentence ends, if it does, and where
/// to go on scanning.
struct Decision {
    cut: Option<usize>,
    resume: usize,
}

impl<'t> Scan<'t> {
    /// Visits the trigger bytes at `triggers` (positions in order) and
    /// decides each; a decision may skip the ones before where it resumes.
    fn run(&mut self, triggers: &[u32], list: &[usize], cuts: &mut Vec<usize>) {
        let bytes = self.text.as_bytes();
        let mut i = self.start;
        let mut sentence_start = self.start;
        let mut next_item = 0;
        let mut next_trigger = 0;
        loop {
            while next_trigger < triggers.len() && (triggers[next_trigger] as usize) < i {
                next_trigger += 1;
            }
            let Some(&at) = triggers.get(next_trigger) else {
                break;
            };
            i = at as usize;
            if i >= self.end {
                break;
            }
            debug_assert!(TRIGGERS[bytes[i] as usize]);
            while next_item < list.len() && list[next_item] <= i {
                sentence_start = sentence_start.max(list[next_item]);
                next_item += 1;
            }
            if bytes[i].is_ascii_punctuation() && !matches!(bytes[i], b'.' | b'!' | b'?') {
                i = self.symbol_chunk(i, &mut sentence_start, cuts);
                continue;
            }
            let (c, len) = char_at(self.text, i);
            if is_bullet(c) {
                if i > self.start
                    && is_space(char_before(self.text, i).0)
                    && self.has_content(sentence_start, i)
                {
                    cuts.push(i);
                    sentence_start = i;
                }
                i += len;
                continue;
            }
            if !is_terminal(c) {
                i += len;
                continue;
            }
            let decision = self.decide(sentence_start, i);
            if let Some(cut) = decision.cut {
                if cut > sentence_start && cut < self.end {
                    cuts.push(cut);
                    sentence_start = cut;
                }
            }
            debug_assert!(decision.resume > i);
            i = decision.resume.max(i + len);
        }
    }

    /// A chunk starting with `:;=*_~#-` at `i`: a separator line (`***`) is a
    /// sentence of its own; an emoticon ends a sentence before a capital.
    /// Returns where to go on scanning.
    fn symbol_chunk(
        &mut self,
        i: usize,
        sentence_start: &mut usize,
        cuts: &mut Vec<usize>,
    ) -> usize {
        let text = self.text;
        if i > self.start && !is_space(char_before(text, i).0) {
            return i + 1;
        }
        let chunk_end = skip_non_space(text, i, self.end);
        let chunk = &text.as_bytes()[i..chunk_end];
        let mut cut = |at: usize, sentence_start: &mut usize| {
            if at > *sentence_start && at < self.end {
                cuts.push(at);
                *sentence_start = at;
            }
        };
        if is_rule(chunk) {
            if self.has_content(*sentence_start, i) {
                cut(i, sentence_start);
            }
            cut(chunk_end, sentence_start);
            return chunk_end;
        }
        if is_emoticon(chunk) {
            let k = skip_space(text, chunk_end, self.end);
            if k < self.end && next_word(text, k, self.end).kind == Kind::Upper {
                cut(chunk_end, sentence_start);
            }
            return chunk_end;
        }
        i + 1
    }

    /// Decides the mark starting at `at`.
    fn decide(&mut self, sentence_start: usize, at: usize) -> Decision {
        let (text, end) = (self.text, self.end);
        // The run of marks: `.`, `?!`, `...`, `…`.
        let mut j = at;
        let (mut dots, mut ellipsis, mut question, mut exclamation) = (0, false, false, false);
        let mut strong = false;
        while j < end {
            let (c, len) = char_at(text, j);
            match c {
                '.' | '\u{FF0E}' => dots += 1,
                '\u{2026}' => ellipsis = true,
                '?' | '\u{FF1F}' => question = true,
                '!' | '\u{FF01}' => exclamation = true,
                c if is_terminal(c) => strong = true,
                _ => break,
            }
            j += len;
        }
        let strong = strong || question || exclamation;
        let run_end = j;
        // Closing quotes and brackets (and marks after them: `."`, `?")`, `".`).
        let mut closed = false;
        while j < end {
            let (c, len) = char_at(text, j);
            if is_closer(c) {
                closed = true;
            } else if !is_terminal(c) {
                break;
            }
            j += len;
        }
        j = skip_footnotes(text, j, end);
        let mut tail = j;
        if tail >= end {
            return Decision {
                cut: None,
                resume: end,
            };
        }
        if !is_space(char_at(text, tail).0) {
            let glued = !closed && self.glued(at, run_end, tail, dots >= 2 || ellipsis);
            return Decision {
                cut: glued.then_some(tail),
                resume: tail,
            };
        }
        // What follows: a lone closing quote belongs to this sentence, so do
        // footnote marks.
        let mut k = skip_space(text, tail, end);
        // (The chunk at `k` is not empty: look at its first char before
        // finding its end.)
        if k < end && is_closer(char_at(text, k).0) {
            let chunk_end = skip_non_space(text, k, end);
            if text[k..chunk_end].chars().all(is_closer) {
                tail = chunk_end;
                closed = true;
                k = skip_space(text, tail, end);
            }
        }
        // Footnote marks, an emoticon or an omission mark (`[...]`) after the
        // mark belong to the sentence it ends.
        loop {
            let mut after = skip_spaced_footnotes(text, k, end);
            if after == k && k < end {
                // Both kinds are at most five bytes long: look no further.
                let chunk_end = skip_non_space(text, k, end.min(k + 6));
                let chunk = &text[k..chunk_end];
                if chunk.len() <= 5
                    && (is_emoticon(chunk.as_bytes())
                        || matches!(chunk, "[...]" | "[\u{2026}]" | "(...)" | "(\u{2026})"))
                {
                    after = chunk_end;
                }
            }
            if after == k {
                break;
            }
            tail = after;
            k = skip_space(text, tail, end);
        }
        if k >= end {
            return Decision {
                cut: None,
                resume: end,
            };
        }
        let next = next_word(text, k, end);
        // A glued sentence may have been cut inside this chunk.
        let chunk_start = chunk_start_before(text, at, self.start).max(sentence_start);
        let word_start = skip_leading_marks(text, chunk_start, at);
        let word = &text[word_start..at];
        let cut_at = |cut: bool| Decision {
            cut: cut.then_some(tail),
            resume: tail,
        };

        if strong {
            let cut = match next.kind {
                Kind::Lower => {
                    let named = exclamation && !question && starts_upper(word);
                    !closed && !named
                }
                Kind::Upper => !(closed && attribution_follows(text, k, end)),
                Kind::Digit | Kind::Other => true,
            };
            return cut_at(cut);
        }
        if dots >= 2 || ellipsis {
            // `[...]` marks an omission; it stands between sentences only
            // when a sentence ended before it.
            let bracketed = at > self.start && matches!(char_before(text, at).0, '[' | '(');
            let between = !bracketed || self.sentence_ended_before(at - 1);
            return cut_at(next.kind == Kind::Upper && between);
        }
        if word.is_empty() && run_end == at + 1 && !closed {
            // A period standing alone: the start of a spaced ellipsis?
            let (n, after) = spaced_dots(text, at, end);
            if n >= 2 {
                let k2 = skip_space(text, after, end);
                let cut = n >= 4 && k2 < end && next_word(text, k2, end).kind == Kind::Upper;
                return Decision {
                    cut: cut.then_some(after),
                    resume: after,
                };
            }
        }
        if !closed && run_end == tail && text.as_bytes()[k] == b'.' {
            // `word. . . .`: a full stop, then an ellipsis.
            let (n, after) = spaced_dots(text, k, end);
            if n >= 3 {
                let k2 = skip_space(text, after, end);
                let cut = k2 < end && next_word(text, k2, end).kind == Kind::Upper;
                return Decision {
                    cut: cut.then_some(tail),
                    resume: after,
                };
            }
        }
        if word.is_empty() || self.chunk_is_url(chunk_start, at) {
            return cut_at(ordinary(next, closed));
        }
        if is_list_marker(word) && self.at_sentence_start(sentence_start, chunk_start) {
            return cut_at(false);
        }
        let mut letters = word.chars();
        if let (Some(letter), None) = (letters.next(), letters.next()) {
            if letter.is_alphabetic() {
                // An initial, or the pronoun `I` after a lower-case word.
                let pronoun = letter == 'I'
                    && next.kind == Kind::Upper
                    && self.previous_word_is_lower(chunk_start);
                return cut_at(next.starts_sentence() || pronoun);
            }
        }
        let cut = match lexicon::abbreviation_at(text, word_start, at) {
            Some(Abbrev::Title | Abbrev::Inner) => false,
            Some(Abbrev::Number) => next.kind != Kind::Digit && next.starts_sentence(),
            Some(Abbrev::NumberOrWord) => next.kind != Kind::Digit && ordinary(next, closed),
            Some(Abbrev::Time) => {
                next.kind == Kind::Upper
                    && !lexicon::follows_time(next.word)
                    && !self.fronted_time_phrase(sentence_start, chunk_start)
            }
            Some(Abbrev::ListEnd) => next.kind == Kind::Upper,
            Some(Abbrev::Plain) => next.starts_sentence(),
            None => ordinary(next, closed),
        };
        cut_at(cut)
    }

    /// Rule 1: two sentences written without a space (`world.Today`,
    /// `1,000.That`).
    /// After an ellipsis (`before..I`, `country....Iguazu`) an upper-case
    /// letter suffices.
    fn glued(&mut self, at: usize, run_end: usize, tail: usize, ellipsis: bool) -> bool {
        let text = self.text;
        if at <= self.start || tail != run_end {
            return false;
        }
        let before = char_before(text, at).0;
        if !(is_lower(before) || before.is_ascii_digit()) {
            return false;
        }
        let (first, len) = char_at(text, tail);
        let second = (tail + len < self.end).then(|| char_at(text, tail + len).0);
        let capital = is_upper_start(first) && first.is_alphabetic();
        if !(capital && (ellipsis || second.is_some_and(is_lower))) {
            return false;
        }
        // `Newsfeed.Com` is a domain name.
        let mut j = tail;
        while j < self.end && j - tail < 8 && char_at(text, j).0.is_ascii_alphabetic() {
            j += 1;
        }
        if lexicon::is_domain(&text[tail..j]) {
            return false;
        }
        let chunk_start = self.chunk_bounds(at).0;
        let word = &text[skip_leading_marks(text, chunk_start, at)..at];
        let word = word.rsplit(['.', '!', '?']).next().unwrap_or(word);
        word.chars().count() >= 2
            && lexicon::abbreviation(word).is_none()
            && !self.chunk_bounds(at).2
    }

    /// The whitespace-free chunk around `at`, cached.
    fn chunk_bounds(&mut self, at: usize) -> (usize, usize, bool) {
        let (s, e, _) = self.chunk;
        if !(s <= at && at < e) {
            let s = chunk_start_before(self.text, at, self.start);
            let e = skip_non_space(self.text, at, self.end);
            let chunk = &self.text[s..e];
            let url = chunk.contains('@')
                || chunk.contains("://")
                || chunk
                    .get(..4)
                    .is_some_and(|p| p.eq_ignore_ascii_case("www."));
            self.chunk = (s, e, url);
        }
        self.chunk
    }

    /// Whether the text before `at` (skipping whitespace and closing marks)
    /// ends with a sentence-final mark.
    fn sentence_ended_before(&self, at: usize) -> bool {
        let mut i = skip_space_back(self.text, at, self.start);
        while i > self.start {
            let (c, len) = char_before(self.text, i);
            if is_terminal(c) {
                return true;
            }
            if !is_closer(c) {
                return false;
            }
            i -= len;
        }
        false
    }

    /// Whether the chunk holding `at` is a URL or e-mail address.
    fn chunk_is_url(&mut self, chunk_start: usize, at: usize) -> bool {
        // Cheap test first: most words hold none of these.
        let word = &self.text.as_bytes()[chunk_start..at];
        if !word.iter().any(|&b| matches!(b, b'@' | b':' | b'.' | b'/')) {
            return false;
        }
        self.chunk_bounds(at).2
    }

    /// Whether anything but whitespace, bullets and dashes lies between
    /// `sentence_start` and `at`.
    fn has_content(&self, sentence_start: usize, at: usize) -> bool {
        !self.at_sentence_start(sentence_start, at)
    }

    /// Whether only whitespace, bullets, dashes and opening brackets lie
    /// between `sentence_start` and `at`. Looks at most 64 bytes back (a
    /// longer run of such marks holds no content either), which keeps runs
    /// of bullets linear.
    fn at_sentence_start(&self, sentence_start: usize, mut at: usize) -> bool {
        let floor = sentence_start.max(at.saturating_sub(64));
        while at > floor {
            let (c, len) = char_before(self.text, at);
            if !(is_space(c) || is_bullet(c) || is_dash(c) || is_opener(c) || c == '*') {
                return false;
            }
            at -= len;
        }
        true
    }

    /// Whether the word before the chunk at `chunk_start` starts in lower
    /// case (looks at most 64 bytes back).
    fn previous_word_is_lower(&self, chunk_start: usize) -> bool {
        let end = skip_space_back(self.text, chunk_start, self.start);
        let floor = end.saturating_sub(64).max(self.start);
        let mut s = end;
        while s > floor {
            let (c, len) = char_before(self.text, s);
            if is_space(c) {
                break;
            }
            s -= len;
        }
        let s = skip_leading_marks(self.text, s, end);
        s < end && is_lower(char_at(self.text, s).0)
    }

    /// Whether the sentence so far is a short phrase opened by a preposition
    /// (`At 5`), which a time of day completes but does not end.
    fn fronted_time_phrase(&self, sentence_start: usize, chunk_start: usize) -> bool {
        let text = self.text;
        let mut words = 0;
        let mut at = chunk_start;
        let mut first = None;
        loop {
            let end = skip_space_back(text, at, sentence_start);
            if end <= sentence_start {
                break;
            }
            words += 1;
            if words > 3 {
                return false;
            }
            let s = chunk_start_before(text, end, sentence_start);
            first = Some((s, end));
            at = s;
        }
        first.is_some_and(|(s, e)| {
            let s = skip_leading_marks(text, s, e);
            lexicon::is_time_preposition(&text[s..e])
        })
    }
}

/// Rule 4: a period after an ordinary word ends the sentence unless a
/// lower-case word follows a closing quote or bracket.
fn ordinary(next: Next<'_>, closed: bool) -> bool {
    !(closed && next.kind == Kind::Lower)
}

/// Whether `word` starts with an upper-case letter.
fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Skips opening quotes and brackets, bullets and dashes at the start of a
/// chunk.
fn skip_leading_marks(text: &str, mut i: usize, end: usize) -> usize {
    while i < end {
        let (c, len) = char_at(text, i);
        if !(is_opener(c) || is_bullet(c) || is_dash(c) || c == '*') {
            break;
        }
        i += len;
    }
    i
}

/// The first word at `k` (after opening quotes and brackets).
fn next_word(text: &str, k: usize, end: usize) -> Next<'_> {
    let bytes = text.as_bytes();
    let mut i = k;
    while i < end {
        // The ASCII openers without a decode.
        let b = bytes[i];
        if b < 0x80 {
            if !matches!(b, b'"' | b'\'' | b'(' | b'[' | b'{') {
                break;
            }
            i += 1;
            continue;
        }
        let (c, len) = char_at(text, i);
        if !is_opener(c) {
            break;
        }
        i += len;
    }
    let other = Next {
        kind: Kind::Other,
        word: "",
    };
    if i >= end {
        return other;
    }
    let rest = &text.as_bytes()[i..end];
    let prefix = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    // Only a word starting with `h` or `w` can be a URL.
    if matches!(rest[0] | 0x20, b'h' | b'w')
        && (prefix(b"http:") || prefix(b"https:") || prefix(b"www."))
    {
        return other;
    }
    let (c, _) = char_at(text, i);
    let kind = if c.is_ascii_digit() {
        Kind::Digit
    } else if c.is_alphabetic() && is_upper_start(c) {
        Kind::Upper
    } else if is_lower(c) {
        Kind::Lower
    } else {
        return other;
    };
    let mut j = i;
    let limit = end.min(i + 24);
    while j < limit {
        let b = bytes[j];
        if b < 0x80 {
            if CLASS[b as usize] & class::ALPHA == 0 {
                break;
            }
            j += 1;
            continue;
        }
        let (c, len) = char_at(text, j);
        if !c.is_alphabetic() {
            break;
        }
        j += len;
    }
    Next {
        kind,
        word: &text[i..j],
    }
}

/// Whether one to three capitalised words and a verb of saying follow `k`
/// (`Smith asked`, `John Smith said`).
fn attribution_follows(text: &str, k: usize, end: usize) -> bool {
    let mut i = k;
    for n in 0..4 {
        i = skip_space(text, i, end);
        if i >= end {
            return false;
        }
        let e = skip_non_space(text, i, end);
        let word = text[i..e].trim_end_matches(|c: char| !c.is_alphanumeric());
        if n > 0 && lexicon::is_reporting_verb(word) {
            return true;
        }
        if !word.chars().next().is_some_and(char::is_uppercase) || e - i > 30 {
            return false;
        }
        i = e;
    }
    false
}

/// Counts spaced dots (`. . .`) starting with the lone `.` at `k`; returns the
/// count and the position after the last dot (and its closing quotes).
fn spaced_dots(text: &str, k: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut n, mut after, mut i) = (0, k, k);
    while i < end && bytes[i] == b'.' {
        let mut j = i + 1;
        while j < end {
            let (c, len) = char_at(text, j);
            if !is_closer(c) {
                break;
            }
            j += len;
        }
        if j < end && !is_space(char_at(text, j).0) {
            break;
        }
        n += 1;
        after = j;
        let next = skip_space(text, j, end);
        if next - j > 2 {
            break;
        }
        i = next;
    }
    (n, after)
}

/// Skips footnote marks attached to the text (`1805.[6]`, `[6][7]`).
fn skip_footnotes(text: &str, mut i: usize, end: usize) -> usize {
    while let Some(after) = footnote(text, i, end) {
        i = after;
    }
    i
}

/// Skips footnote marks that stand alone after a space (`. [6]`) when they
/// are followed by whitespace or the end; returns `k` when there are none.
fn skip_spaced_footnotes(text: &str, k: usize, end: usize) -> usize {
    let after = skip_footnotes(text, k, end);
    if after > k && (after >= end || is_space(char_at(text, after).0)) {
        after
    } else {
        k
    }
}

/// A footnote mark `[12]` at `i`: the position after it.
fn footnote(text: &str, i: usize, end: usize) -> Option<usize> {
    let bytes = &text.as_bytes()[i..end];
    if bytes.first() != Some(&b'[') {
        return None;
    }
    let digits = bytes[1..].iter().take_while(|b| b.is_ascii_digit()).count();
    ((1..=3).contains(&digits) && bytes.get(1 + digits) == Some(&b']')).then_some(i + digits + 2)
}

/// Whether `word` could number a list item: one to three digits, or one
/// letter.
fn is_list_marker(word: &str) -> bool {
    let b = word.as_bytes();
    (1..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_digit)
        || (b.len() == 1 && b[0].is_ascii_lowercase())
}

/// A list-item mark: `1.` `1)` `1.)` `(1)` `a.` `a)` `(a)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Item {
    style: u8,
    letter: bool,
    value: u32,
}

/// Parses a whole chunk as a list-item mark.
fn parse_item(chunk: &str) -> Option<Item> {
    let b = chunk.as_bytes();
    let (enclosed, body) = match b.first() {
        Some(b'(') => (true, &b[1..]),
        _ => (false, b),
    };
    let digits = body.iter().take_while(|b| b.is_ascii_digit()).count();
    let (letter, value, rest) = if (1..=3).contains(&digits) {
        let value = std::str::from_utf8(&body[..digits]).ok()?.parse().ok()?;
        (false, value, &body[digits..])
    } else if body.first().is_some_and(u8::is_ascii_lowercase) {
        (true, u32::from(body[0] - b'a') + 1, &body[1..])
    } else {
        return None;
    };
    let style = match (enclosed, rest) {
        (true, b")") => 0,
        (false, b".") => 1,
        (false, b")") => 2,
        (false, b".)") => 3,
        _ => return None,
    };
    Some(Item {
        style,
        letter,
        value,
    })
}

/// Rule 6: when the paragraph starts with a list-item mark, the positions of
/// the following marks in sequence (each starts a sentence).
fn list_items(text: &str, start: usize, end: usize, out: &mut Vec<usize>) {
    // A paragraph of bulleted items is split at its bullets instead.
    let mut i = skip_space(text, start, end);
    let first_end = skip_non_space(text, i, end);
    let Some(mut item) = parse_item(&text[i..first_end]) else {
        return;
    };
    if item.letter && item.value != 1 {
        return;
    }
    i = first_end;
    while i < end {
        let s = skip_space(text, i, end);
        let e = skip_non_space(text, s, end);
        if e < end {
            if let Some(next) = parse_item(&text[s..e]) {
                if next.style == item.style
                    && next.letter == item.letter
                    && next.value == item.value + 1
                {
                    out.push(s);
                    item = next;
                }
            }
        }
        i = e;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let para = Span::new(0, text.len());
        let mut marks = Vec::new();
        triggers(text, 0, text.len(), &mut marks);
        split(text, para, &marks, &mut Scratch::default(), &mut out);
        out.iter().map(|s| s.text(text)).collect()
    }

    #[test]
    fn periods_questions_exclamations() {
        assert_eq!(
            sentences("The ship left. It sank."),
            ["The ship left.", "It sank."]
        );
        assert_eq!(
            sentences("Who won? Nobody did!! Fine."),
            ["Who won?", "Nobody did!!", "Fine."]
        );
        assert_eq!(sentences("Really?! Yes."), ["Really?!", "Yes."]);
    }

    #[test]
    fn abbreviations_and_initials() {
        assert_eq!(
            sentences("Dr. Ruth Ames met Gov. Lee at 9 a.m. on Friday."),
            ["Dr. Ruth Ames met Gov. Lee at 9 a.m. on Friday."]
        );
        assert_eq!(
            sentences("She moved to the U.K. Her sister stayed."),
            ["She moved to the U.K.", "Her sister stayed."]
        );
        assert_eq!(
            sentences("She joined the U.K. Navy in May."),
            ["She joined the U.K. Navy in May."]
        );
        assert_eq!(
            sentences("Talk to Carla R. Diaz first."),
            ["Talk to Carla R. Diaz first."]
        );
        assert_eq!(
            sentences("It was you and I. Then we left."),
            ["It was you and I.", "Then we left."]
        );
        assert_eq!(
            sentences("See p. 12 and No. 4 of vol. 3."),
            ["See p. 12 and No. 4 of vol. 3."]
        );
        assert_eq!(
            sentences("We bought pens, paper, etc. Everything was cheap."),
            ["We bought pens, paper, etc.", "Everything was cheap."]
        );
        assert_eq!(
            sentences("Apples Ltd. It grew fast."),
            ["Apples Ltd.", "It grew fast."]
        );
        assert_eq!(
            sentences("The office closes at 6 p.m. Ms. Ode then goes home."),
            ["The office closes at 6 p.m.", "Ms. Ode then goes home."]
        );
        assert_eq!(
            sentences("By 7 a.m. Mr. Ode was gone."),
            ["By 7 a.m. Mr. Ode was gone."]
        );
        assert_eq!(
            sentences("We meet at 5 p.m. Tuesday in Room 2."),
            ["We meet at 5 p.m. Tuesday in Room 2."]
        );
    }

    #[test]
    fn lower_case_after_a_period() {
        assert_eq!(
            sentences("call me later. i am out."),
            ["call me later.", "i am out."]
        );
        assert_eq!(
            sentences("He ran (it was late.) and left."),
            ["He ran (it was late.) and left."]
        );
        assert_eq!(
            sentences("He said 'it is late.' then left."),
            ["He said 'it is late.' then left."]
        );
    }

    #[test]
    fn quotes() {
        assert_eq!(
            sentences("\"We won. It's over,\" she said. Then she left."),
            ["\"We won.", "It's over,\" she said.", "Then she left."]
        );
        assert_eq!(
            sentences("\"Why now?\" he asked."),
            ["\"Why now?\" he asked."]
        );
        assert_eq!(
            sentences("\"Why now?\" Maria Lopez asked."),
            ["\"Why now?\" Maria Lopez asked."]
        );
        assert_eq!(
            sentences("He shouted \"Stop!\" Nobody did."),
            ["He shouted \"Stop!\"", "Nobody did."]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            sentences("I waited.... Nobody came."),
            ["I waited....", "Nobody came."]
        );
        assert_eq!(
            sentences("I waited ... and waited."),
            ["I waited ... and waited."]
        );
        assert_eq!(
            sentences("It was . . . odd. Very odd."),
            ["It was . . . odd.", "Very odd."]
        );
        assert_eq!(
            sentences("It ended . . . . Then rain."),
            ["It ended . . . .", "Then rain."]
        );
        assert_eq!(
            sentences("It ended. . . . Then rain."),
            ["It ended.", ". . . Then rain."]
        );
        assert_eq!(
            sentences("He quoted \"the [...] law\" twice."),
            ["He quoted \"the [...] law\" twice."]
        );
    }

    #[test]
    fn glued_sentences_and_urls() {
        assert_eq!(
            sentences("It rained.Then it snowed."),
            ["It rained.", "Then it snowed."]
        );
        assert_eq!(
            sentences("Mail Ann.Lee@mail.example.org. She replies."),
            ["Mail Ann.Lee@mail.example.org.", "She replies."]
        );
        assert_eq!(
            sentences("Go to https://example.org/a.html. It works."),
            ["Go to https://example.org/a.html.", "It works."]
        );
        assert_eq!(
            sentences("It costs $3.50 or 2.5m."),
            ["It costs $3.50 or 2.5m."]
        );
    }

    #[test]
    fn lists() {
        assert_eq!(
            sentences("1) Buy milk 2) Call home"),
            ["1) Buy milk", "2) Call home"]
        );
        assert_eq!(
            sentences("1. Buy milk. 2. Call home."),
            ["1. Buy milk.", "2. Call home."]
        );
        assert_eq!(
            sentences("a. Red b. Blue c. Green"),
            ["a. Red", "b. Blue", "c. Green"]
        );
        assert_eq!(sentences("• 3. Red • 4. Blue"), ["• 3. Red", "• 4. Blue"]);
        assert_eq!(
            sentences("He has 2 cars and 3 bikes."),
            ["He has 2 cars and 3 bikes."]
        );
    }

    #[test]
    fn footnotes_stay_with_their_sentence() {
        assert_eq!(
            sentences("It was built in 1820.[3] It fell. [4] Later."),
            ["It was built in 1820.[3]", "It fell. [4]", "Later."]
        );
    }

    #[test]
    fn separators_and_emoticons() {
        assert_eq!(
            sentences("We won. *** Then we lost."),
            ["We won.", "***", "Then we lost."]
        );
        assert_eq!(
            sentences("Great food. :) Will come back."),
            ["Great food. :)", "Will come back."]
        );
        assert_eq!(
            sentences("Loved it :-) Will come back."),
            ["Loved it :-)", "Will come back."]
        );
        assert_eq!(
            sentences("Meet at 10:30 -- or later."),
            ["Meet at 10:30 -- or later."]
        );
        assert_eq!(
            sentences("It is closed.. Sadly.Posted on Forum.Com today."),
            ["It is closed..", "Sadly.", "Posted on Forum.Com today."]
        );
        assert_eq!(
            sentences("It was late...Nobody came."),
            ["It was late...", "Nobody came."]
        );
        assert_eq!(
            sentences("P.S. I will call. Bye."),
            ["P.S. I will call.", "Bye."]
        );
    }

    #[test]
    fn degenerate_input() {
        assert_eq!(sentences("...."), ["...."]);
        assert_eq!(sentences(". . ."), [". . ."]);
        assert_eq!(sentences("?"), ["?"]);
        assert!(sentences("").is_empty());
        let dots = ".".repeat(10_000);
        assert_eq!(sentences(&dots), [dots.as_str()]);
    }
}
