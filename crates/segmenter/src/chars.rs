//! Character access and classes shared by the paragraph, sentence and token
//! scanners. Every scanner walks bytes with an ASCII fast path and decodes a
//! `char` only when it meets a non-ASCII byte.

/// The char starting at byte `i` and its length in bytes.
///
/// `i` must be a char boundary inside `text`.
#[inline]
pub(crate) fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        (b as char, 1)
    } else {
        let c = text[i..].chars().next().expect("i is inside text");
        (c, c.len_utf8())
    }
}

/// The char ending at byte `i` and its length in bytes.
///
/// `i` must be a char boundary with `i > 0`.
#[inline]
pub(crate) fn char_before(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i - 1];
    if b < 0x80 {
        (b as char, 1)
    } else {
        let c = text[..i].chars().next_back().expect("i > 0");
        (c, c.len_utf8())
    }
}

/// The char at `i`, or `None` at or past `end`.
#[inline]
pub(crate) fn peek(text: &str, i: usize, end: usize) -> Option<char> {
    (i < end).then(|| char_at(text, i).0)
}

/// Byte classes for the ASCII fast paths.
pub(crate) mod class {
    /// ASCII whitespace (as `char::is_whitespace` defines it).
    pub(crate) const SPACE: u8 = 1;
    /// ASCII letter.
    pub(crate) const ALPHA: u8 = 2;
    /// ASCII digit.
    pub(crate) const DIGIT: u8 = 4;
    /// `@` or `:`: a chunk holding one may be a URL or e-mail address.
    pub(crate) const URLISH: u8 = 8;
    /// A byte of a multi-byte char: decode to know more.
    pub(crate) const NON_ASCII: u8 = 16;
    /// Letter or digit.
    pub(crate) const ALNUM: u8 = ALPHA | DIGIT;
}

/// The class of every byte.
pub(crate) static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c >= 0x80 {
            class::NON_ASCII
        } else if c.is_ascii_alphabetic() {
            class::ALPHA
        } else if c.is_ascii_digit() {
            class::DIGIT
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
            class::SPACE
        } else if matches!(c, b'@' | b':') {
            class::URLISH
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Whitespace as Rust (and Unicode's `White_Space`) defines it.
#[inline]
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The byte index of the first whitespace char at or after `i` (or `end`).
#[inline]
pub(crate) fn skip_non_space(text: &str, i: usize, end: usize) -> usize {
    scan_chunk(text, i, end).0
}

/// The end of the whitespace-free chunk at `i` (the first whitespace char at
/// or after `i`, or `end`) and the union of the classes of its bytes.
#[inline]
pub(crate) fn scan_chunk(text: &str, mut i: usize, end: usize) -> (usize, u8) {
    let bytes = text.as_bytes();
    let mut seen = 0;
    while i < end {
        let cls = CLASS[bytes[i] as usize];
        if cls & class::SPACE != 0 {
            break;
        }
        if cls & class::NON_ASCII != 0 {
            let (c, len) = char_at(text, i);
            if c.is_whitespace() {
                break;
            }
            i += len;
        } else {
            i += 1;
        }
        seen |= cls;
    }
    (i, seen)
}

/// The byte index of the first non-whitespace char at or after `i` (or `end`).
#[inline]
pub(crate) fn skip_space(text: &str, mut i: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    while i < end {
        let cls = CLASS[bytes[i] as usize];
        if cls & class::SPACE != 0 {
            i += 1;
        } else if cls & class::NON_ASCII != 0 {
            let (c, len) = char_at(text, i);
            if !c.is_whitespace() {
                return i;
            }
            i += len;
        } else {
            return i;
        }
    }
    end
}

/// The byte index just past the last non-whitespace char before `i`
/// (or `start`).
#[inline]
pub(crate) fn skip_space_back(text: &str, mut i: usize, start: usize) -> usize {
    let bytes = text.as_bytes();
    while i > start {
        // ASCII bytes are told by their class, without decoding.
        let b = bytes[i - 1];
        if b < 0x80 {
            if CLASS[b as usize] & class::SPACE == 0 {
                return i;
            }
            i -= 1;
            continue;
        }
        let (c, len) = char_before(text, i);
        if !c.is_whitespace() {
            return i;
        }
        i -= len;
    }
    start
}

/// The start of the whitespace-free chunk that ends at `i`.
#[inline]
pub(crate) fn chunk_start_before(text: &str, mut i: usize, start: usize) -> usize {
    let bytes = text.as_bytes();
    while i > start {
        // Eight bytes at a time back to the last one that is ASCII
        // whitespace, a control char or non-ASCII: only such a byte can end
        // the chunk, and the byte-wise step below decides it.
        if i >= start + 8 {
            let lanes = swar::control_space_or_non_ascii(swar::load(bytes, i - 8));
            if lanes == 0 {
                i -= 8;
                continue;
            }
            // Past the highest such lane.
            i -= (lanes.leading_zeros() / 8) as usize;
        }
        // ASCII bytes are told by their class, without decoding.
        let b = bytes[i - 1];
        if b < 0x80 {
            if CLASS[b as usize] & class::SPACE != 0 {
                return i;
            }
            i -= 1;
            continue;
        }
        let (c, len) = char_before(text, i);
        if c.is_whitespace() {
            return i;
        }
        i -= len;
    }
    start
}

/// Sentence-final punctuation.
#[inline]
pub(crate) fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '\u{2026}' // …
            | '\u{203C}' // ‼
            | '\u{203D}' // ‽
            | '\u{2047}'..='\u{2049}' // ⁇ ⁈ ⁉
            | '\u{3002}' // 。
            | '\u{FF01}' // ！
            | '\u{FF1F}' // ？
            | '\u{FF61}' // ｡
            | '\u{061F}' // ؟
            | '\u{0964}'..='\u{0965}' // । ॥
    )
}

