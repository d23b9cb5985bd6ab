//! Tokens inside one sentence, in the Penn Treebank / Universal Dependencies
//! style that CoNLL-2003 also follows:
//!
//! * whitespace always separates tokens, and nothing else is dropped;
//! * punctuation is split off words: quotes, brackets, commas, colons, and
//!   sentence-final marks (a run like `...`, `?!` or `--` is one token);
//! * the possessive clitic is split: `Russia's` → `Russia` `'s`, as in
//!   UD's syntactic words and CoNLL-2003, so that an entity never swallows
//!   it; contractions stay whole, as in UD's surface tokens (`don't`, `I'm`,
//!   `it's`, `let's`, `cannot`, `gonna`); other apostrophes stay inside the
//!   word (`O'Neill`, `rock'n'roll`);
//! * hyphenated words stay whole (`full-scale`, `15-year-old`, `U.S.-based`);
//! * abbreviations keep their period (`U.S.`, `Dr.`, `a.m.`, `etc.`), an
//!   ordinary word at the end of a sentence does not (`war` `.`);
//! * numbers keep their separators, currency sign and unit (`4/8/2022`,
//!   `1,000`, `$1.13bn`, `12:05`, `1990s`), but not `%`;
//! * URLs and e-mail addresses are one token, without trailing punctuation;
//! * emoticons (`:-)`) are one token; combining marks, joiners and emoji
//!   modifiers stay with the char before them.

use document::{Span, Token, TokenKind};

use crate::chars::{
    char_at, char_before, class, is_apostrophe, is_closer, is_currency, is_emoticon, is_extender,
    is_opener, is_punct, is_rule, is_terminal, is_word_char, peek, skip_ascii_alnum,
    skip_non_space, skip_space, skip_word_chars, skip_word_chars_beyond_ascii, CLASS,
};
use crate::lexicon::{self, Abbrev};

/// Appends the tokens of `text[start..end]` (one sentence) to `out`; `end`
/// must not exceed `u32::MAX`.
pub(crate) fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let mut i = skip_space(text, start, end);
    // The number of a list item or a ranking opening the sentence keeps its
    // period (`1.`), as the treebanks write it.
    let digits = bytes[i..end]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if (1..=3).contains(&digits)
        && bytes.get(i + digits) == Some(&b'.')
        && (i + digits + 1 == end || CLASS[bytes[i + digits + 1] as usize] & class::SPACE != 0)
    {
        push(out, i, i + digits + 1, TokenKind::Number);
        i += digits + 1;
    }
    // `bytes[i]` for `i < end` needs no bounds check.
    let sentence = &bytes[..end];
    while i < end {
        let cls = CLASS[sentence[i] as usize];
        if cls & class::ALPHA != 0 {
            // A plain word and the space after it, the commonest chunk by far
            // (`chunk` would do the same, after a test for `www.`, which
            // cannot start it: see `letter_chunk`).
            let q = skip_ascii_alnum(bytes, i, end);
            if q < end && sentence[q] == b' ' {
                push_word(out, i, q);
                i = q + 1;
                continue;
            }
            i = letter_chunk(text, i, q, end, out);
        } else if cls & (class::SPACE | class::NON_ASCII) != 0 {
            // A plain word has taken the one space after it already; a run
            // of spaces, a space after another chunk, or a non-ASCII char
            // (which may be one) is skipped here.
            let next = if sentence[i] == b' '
                && i + 1 < end
                && CLASS[sentence[i + 1] as usize] & (class::SPACE | class::NON_ASCII) == 0
            {
                i + 1 // usually one space, after a chunk that is not a plain word
            } else {
                skip_space(text, i, end)
            };
            i = if next == i {
                other_chunk(text, i, end, out)
            } else {
                next
            };
        } else {
            i = other_chunk(text, i, end, out);
        }
    }
}

/// Pushes a token. Offsets fit in `u32`: [`tokenize`]'s callers cut texts to
/// `u32::MAX` bytes.
#[inline]
fn push(out: &mut Vec<Token>, start: usize, end: usize, kind: TokenKind) {
    if start < end {
        out.push(Token {
            span: Span {
                start: start as u32,
                end: end as u32,
            },
            kind,
        });
    }
}

/// Pushes a word token known not to be empty.
#[inline(always)]
fn push_word(out: &mut Vec<Token>, start: usize, end: usize) {
    out.push(Token {
        span: Span {
            start: start as u32,
            end: end as u32,
        },
        kind: TokenKind::Word,
    });
}

/// The tokens of the whitespace-free chunk starting at `a` with an ASCII
/// letter, whose ASCII letters and digits end at `q` (not at an ASCII space),
/// in a sentence ending at `sentence_end`; returns the end of the chunk, or
/// just past the ASCII space after it for a word and a comma or period, so
/// that the caller need not look at that space again.
///
/// A chunk that is one word is handled here directly. Any other is tokenized
/// in one pass, which stops at the first token that starts with `@` or `:`;
/// only then (or when the chunk starts with `www.`) is it searched for a URL
/// or e-mail address and tokenized again.
#[inline(always)]
fn letter_chunk(
    text: &str,
    a: usize,
    mut q: usize,
    sentence_end: usize,
    out: &mut Vec<Token>,
) -> usize {
    let bytes = text.as_bytes();
    if q < sentence_end && bytes[q] >= 0x80 {
        q = skip_word_chars_beyond_ascii(text, q, sentence_end);
    }
    // A chunk of word chars only: what `plain` would make of it. It cannot
    // start with `www.`, which needs a period as its fourth byte.
    if q >= sentence_end || CLASS[bytes[q] as usize] & class::SPACE != 0 {
        push_word(out, a, q);
        return q;
    }
    let first = bytes[a];
    if first | 0x20 == b'w' && starts_www(&bytes[a..sentence_end.min(a + 8)]) {
        return other_chunk(text, a, sentence_end, out);
    }
    let after = q + 1;
    let mark_ends_chunk = after == sentence_end || CLASS[bytes[after] as usize] & class::SPACE != 0;
    // A word and a comma (`said,`): `word_on` stops at the comma and `plain`
    // makes it a token of its own. A word and a period (`said.`) that does
    // not keep it: `word_on` asks `attach_period` (the word has no period or
    // hyphen) and stops at the period, and `plain` makes it a token of its
    // own.
    if mark_ends_chunk
        && (bytes[q] == b','
            || (bytes[q] == b'.' && !attach_period_to_plain_word(text, a, q, sentence_end)))
    {
        push_word(out, a, q);
        out.push(Token {
            span: Span {
                start: q as u32,
                end: after as u32,
            },
            kind: TokenKind::Punct,
        });
        // Skip the space after the mark too, as after a plain word.
        return after + usize::from(after < sentence_end && bytes[after] == b' ');
    }
    word_chunk(text, a, q, sentence_end, out)
}

/// [`letter_chunk`] for a chunk starting with the word chars `text[a..q]` and going
/// on with something other than whitespace at `q`.
#[inline(never)]
fn word_chunk(text: &str, a: usize, q: usize, sentence_end: usize, out: &mut Vec<Token>) -> usize {
    let mark = out.len();
    let p = word_on(text, a, q, sentence_end, sentence_end, out);
    match plain(text, a, p, sentence_end, sentence_end, true, out) {
        Ok(chunk_end) => chunk_end,
        Err(UrlHint) => {
            out.truncate(mark);
            chunk_with_url(text, a, sentence_end, out)
        }
    }
}

/// The tokens of a chunk that does not start with an ASCII letter, or starts
/// with `www.` (see [`letter_chunk`]).
#[inline(never)]
fn other_chunk(text: &str, a: usize, sentence_end: usize, out: &mut Vec<Token>) -> usize {
    let head = &text.as_bytes()[a..sentence_end.min(a + 8)];
    if !starts_www(head) {
        let mark = out.len();
        match plain(text, a, a, sentence_end, sentence_end, true, out) {
            Ok(chunk_end) => return chunk_end,
            Err(UrlHint) => out.truncate(mark),
        }
    }
    chunk_with_url(text, a, sentence_end, out)
}