/// Closing quotes and brackets: they stay with the sentence they close.
#[inline]
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | '\u{201D}' // ”
            | '\u{2019}' // ’
            | '\u{00BB}' // »
            | '\u{203A}' // ›
            | '\u{300D}' // 」
            | '\u{300F}' // 』
            | '\u{FF09}' // ）
            | '\u{FF3D}' // ］
    )
}

/// Opening quotes and brackets.
#[inline]
pub(crate) fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '('
            | '['
            | '{'
            | '\u{201C}' // “
            | '\u{2018}' // ‘
            | '\u{201E}' // „
            | '\u{201A}' // ‚
            | '\u{00AB}' // «
            | '\u{2039}' // ‹
            | '\u{00BF}' // ¿
            | '\u{00A1}' // ¡
            | '\u{300C}' // 「
            | '\u{300E}' // 『
            | '\u{FF08}' // （
            | '\u{FF3B}' // ［
    )
}

/// List bullets: each starts a new item, so a new sentence.
#[inline]
pub(crate) fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '\u{2022}' // •
            | '\u{2023}' // ‣
            | '\u{2043}' // ⁃
            | '\u{25E6}' // ◦
            | '\u{25AA}' // ▪
            | '\u{25CF}' // ●
    )
}

/// Dashes and hyphens.
#[inline]
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// Apostrophes (and the right single quote that doubles as one).
#[inline]
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Chars that never stand alone: combining marks, joiners, variation
/// selectors, emoji modifiers and invisible format chars. They belong to the
/// token before them.
#[inline]
pub(crate) fn is_extender(c: char) -> bool {
    c >= '\u{0300}' && is_extender_slow(c)
}

fn is_extender_slow(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0483}'..='\u{0489}'
            | '\u{0591}'..='\u{05BD}'
            | '\u{05BF}'
            | '\u{05C1}'..='\u{05C2}'
            | '\u{05C4}'..='\u{05C5}'
            | '\u{05C7}'
            | '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06DC}'
            | '\u{06DF}'..='\u{06E4}'
            | '\u{06E7}'..='\u{06E8}'
            | '\u{06EA}'..='\u{06ED}'
            | '\u{0E31}'
            | '\u{0E34}'..='\u{0E3A}'
            | '\u{0E47}'..='\u{0E4E}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{302A}'..='\u{302F}'
            | '\u{3099}'..='\u{309A}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{FEFF}'
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Letters, digits and the marks that extend them: the stuff words are made of.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || is_extender(c)
    }
}

/// The end of the run of word chars at `i` (before `end`).
#[inline(always)]
pub(crate) fn skip_word_chars(text: &str, i: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let i = skip_ascii_alnum(bytes, i, end);
    if i < end && bytes[i] >= 0x80 {
        skip_word_chars_beyond_ascii(text, i, end)
    } else {
        i
    }
}

/// The end of the run of ASCII letters and digits at `i` (before `end`).
#[inline(always)]
pub(crate) fn skip_ascii_alnum(bytes: &[u8], mut i: usize, end: usize) -> usize {
    let bytes = &bytes[..end];
    loop {
        if i + 8 > end {
            i += bytes[i..]
                .iter()
                .take_while(|&&b| CLASS[b as usize] & class::ALNUM != 0)
                .count();
            break;
        }
        let lanes = swar::first_not_alnum(swar::load(bytes, i));
        if lanes != 0 {
            i += lanes.trailing_zeros() as usize / 8;
            break;
        }
        i += 8;
    }
    i
}