/// [`other_chunk`] for a chunk that may hold a URL or e-mail address.
#[inline(never)]
fn chunk_with_url(text: &str, a: usize, sentence_end: usize, out: &mut Vec<Token>) -> usize {
    let b = skip_non_space(text, a, sentence_end);
    match find_url(text, a, b) {
        Some((url_start, url_end)) => {
            let _ = plain(text, a, a, url_start, sentence_end, false, out);
            push(out, url_start, url_end, TokenKind::Url);
            let _ = plain(text, url_end, url_end, b, sentence_end, false, out);
        }
        None => {
            let _ = plain(text, a, a, b, sentence_end, false, out);
        }
    }
    b
}

/// A token starts with `@` or `:`: the chunk may hold a URL or an e-mail
/// address.
struct UrlHint;

/// Whether `www.` starts the chunk, perhaps after an opening bracket or quote.
/// The first two bytes rule out almost every chunk, so that test is inlined.
#[inline(always)]
fn starts_www(bytes: &[u8]) -> bool {
    match bytes {
        [b'w' | b'W', b'w' | b'W', ..] | [b'(' | b'<' | b'[' | b'"' | b'\'' | 0x80.., _, ..] => {
            starts_www_after_head(bytes)
        }
        _ => false,
    }
}

/// [`starts_www`] once the first two bytes allow it.
#[inline(never)]
fn starts_www_after_head(bytes: &[u8]) -> bool {
    let Some(w) = bytes.iter().take(4).position(|&b| b | 0x20 == b'w') else {
        return false;
    };
    bytes.len() >= w + 4 && bytes[w..w + 4].eq_ignore_ascii_case(b"www.")
}

/// A URL (`https://...`, `www....`) or e-mail address in the chunk
/// `text[a..b]`, after opening brackets and quotes: its span.
fn find_url(text: &str, a: usize, b: usize) -> Option<(usize, usize)> {
    let mut s = a;
    while s < b {
        let (c, len) = char_at(text, s);
        if !(is_opener(c) || c == '<') {
            break;
        }
        s += len;
    }
    let rest = &text.as_bytes()[s..b];
    let starts = |p: &[u8]| rest.len() > p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"http://")
        || starts(b"https://")
        || starts(b"ftp://")
        || starts(b"www.")
        || starts(b"mailto:")
    {
        let e = trim_url_end(text, s, b);
        return (e > s).then_some((s, e));
    }
    // An e-mail address: the longest local part before the `@`.
    let at = rest.iter().position(|&b| b == b'@')?;
    let local_len = rest[..at]
        .iter()
        .rev()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b".-_%+".contains(&b))
        .count();
    let local_ok = rest[at - local_len..at]
        .iter()
        .any(u8::is_ascii_alphanumeric);
    let domain = &rest[at + 1..];
    let mut len = domain
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        .count();
    while len > 0 && matches!(domain[len - 1], b'.' | b'-') {
        len -= 1;
    }
    let domain_ok = domain[..len].iter().any(u8::is_ascii_alphabetic);
    (local_ok && domain_ok).then_some((s + at - local_len, s + at + 1 + len))
}

/// The end of a URL starting at `s` in the chunk ending at `b`: trailing
/// punctuation and unbalanced closing brackets are not part of it.
fn trim_url_end(text: &str, s: usize, mut e: usize) -> usize {
    while e > s {
        let (c, len) = char_before(text, e);
        let drop = match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '>' | '\u{201D}' | '\u{2019}'
            | '\u{00BB}' => true,
            ')' => count(text, s, e, b'(') < count(text, s, e, b')'),
            ']' => count(text, s, e, b'[') < count(text, s, e, b']'),
            _ => false,
        };
        if !drop {
            break;
        }
        e -= len;
    }
    e
}

fn count(text: &str, s: usize, e: usize, byte: u8) -> usize {
    text.as_bytes()[s..e].iter().filter(|&&b| b == byte).count()
}

/// Tokens from `from` up to the first whitespace or `b`, holding no URL, in
/// a chunk starting at `a`; returns where they end, or [`UrlHint`] (when
/// `watch_urls`) at a token that starts with `@` or `:`.
#[inline]
fn plain(
    text: &str,
    a: usize,
    from: usize,
    b: usize,
    sentence_end: usize,
    watch_urls: bool,
    out: &mut Vec<Token>,
) -> Result<usize, UrlHint> {
    let bytes = text.as_bytes();
    let mut p = from;
    let mut chunk_end;
    while p < b {
        let cls = CLASS[bytes[p] as usize];
        if cls & class::DIGIT != 0 {
            p = number(text, p, p, b, out);
            continue;
        }
        if cls & class::ALPHA != 0 {
            p = word(text, p, b, sentence_end, out);
            continue;
        }
        if cls & class::SPACE != 0 {
            return Ok(p);
        }
        if watch_urls && cls & class::URLISH != 0 {
            return Err(UrlHint);
        }
        // The commonest punctuation, directly.
        match bytes[p] {
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'"' => {
                push(out, p, p + 1, TokenKind::Punct);
                p += 1;
                continue;
            }
            b',' if p + 1 >= b || bytes[p + 1] != b',' => {
                push(out, p, p + 1, TokenKind::Punct);
                p += 1;
                continue;
            }
            b'%' => {
                push(out, p, p + 1, TokenKind::Symbol);
                p += 1;
                continue;
            }
            _ => {}
        }
        let (c, len) = char_at(text, p);
        if c.is_whitespace() {
            return Ok(p);
        }
        p = if c.is_ascii_digit() {
            number(text, p, p, b, out)
        } else if is_word_char(c) && !is_extender(c) {
            word(text, p, b, sentence_end, out)
        } else if is_apostrophe(c) {
            apostrophe(text, p, b, out)
        } else if starts_amount(text, p, c, len, b) {
            number(text, p, p + len, b, out)
        } else if p == a
            && matches!(c, '+' | '-' | '.' | '\u{2212}')
            && digit_after(text, p + len, b)
        {
            // `+0.5`, `-3`, `.311` opening a chunk.
            number(text, p, p + len, b, out)
        } else if p == a && matches!(c, '*' | '=' | '_' | '~' | '#' | '-') && {
            chunk_end = skip_non_space(text, a, b);
            is_rule(&bytes[a..chunk_end])
        } {
            push(out, a, chunk_end, TokenKind::Punct); // `-----`, `==----`
            chunk_end
        } else if matches!(c, '#' | '@') && peek(text, p + 1, b).is_some_and(char::is_alphabetic) {
            // A hashtag or a handle.
            let first = out.len();
            let e = word(text, p + 1, b, sentence_end, out);
            if let Some(token) = out.get_mut(first) {
                token.span.start = p as u32;
            }
            e
        } else if matches!(c, '.' | '!' | '?') {
            let mut e = p + 1;
            while e < b && matches!(bytes[e], b'.' | b'!' | b'?') {
                e += 1;
            }
            push(out, p, e, TokenKind::Punct);
            e
        } else if let Some(e) = emoticon(text, a, p, b) {
            push(out, p, e, TokenKind::Symbol);
            e
        } else if is_extender(c) {
            match out.last_mut() {
                Some(last) if last.span.end as usize == p => {
                    last.span.end = (p + len) as u32;
                }
                _ => push(out, p, p + len, TokenKind::Symbol),
            }
            p + len
        } else {
            // One symbol or punctuation mark; a run of the same one (`--`,
            // `***`, `!!`, `……`) is one token.
            let mut e = p + len;
            if repeats(c) {
                while e < b && char_at(text, e).0 == c {
                    e += len;
                }
            }
            while e < b {
                let (x, xl) = char_at(text, e);
                if !is_extender(x) {
                    break;
                }
                e += xl;
            }
            let kind = if is_punct(c) {
                TokenKind::Punct
            } else {
                TokenKind::Symbol
            };
            push(out, p, e, kind);
            e
        };
    }
    Ok(p)
}

/// Marks whose runs are one token; brackets and quotes are not among them.
fn repeats(c: char) -> bool {
    !(is_opener(c) || matches!(c, ')' | ']' | '}' | '\u{201D}' | '\u{2019}' | '\u{00BB}'))
        && (c.is_ascii_punctuation() || is_terminal(c) || matches!(c, '\u{2010}'..='\u{2015}'))
}