/// [`skip_word_chars`] from a non-ASCII char on.
#[inline(never)]
pub(crate) fn skip_word_chars_beyond_ascii(text: &str, mut i: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    while i < end {
        if bytes[i] < 0x80 {
            if CLASS[bytes[i] as usize] & class::ALNUM == 0 {
                break;
            }
            i += 1;
        } else {
            let (c, len) = char_at(text, i);
            if !is_word_char(c) {
                break;
            }
            i += len;
        }
    }
    i
}

/// Whether `c` starts with an upper-case letter, as sentences do. Letters of
/// scripts without case count as upper case: nothing marks them as a
/// continuation.
#[inline]
pub(crate) fn is_upper_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase())
    }
}

/// Whether `c` is a lower-case letter.
#[inline]
pub(crate) fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_lowercase()
    } else {
        c.is_lowercase()
    }
}

/// Currency signs that may prefix an amount (`$1.13bn`, `£600m`).
#[inline]
pub(crate) fn is_currency(c: char) -> bool {
    matches!(
        c,
        '$' | '\u{00A2}'..='\u{00A5}' | '\u{20A0}'..='\u{20BF}'
    )
}

/// Punctuation proper (as opposed to other symbols), for [`TokenKind`].
///
/// [`TokenKind`]: document::TokenKind
#[inline]
pub(crate) fn is_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '\''
            | '"'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '-'
            | '/'
            | '\\'
            | '_'
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{205E}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{00A1}'
            | '\u{00BF}'
            | '\u{00B7}'
            | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF1F}'
            | '\u{FF61}'..='\u{FF65}'
            | '\u{061F}'
            | '\u{060C}'
            | '\u{0964}'..='\u{0965}'
    ) || is_terminal(c)
}

/// Whether `chunk` is exactly one emoticon: `:)`, `:-(`, `;)`, `=]`, `:D`,
/// `:P`, `<3`, `XD`.
pub(crate) fn is_emoticon(chunk: &[u8]) -> bool {
    match chunk {
        b"<3" | b"XD" | b"xD" => true,
        [eyes, mouth] => is_eyes(*eyes) && is_mouth(*mouth),
        [eyes, nose, mouth] => {
            is_eyes(*eyes) && matches!(nose, b'-' | b'\'' | b'^' | b'o') && is_mouth(*mouth)
        }
        _ => false,
    }
}

fn is_eyes(b: u8) -> bool {
    matches!(b, b':' | b';' | b'=')
}

fn is_mouth(b: u8) -> bool {
    matches!(
        b,
        b')' | b'('
            | b']'
            | b'['
            | b'/'
            | b'\\'
            | b'|'
            | b'D'
            | b'P'
            | b'p'
            | b'O'
            | b'o'
            | b'3'
            | b'*'
    )
}

/// Whether `chunk` is a separator line like `***`, `=====` or `-----`.
pub(crate) fn is_rule(chunk: &[u8]) -> bool {
    chunk.len() >= 3
        && chunk.iter().all(|b| b"*=_~#-".contains(b))
        && (chunk.len() >= 4 || chunk.iter().any(|&b| b != b'-'))
}

/// Eight-bytes-at-a-time tests (SWAR): each returns a word with the high
/// bit of every byte lane that holds a byte of interest set.
pub(crate) mod swar {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;

    /// The eight bytes at `i` as a little-endian word (`i + 8 <= len`).
    #[inline(always)]
    pub(crate) fn load(bytes: &[u8], i: usize) -> u64 {
        let mut lane = [0u8; 8];
        lane.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(lane)
    }

    /// Lanes holding an ASCII byte strictly between `m` and `n`
    /// (`n <= 128`); exact per lane, since no lane carries into another.
    #[inline(always)]
    fn between(x: u64, m: u8, n: u8) -> u64 {
        let low = x & (ONES * 127);
        ((ONES * (127 + n as u64)).wrapping_sub(low) & !x & (low + ONES * (127 - m as u64))) & HIGH
    }

    /// Lanes holding anything but an ASCII letter, digit or space. Folding
    /// case also folds NUL into a space and 0x10..=0x19 into digits: harmless,
    /// since the scanners look for none of them.
    #[inline(always)]
    pub(crate) fn not_alnum_or_space(w: u64) -> u64 {
        let x = w | (ONES * 0x20);
        let boring = between(x, 0x60, 0x7B) | between(x, 0x2F, 0x3A) | between(x, 0x1F, 0x21);
        !boring & HIGH
    }