/// Whether an ASCII digit is at `i` (before `b`).
#[inline]
fn digit_after(text: &str, i: usize, b: usize) -> bool {
    i < b && text.as_bytes()[i].is_ascii_digit()
}

/// `None` or whitespace: nothing more in the chunk.
trait NoneOrSpace {
    fn is_none_or_space(&self) -> bool;
}

impl NoneOrSpace for Option<char> {
    fn is_none_or_space(&self) -> bool {
        self.map_or(true, char::is_whitespace)
    }
}

/// Whether a currency sign at `p` starts an amount (`$5`, `£.5`).
fn starts_amount(text: &str, p: usize, c: char, len: usize, b: usize) -> bool {
    let bytes = text.as_bytes();
    let digit_at = |i: usize| i < b && bytes[i].is_ascii_digit();
    is_currency(c) && (digit_at(p + len) || (digit_at(p + len + 1) && bytes[p + len] == b'.'))
}

/// A number from `start`; `q` is past any sign or currency prefix.
fn number(text: &str, start: usize, mut q: usize, b: usize, out: &mut Vec<Token>) -> usize {
    let bytes = text.as_bytes();
    let digit_at = |i: usize| i < b && bytes[i].is_ascii_digit();
    loop {
        while digit_at(q) {
            q += 1;
        }
        if q >= b {
            break;
        }
        let (c, len) = char_at(text, q);
        let separator = matches!(c, '.' | ',' | ':' | '/') && digit_at(q + 1);
        let hyphen = c == '-' && peek(text, q + 1, b).is_some_and(is_word_char);
        if separator || hyphen {
            q += 1;
        } else if is_word_char(c) {
            // A unit or suffix: `bn`, `th`, `s`, `km`.
            q += len;
            while q < b {
                let (c, len) = char_at(text, q);
                if !is_word_char(c) || c.is_ascii_digit() {
                    break;
                }
                q += len;
            }
        } else {
            break;
        }
    }
    push(out, start, q, TokenKind::Number);
    q
}

/// A word from `start` (a letter).
#[inline(always)]
fn word(text: &str, start: usize, b: usize, sentence_end: usize, out: &mut Vec<Token>) -> usize {
    let q = skip_word_chars(text, start, b);
    if q >= b || CLASS[text.as_bytes()[q] as usize] & class::SPACE != 0 {
        push(out, start, q, TokenKind::Word);
        return q;
    }
    word_on(text, start, q, b, sentence_end, out)
}

/// A word from `start` that goes on, or ends, with something other than
/// whitespace at `q`.
#[inline(never)]
fn word_on(
    text: &str,
    start: usize,
    mut q: usize,
    b: usize,
    sentence_end: usize,
    out: &mut Vec<Token>,
) -> usize {
    // The callers have skipped the word chars at `q` already.
    let mut skip = false;
    loop {
        if skip {
            q = skip_word_chars(text, q, b);
        }
        skip = true;
        if q >= b {
            break;
        }
        let (c, len) = char_at(text, q);
        let after = q + len;
        let next = peek(text, after, b);
        let next_is_word = next.is_some_and(|n| is_word_char(n) && !is_extender(n));
        match c {
            '-' | '\u{2010}' | '\u{2011}' if next_is_word => q = after,
            // A suspended or cut-off word: `pre- and post-war`, `I kn- know`.
            '-' if next.map_or(true, |n| {
                n.is_whitespace() || is_terminal(n) || n == ',' || is_closer(n)
            }) =>
            {
                q = after;
                break;
            }
            '.' => {
                if next_is_word {
                    q = after; // `U.S`, `example.com`, `Ph.D`
                    continue;
                }
                if attach_period(text, start, q, b, sentence_end) {
                    q = after;
                    // `U.S.-based`
                    if peek(text, q, b) == Some('-')
                        && peek(text, q + 1, b).is_some_and(is_word_char)
                    {
                        q += 1;
                        continue;
                    }
                }
                break;
            }
            c if is_apostrophe(c) => {
                if possessive(text, start, q, after, b) {
                    push(out, start, q, TokenKind::Word);
                    push(out, q, after + 1, TokenKind::Word);
                    return after + 1;
                }
                if next_is_word {
                    q = after; // `O'Neill`
                    continue;
                }
                break;
            }
            '&' if char_before(text, q).0.is_ascii_uppercase()
                && next.is_some_and(|n| n.is_ascii_uppercase()) =>
            {
                q = after; // `AT&T`
            }
            '_' if next_is_word => q = after,
            '$' if q - start <= 3 && text[start..q].bytes().all(|b| b.is_ascii_uppercase()) => {
                if next.is_some_and(|n| n.is_ascii_digit()) {
                    return number(text, start, after, b, out); // `US$5`
                }
                if next.is_none_or_space() {
                    push(out, start, after, TokenKind::Symbol); // `C$`
                    return after;
                }
                break;
            }
            _ => break,
        }
    }
    push(out, start, q, TokenKind::Word);
    q
}