    /// The first lane holding anything but an ASCII letter or digit: the
    /// lowest set high bit of the result (higher ones mean nothing).
    ///
    /// Each class is a range, tested by two additions that set a lane's high
    /// bit from its lower bound and from past its upper bound. An addition
    /// carries out of a lane only for a byte of 0x80 or more, which is the
    /// lane sought or above it, so the lanes below that lane, and that lane,
    /// are exact.
    #[inline(always)]
    pub(crate) fn first_not_alnum(w: u64) -> u64 {
        let x = w | (ONES * 0x20);
        let add = |v: u64, k: u64| v.wrapping_add(ONES * k);
        let letter = add(x, 0x80 - 0x61) & !add(x, 0x80 - 0x7B);
        let digit = add(w, 0x80 - 0x30) & !add(w, 0x80 - 0x3A);
        !((letter | digit) & !w) & HIGH
    }

    /// Lanes holding a byte of at most 0x20 (a space or control char) or
    /// of 0x80 or more (exact).
    #[inline(always)]
    pub(crate) fn control_space_or_non_ascii(w: u64) -> u64 {
        // The low seven bits plus 0x5F reach 0x80 from 0x21 on, without
        // carrying out of the lane.
        let at_least_0x21 = (w & (ONES * 0x7F)) + ONES * (0x80 - 0x21);
        (!at_least_0x21 | w) & HIGH
    }

    /// Lanes holding the byte `b` (exact).
    #[inline(always)]
    pub(crate) fn equal(w: u64, b: u8) -> u64 {
        let x = w ^ (ONES * b as u64);
        !(((x & (ONES * 0x7F)) + ONES * 0x7F) | x) & HIGH
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The lane of the lowest set high bit, or 8.
        fn first(f: fn(u64) -> u64, bytes: &[u8; 8]) -> usize {
            f(u64::from_le_bytes(*bytes)).trailing_zeros() as usize / 8
        }

        #[test]
        fn first_lanes_are_exact() {
            assert_eq!(first(not_alnum_or_space, b"ab Z09zy"), 8);
            assert_eq!(first(not_alnum_or_space, b"a b?c!@\xe2"), 3);
            assert_eq!(first(first_not_alnum, b"ab Z09zy"), 2);
            assert_eq!(first(first_not_alnum, b"aZ09zy\xff\xff"), 6);
            let boring = |b: u8| {
                b.is_ascii_alphanumeric() || b == b' ' || b == 0 || (0x10..=0x19).contains(&b)
            };
            type Case = (fn(u64) -> u64, &'static [u8; 8], fn(u8) -> bool);
            let cases: [Case; 2] = [
                (not_alnum_or_space, b"aZ0 9zA ", boring),
                (first_not_alnum, b"aZ09zAy1", |b| b.is_ascii_alphanumeric()),
            ];
            // Every byte value in every lane, after lanes to skip and before
            // lanes that carry (0xFF) or not.
            for (f, skipped, skips) in cases {
                for b in 0..=255u8 {
                    for k in 0..8 {
                        for rest in [b'a', 0xFF, b'.', 0x80] {
                            let mut word = [rest; 8];
                            word[..k].copy_from_slice(&skipped[..k]);
                            word[k] = b;
                            let got = first(f, &word);
                            assert!(got >= k, "{word:?}");
                            assert_eq!(got == k, !skips(b), "{word:?}");
                        }
                    }
                }
            }
        }

        #[test]
        fn lanes_are_exact() {
            // Every byte value, in every lane.
            for b in 0..=255u8 {
                let plain =
                    b.is_ascii_alphanumeric() || b == b' ' || b == 0 || (0x10..=0x19).contains(&b);
                for k in 0..8 {
                    let mut word = *b"aaaaaaaa";
                    word[k] = b;
                    let m = not_alnum_or_space(u64::from_le_bytes(word));
                    assert_eq!(m == 0x80 << (8 * k), !plain, "{b:#x} in lane {k}");
                    assert_eq!(m == 0, plain, "{b:#x} in lane {k}");
                    let m = control_space_or_non_ascii(u64::from_le_bytes(word));
                    let hit = !(0x21..0x80).contains(&b);
                    assert_eq!(
                        m,
                        if hit { 0x80 << (8 * k) } else { 0 },
                        "{b:#x} in lane {k}"
                    );
                    for probe in [0, b'.', b'a', 0x7F, 0x80, 0xFF] {
                        let hits: Vec<usize> = (0..8).filter(|&j| word[j] == probe).collect();
                        let m = equal(u64::from_le_bytes(word), probe);
                        let got: Vec<usize> =
                            (0..8).filter(|j| m & (0x80 << (8 * j)) != 0).collect();
                        assert_eq!(got, hits, "{probe:#x} among {word:?}");
                    }
                }
            }
        }
    }
}