/// Whether the period at `q` after the word `text[start..q]` belongs to it.
fn attach_period(text: &str, start: usize, q: usize, b: usize, sentence_end: usize) -> bool {
    let word = &text[start..q];
    if peek(text, q + 1, b) == Some('.') {
        // `Inc..` is the abbreviation and a full stop; `word...` an ellipsis.
        let only_two = peek(text, q + 2, b) != Some('.');
        return only_two && (lexicon::is_initialism(word) || lexicon::abbreviation(word).is_some());
    }
    let last_part = word
        .bytes()
        .rposition(|b| b == b'-')
        .map_or(word, |at| &word[at + 1..]);
    if lexicon::is_initialism(last_part) {
        return true;
    }
    attach_period_to_plain_word(text, start, q, sentence_end)
}

/// [`attach_period`] for a word without periods or hyphens (no initialism,
/// no compound), with no second period after it.
fn attach_period_to_plain_word(text: &str, start: usize, q: usize, sentence_end: usize) -> bool {
    let word = &text[start..q];
    let mut chars = word.chars();
    if let (Some(_), None) = (chars.next(), chars.next()) {
        // An initial keeps its period; a letter ending the sentence does not.
        return !ends_sentence(text, q + 1, sentence_end);
    }
    match lexicon::abbreviation_at(text, start, q) {
        Some(Abbrev::NumberOrWord) => number_follows(text, q + 1, sentence_end),
        Some(_) => true,
        None => false,
    }
}

/// Whether only closing marks lie between `k` and the end of the sentence.
fn ends_sentence(text: &str, mut k: usize, sentence_end: usize) -> bool {
    while k < sentence_end {
        let (c, len) = char_at(text, k);
        if !(is_closer(c) || is_terminal(c)) {
            return false;
        }
        k += len;
    }
    true
}

/// Whether the next word after `k` is a number.
fn number_follows(text: &str, k: usize, sentence_end: usize) -> bool {
    let k = skip_space(text, k, sentence_end);
    k < sentence_end && text.as_bytes()[k].is_ascii_digit()
}

/// Whether the apostrophe at `q` (ending at `after`) of the word
/// `text[start..q]` starts a possessive `'s` to split off: an `s` that ends
/// the word, after a word that is not a pronoun or question word (`it's`,
/// `that's`, `who's`, `let's` are contractions and stay whole).
fn possessive(text: &str, start: usize, q: usize, after: usize, b: usize) -> bool {
    let bytes = text.as_bytes();
    after < b
        && bytes[after] | 0x20 == b's'
        && !peek(text, after + 1, b).is_some_and(is_word_char)
        && !is_contraction_host(&bytes[start..q])
}

/// Words whose `'s` is `is`, `has` or `us`, not a possessive.
#[inline(never)]
fn is_contraction_host(word: &[u8]) -> bool {
    word.len() <= 5
        && [
            &b"it"[..],
            b"he",
            b"she",
            b"that",
            b"this",
            b"there",
            b"here",
            b"what",
            b"who",
            b"where",
            b"when",
            b"why",
            b"how",
            b"let",
        ]
        .iter()
        .any(|host| word.eq_ignore_ascii_case(host))
}

/// The length of a clitic (`s`, `m`, `d`, `ll`, `re`, `ve`) at `i`, after an
/// apostrophe, when a word does not go on after it.
fn clitic(text: &str, i: usize, b: usize) -> Option<usize> {
    let bytes = &text.as_bytes()[i..b];
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 2 {
        return None;
    }
    if let Some(next) = peek(text, i + letters, b) {
        if is_word_char(next) {
            return None;
        }
    }
    let lower = [
        bytes[0].to_ascii_lowercase(),
        bytes.get(1).map_or(0, u8::to_ascii_lowercase),
    ];
    let ok = match letters {
        1 => matches!(lower[0], b's' | b'm' | b'd'),
        _ => matches!(&lower, b"ll" | b"re" | b"ve"),
    };
    ok.then_some(letters)
}

/// A token starting with an apostrophe or single quote at `p`.
fn apostrophe(text: &str, p: usize, b: usize, out: &mut Vec<Token>) -> usize {
    let (c, len) = char_at(text, p);
    let after = p + len;
    if let Some(clitic) = clitic(text, after, b) {
        push(out, p, after + clitic, TokenKind::Word);
        return after + clitic;
    }
    let bytes = text.as_bytes();
    let digits = bytes[after..b]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 2 && !peek(text, after + 2, b).is_some_and(|c| c.is_ascii_digit()) {
        // `'70s`, `'99`
        let mut e = after + 2;
        if e < b && bytes[e] == b's' && !peek(text, e + 1, b).is_some_and(is_word_char) {
            e += 1;
        }
        push(out, p, e, TokenKind::Number);
        return e;
    }
    let e = if c == '\'' && after < b && bytes[after] == b'\'' {
        after + 1 // `''`
    } else {
        after
    };
    push(out, p, e, TokenKind::Punct);
    e
}

/// An emoticon at `p` (`:)`, `:-(`, `;)`, `:D`, `<3`): its end. Emoticons
/// with letters count only as a whole chunk.
fn emoticon(text: &str, a: usize, p: usize, b: usize) -> Option<usize> {
    let bytes = &text.as_bytes()[p..b];
    (2..=3).find_map(|n| {
        let candidate = bytes.get(..n)?;
        if !is_emoticon(candidate) {
            return None;
        }
        let end = p + n;
        let at_chunk_end = end >= b || char_at(text, end).0.is_whitespace();
        let whole = p == a && at_chunk_end;
        let lettered = candidate.iter().any(u8::is_ascii_alphanumeric);
        let ends_word = at_chunk_end || !is_word_char(char_at(text, end).0);
        (whole || (!lettered && ends_word)).then_some(end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        tokenize(text, 0, text.len(), &mut out);
        out.iter().map(|t| t.span.text(text)).collect()
    }

    fn kinds(text: &str) -> Vec<TokenKind> {
        let mut out = Vec::new();
        tokenize(text, 0, text.len(), &mut out);
        out.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn punctuation_and_clitics() {
        assert_eq!(
            tokens("\"Russia's war isn't over,\" he said."),
            ["\"", "Russia", "'s", "war", "isn't", "over", ",", "\"", "he", "said", "."]
        );
        assert_eq!(tokens("Russia’s envoy"), ["Russia", "’s", "envoy"]);
        assert_eq!(
            tokens("I'm sure they'll come; we'd've known it's here."),
            ["I'm", "sure", "they'll", "come", ";", "we'd've", "known", "it's", "here", "."]
        );
        assert_eq!(
            tokens("Can't, won't, cannot, gonna."),
            ["Can't", ",", "won't", ",", "cannot", ",", "gonna", "."]
        );
        assert_eq!(
            tokens("That's what's left; let's see who's Kyiv's man."),
            ["That's", "what's", "left", ";", "let's", "see", "who's", "Kyiv", "'s", "man", "."]
        );
        assert_eq!(
            tokens("O'Neill's rock'n'roll"),
            ["O'Neill", "'s", "rock'n'roll"]
        );
        assert_eq!(
            tokens("the players' union"),
            ["the", "players", "'", "union"]
        );
        assert_eq!(
            tokens("‘Yes,’ she said"),
            ["‘", "Yes", ",", "’", "she", "said"]
        );
    }

    #[test]
    fn abbreviations_numbers_and_urls() {
        assert_eq!(
            tokens("The U.S. and Dr. Lee"),
            ["The", "U.S.", "and", "Dr.", "Lee"]
        );
        assert_eq!(
            tokens("on 4/8/2022 at 10:30 a.m. for $1.13bn (£600m)."),
            ["on", "4/8/2022", "at", "10:30", "a.m.", "for", "$1.13bn", "(", "£600m", ")", "."]
        );
        assert_eq!(
            tokens("up 76% to 1,000 in the 1990s"),
            ["up", "76", "%", "to", "1,000", "in", "the", "1990s"]
        );
        assert_eq!(
            tokens("a full-scale, U.S.-based 15-year-old"),
            ["a", "full-scale", ",", "U.S.-based", "15-year-old"]
        );
        assert_eq!(
            tokens("see https://example.org/a_(b)/c.html."),
            ["see", "https://example.org/a_(b)/c.html", "."]
        );
        assert_eq!(
            tokens("(mail ann.lee@example.org)"),
            ["(", "mail", "ann.lee@example.org", ")"]
        );
        assert_eq!(
            tokens("No. 5, but no."),
            ["No.", "5", ",", "but", "no", "."]
        );
        assert_eq!(tokens("you and I."), ["you", "and", "I", "."]);
        assert_eq!(
            tokens("Japan-U.S. trade, ex-Gov. Lee"),
            ["Japan-U.S.", "trade", ",", "ex-Gov.", "Lee"]
        );
        assert_eq!(tokens("Jonas E. Smith"), ["Jonas", "E.", "Smith"]);
        assert_eq!(
            tokens("and/or AT&T US$5"),
            ["and", "/", "or", "AT&T", "US$5"]
        );
        assert_eq!(
            tokens("-0.5 and +3 (-2) .311 x-5"),
            ["-0.5", "and", "+3", "(", "-", "2", ")", ".311", "x-5"]
        );
        assert_eq!(
            tokens("1. Ann Lee ( U.S. ) 2:05.21"),
            ["1.", "Ann", "Lee", "(", "U.S.", ")", "2:05.21"]
        );
        assert_eq!(tokens("C$ 1.5 and US$ 2"), ["C$", "1.5", "and", "US$", "2"]);
        assert_eq!(
            tokens("\"Ann Lee\"<ann...@mail.example.org>"),
            [
                "\"",
                "Ann",
                "Lee",
                "\"",
                "<",
                "ann...@mail.example.org",
                ">"
            ]
        );
        assert_eq!(
            tokens("pre- and post-war, Acme Inc.."),
            ["pre-", "and", "post-war", ",", "Acme", "Inc.", "."]
        );
        assert_eq!(
            tokens("#tbt @ann_lee #1 ==---"),
            ["#tbt", "@ann_lee", "#", "1", "==---"]
        );
    }

    #[test]
    fn runs_and_symbols() {
        assert_eq!(
            tokens("Wait... what?! -- no!!"),
            ["Wait", "...", "what", "?!", "--", "no", "!!"]
        );
        assert_eq!(
            tokens("great :-) really :D"),
            ["great", ":-)", "really", ":D"]
        );
        assert_eq!(tokens("((a))"), ["(", "(", "a", ")", ")"]);
        assert_eq!(tokens("e\u{301}te\u{301}"), ["e\u{301}te\u{301}"]);
        assert_eq!(tokens("\u{301}x"), ["\u{301}", "x"]);
        assert_eq!(
            tokens("'70s and the ''best''"),
            ["'70s", "and", "the", "''", "best", "''"]
        );
    }

    #[test]
    fn kinds_are_meaningful() {
        use TokenKind::*;
        assert_eq!(
            kinds("Dr. Lee paid $5 (50%) at www.example.com!"),
            [Word, Word, Word, Number, Punct, Number, Symbol, Punct, Word, Url, Punct]
        );
    }
}
