//! Allocation-free word analysis: stable hashes of a word's forms, its shape
//! and capitalisation flags. Training and tagging share this code, so a
//! feature means the same thing in both.

/// FNV-1a offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A 64-bit finaliser (splitmix64) that spreads FNV's weak low bits.
#[inline]
pub(crate) fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Order-sensitive combination of two hashes.
#[inline]
pub(crate) fn combine(a: u64, b: u64) -> u64 {
    mix(a.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ b)
}

/// Incremental FNV-1a over UTF-8 bytes.
#[derive(Clone, Copy)]
pub(crate) struct Hasher(u64);

impl Hasher {
    #[inline]
    pub(crate) fn new() -> Self {
        Hasher(FNV_OFFSET)
    }

    #[inline]
    pub(crate) fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }

    #[inline]
    pub(crate) fn char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            self.byte(b);
        }
    }

    #[inline]
    pub(crate) fn finish(self) -> u64 {
        mix(self.0)
    }
}

/// Lower-cases one char without allocating (the first char of its lower case
/// mapping; multi-char mappings are rare in news text).
#[inline]
pub(crate) fn lower_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

#[inline]
fn upper_char(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_uppercase()
    } else {
        c.to_uppercase().next().unwrap_or(c)
    }
}

/// Typographic variants that should not make two words different.
#[inline]
fn fold_char(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '`' => '\'',
        '\u{2013}' | '\u{2014}' => '-',
        _ => c,
    }
}

/// Hash of the lower-cased word (quotes folded); the key of gazetteers and
/// document-level statistics.
#[inline]
pub(crate) fn hash_lower(s: &str) -> u64 {
    let mut h = Hasher::new();
    for c in s.chars() {
        h.char(lower_char(fold_char(c)));
    }
    h.finish()
}

/// Hash of the word in title case (`GERMAN` -> `German`), to look up the
/// word clusters of ALL-CAPS words.
#[inline]
pub(crate) fn hash_title(s: &str) -> u64 {
    let mut h = Hasher::new();
    let mut first = true;
    for c in s.chars() {
        let c = fold_char(c);
        h.char(if first { upper_char(c) } else { lower_char(c) });
        first = false;
    }
    h.finish()
}

/// Hash of the word with quotes folded, as written otherwise (the word
/// cluster key).
#[inline]
pub(crate) fn hash_exact(s: &str) -> u64 {
    let mut h = Hasher::new();
    for c in s.chars() {
        h.char(fold_char(c));
    }
    h.finish()
}

/// Hash of the lower-cased word with every digit replaced by `0`, so that
/// numbers share features.
#[inline]
fn hash_lower_digits(s: &str) -> u64 {
    let mut h = Hasher::new();
    for c in s.chars() {
        let c = if c.is_ascii_digit() { '0' } else { c };
        h.char(lower_char(fold_char(c)));
    }
    h.finish()
}

#[inline]
fn hash_exact_digits(s: &str) -> u64 {
    let mut h = Hasher::new();
    for c in s.chars() {
        let c = if c.is_ascii_digit() { '0' } else { c };
        h.char(fold_char(c));
    }
    h.finish()
}

/// Capitalisation and character-class flags of a word.
pub(crate) mod flag {
    /// The first char is an upper-case letter.
    pub const INIT_CAP: u16 = 1;
    /// Has letters and none is lower case.
    pub const ALL_CAPS: u16 = 1 << 1;
    /// Has a digit.
    pub const HAS_DIGIT: u16 = 1 << 2;
    /// Has a letter.
    pub const HAS_ALPHA: u16 = 1 << 3;
    /// Neither letters nor digits.
    pub const PUNCT: u16 = 1 << 4;
    /// Has an inner hyphen.
    pub const HYPHEN: u16 = 1 << 5;
    /// Has a period.
    pub const PERIOD: u16 = 1 << 6;
    /// The first char is a lower-case letter.
    pub const LOWER: u16 = 1 << 7;
    /// Mixed case after the first letter (`McDonald`, `iPhone`).
    pub const MIXED: u16 = 1 << 8;
    /// Only digits and number punctuation.
    pub const NUMBER: u16 = 1 << 9;
    /// A web address, e-mail address or file name (`www.x.com`,
    /// `a.b@c.com`, `cv_2001.doc`): never a name, whatever its letters.
    pub const ADDRESS: u16 = 1 << 10;
}

/// File extensions and top-level domains after a final period that make a
/// word a file name or web address.
const ADDRESS_ENDINGS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "doc", "docx", "pdf", "htm", "html", "xls", "xlsx", "ppt",
    "pptx", "txt", "jpg", "jpeg", "gif", "png", "zip", "exe", "csv", "rtf", "wav", "mp3", "asp",
    "php",
];

/// Whether a word is a web address, e-mail address or file name: it has
/// `://`, starts with `www.`, has `@` or `_` between letters or digits, or
/// ends in `.` and a file extension or common top-level domain.
pub(crate) fn is_address(word: &str) -> bool {
    let b = word.as_bytes();
    let inner = |c: u8| {
        b.iter().enumerate().any(|(i, &x)| {
            x == c
                && i > 0
                && i + 1 < b.len()
                && b[i - 1].is_ascii_alphanumeric()
                && b[i + 1].is_ascii_alphanumeric()
        })
    };
    if word.contains("://") || inner(b'@') || inner(b'_') {
        return true;
    }
    if b.len() > 4 && b[..4].eq_ignore_ascii_case(b"www.") {
        return true;
    }
    match word.rfind('.') {
        Some(dot) if dot >= 2 && dot + 1 < word.len() => {
            let ext = &word[dot + 1..];
            b[dot - 1].is_ascii_alphanumeric()
                && ADDRESS_ENDINGS.iter().any(|e| e.eq_ignore_ascii_case(ext))
        }
        _ => false,
    }
}

/// What the tagger knows about one word out of context.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordInfo {
    /// Word as written, digits folded.
    pub exact: u64,
    /// Lower case, digits folded.
    pub lower: u64,
    /// Lower case, digits as written (gazetteer and document key).
    pub key: u64,
    /// Collapsed shape (`Xx`, `X.X.`, `d/d/d`).
    pub shape: u64,
    /// Longer shape (runs cut at 4, at most 12 chars).
    pub long_shape: u64,
    /// [`flag`] bits.
    pub flags: u16,
    /// Length in chars, capped at 255.
    pub len: u8,
}

#[inline]
fn class(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() || c.is_alphabetic() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else {
        fold_char(c)
    }
}

/// Analyses one word.
#[inline]
pub(crate) fn analyse(word: &str) -> WordInfo {
    if word.is_ascii() {
        analyse_ascii(word.as_bytes())
    } else {
        analyse_any(word)
    }
}

/// [`analyse`] of an ASCII word in one pass over its bytes (the same
/// result as [`analyse_any`], several times faster).
fn analyse_ascii(word: &[u8]) -> WordInfo {
    let mut flags = 0u16;
    let (mut n_upper, mut n_lower, mut n_digit) = (0usize, 0usize, 0usize);
    let mut shape = Hasher::new();
    let mut long_shape = Hasher::new();
    let (mut exact, mut lower, mut key) = (Hasher::new(), Hasher::new(), Hasher::new());
    let mut last_class = 0u8;
    let (mut run, mut long_len) = (0usize, 0usize);
    let mut only_number = true;
    let (mut max_run, mut letter_run, mut last_letter) = (0usize, 0usize, 0u8);
    for (i, &b) in word.iter().enumerate() {
        let folded = if b == b'`' { b'\'' } else { b };
        let low = folded.to_ascii_lowercase();
        key.byte(low);
        if b.is_ascii_digit() {
            exact.byte(b'0');
            lower.byte(b'0');
        } else {
            exact.byte(folded);
            lower.byte(low);
        }
        let k = if b.is_ascii_uppercase() {
            n_upper += 1;
            if i > 0 && n_lower > 0 {
                flags |= flag::MIXED;
            }
            b'X'
        } else if b.is_ascii_lowercase() {
            n_lower += 1;
            b'x'
        } else if b.is_ascii_digit() {
            n_digit += 1;
            b'd'
        } else {
            if !matches!(b, b',' | b'.' | b'/' | b'-' | b':' | b'%' | b'$') {
                only_number = false;
            }
            if b == b'-' && i > 0 {
                flags |= flag::HYPHEN;
            }
            if b == b'.' {
                flags |= flag::PERIOD;
            }
            folded
        };
        if b.is_ascii_alphabetic() {
            letter_run = if low == last_letter {
                letter_run + 1
            } else {
                1
            };
            last_letter = low;
            max_run = max_run.max(letter_run);
            only_number = false;
        } else {
            last_letter = 0;
        }
        if i == 0 {
            if b.is_ascii_uppercase() {
                flags |= flag::INIT_CAP;
            } else if b.is_ascii_lowercase() {
                flags |= flag::LOWER;
            }
        }
        if k == last_class {
            run += 1;
        } else {
            run = 1;
            shape.byte(k);
        }
        if run <= 4 && long_len < 12 {
            long_shape.byte(k);
            long_len += 1;
        }
        last_class = k;
    }
    let len = word.len();
    let n_alpha = n_upper + n_lower;
    finish_flags(&mut flags, n_alpha, n_upper, n_lower, n_digit, only_number);
    if len > 4
        && (max_run >= 3 && n_alpha == len
            || word.iter().any(|c| matches!(c, b'.' | b'@' | b'_' | b':'))
                && is_address(std::str::from_utf8(word).unwrap_or("")))
    {
        flags |= flag::ADDRESS;
    }
    WordInfo {
        exact: exact.finish(),
        lower: lower.finish(),
        key: key.finish(),
        shape: shape.finish(),
        long_shape: long_shape.finish(),
        flags,
        len: len.min(255) as u8,
    }
}

/// The flags that follow from a word's character counts.
#[inline]
fn finish_flags(
    flags: &mut u16,
    n_alpha: usize,
    n_upper: usize,
    n_lower: usize,
    n_digit: usize,
    only_number: bool,
) {
    if n_alpha > 0 {
        *flags |= flag::HAS_ALPHA;
        if n_lower == 0 && n_upper > 0 {
            *flags |= flag::ALL_CAPS;
        }
    }
    if n_digit > 0 {
        *flags |= flag::HAS_DIGIT;
        if only_number {
            *flags |= flag::NUMBER;
        }
    }
    if n_alpha == 0 && n_digit == 0 {
        *flags |= flag::PUNCT;
    }
}

/// [`analyse`] of any word.
fn analyse_any(word: &str) -> WordInfo {
    let mut flags = 0u16;
    let mut n_upper = 0usize;
    let mut n_lower = 0usize;
    let mut n_alpha = 0usize;
    let mut n_digit = 0usize;
    let mut len = 0usize;
    let mut shape = Hasher::new();
    let mut long_shape = Hasher::new();
    let mut last_class = '\0';
    let mut run = 0usize;
    let mut long_len = 0usize;
    let mut only_number = true;
    // Longest run of one letter (case-insensitively): no English word or
    // name has a letter three times in a row, stretched words do.
    let (mut max_run, mut letter_run, mut last_letter) = (0usize, 0usize, '\0');
    for (i, c) in word.chars().enumerate() {
        if c.is_alphabetic() {
            let l = lower_char(c);
            letter_run = if l == last_letter { letter_run + 1 } else { 1 };
            last_letter = l;
            max_run = max_run.max(letter_run);
        } else {
            last_letter = '\0';
        }
        len += 1;
        let k = class(c);
        if i == 0 {
            if c.is_uppercase() {
                flags |= flag::INIT_CAP;
            } else if c.is_lowercase() {
                flags |= flag::LOWER;
            }
        } else if c.is_uppercase() && n_lower > 0 {
            flags |= flag::MIXED;
        }
        if c.is_uppercase() {
            n_upper += 1;
        } else if c.is_lowercase() {
            n_lower += 1;
        }
        if c.is_alphabetic() {
            n_alpha += 1;
        }
        if c.is_numeric() {
            n_digit += 1;
        } else if !matches!(c, ',' | '.' | '/' | '-' | ':' | '%' | '$') {
            only_number = false;
        }
        if c == '-' && i > 0 {
            flags |= flag::HYPHEN;
        }
        if c == '.' {
            flags |= flag::PERIOD;
        }
        if k == last_class {
            run += 1;
        } else {
            run = 1;
            shape.char(k);
        }
        if run <= 4 && long_len < 12 {
            long_shape.char(k);
            long_len += 1;
        }
        last_class = k;
    }
    finish_flags(&mut flags, n_alpha, n_upper, n_lower, n_digit, only_number);
    if len > 4
        && (max_run >= 3 && n_alpha == len
            || word.bytes().any(|c| matches!(c, b'.' | b'@' | b'_' | b':')) && is_address(word))
    {
        flags |= flag::ADDRESS;
    }
    WordInfo {
        exact: hash_exact_digits(word),
        lower: hash_lower_digits(word),
        key: hash_lower(word),
        shape: shape.finish(),
        long_shape: long_shape.finish(),
        flags,
        len: len.min(255) as u8,
    }
}

/// Calls `f(n, hash)` for the lower-cased prefixes of 1..=max chars.
#[inline]
pub(crate) fn prefixes(word: &str, max: usize, mut f: impl FnMut(usize, u64)) {
    let mut h = Hasher::new();
    if word.is_ascii() {
        // The same hashes without decoding and re-encoding each char.
        for (n, &b) in word.as_bytes().iter().take(max).enumerate() {
            h.byte(b.to_ascii_lowercase());
            f(n + 1, h.finish());
        }
        return;
    }
    for (n, c) in word.chars().take(max).enumerate() {
        h.char(lower_char(c));
        f(n + 1, h.finish());
    }
}

/// Calls `f(n, hash)` for the lower-cased suffixes of 1..=max chars (hashed
/// from the end backwards, which is as good a key).
#[inline]
pub(crate) fn suffixes(word: &str, max: usize, mut f: impl FnMut(usize, u64)) {
    let mut h = Hasher::new();
    if word.is_ascii() {
        for (n, &b) in word.as_bytes().iter().rev().take(max).enumerate() {
            h.byte(b.to_ascii_lowercase());
            f(n + 1, h.finish());
        }
        return;
    }
    for (n, c) in word.chars().rev().take(max).enumerate() {
        h.char(lower_char(c));
        f(n + 1, h.finish());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_affixes_hash_as_chars_do() {
        // The hashes the model was trained with: char by char.
        let by_chars = |chars: Vec<char>| -> Vec<(usize, u64)> {
            let mut h = Hasher::new();
            let mut out = Vec::new();
            for (n, c) in chars.into_iter().take(4).enumerate() {
                h.char(lower_char(c));
                out.push((n + 1, h.finish()));
            }
            out
        };
        for word in ["Hello", "NATO", "a", "U.S.", "Zürich", "café"] {
            let (mut pre, mut suf) = (Vec::new(), Vec::new());
            prefixes(word, 4, |n, h| pre.push((n, h)));
            suffixes(word, 4, |n, h| suf.push((n, h)));
            assert_eq!(pre, by_chars(word.chars().collect()), "{word}");
            assert_eq!(suf, by_chars(word.chars().rev().collect()), "{word}");
        }
    }

    #[test]
    fn shapes_collapse_runs() {
        assert_eq!(analyse("Oslo").shape, analyse("Paris").shape);
        assert_ne!(analyse("Oslo").shape, analyse("NATO").shape);
        assert_eq!(analyse("4/8/2022").shape, analyse("12/31/1999").shape);
    }

    #[test]
    fn flags_describe_case() {
        let nato = analyse("NATO");
        assert!(nato.flags & flag::ALL_CAPS != 0 && nato.flags & flag::INIT_CAP != 0);
        let mc = analyse("McDonald");
        assert!(mc.flags & flag::MIXED != 0);
        assert!(analyse("1,000").flags & flag::NUMBER != 0);
        assert!(analyse(",").flags & flag::PUNCT != 0);
    }

    #[test]
    fn ascii_analysis_is_the_general_one() {
        for w in [
            "Oslo",
            "NATO",
            "McDonald",
            "iPhone",
            "1,000",
            "4/8/2022",
            "$1.13bn",
            "U.S.",
            "-",
            "--",
            "``",
            "'s",
            "Sooooo",
            "VERYYY",
            "a.b@c.com",
            "x_y.doc",
            "co-op",
            "Jean-Luc",
            "3-D",
            "x",
            "A",
            "7",
            "%",
            "12%",
            "3.5",
            "ABC-12",
            "rock'n'roll",
            "`quoted'",
            "e.g.",
            "F-16s",
        ] {
            assert_eq!(analyse_ascii(w.as_bytes()), analyse_any(w), "{w}");
        }
        // And on pseudo-random words over an alphabet of every class.
        let alphabet = b"aAzZoO09-.,/:%$@_'`\"()&!x";
        let mut state = 1u64;
        for _ in 0..20_000 {
            state = mix(state);
            let len = 1 + (state % 9) as usize;
            let w: String = (0..len)
                .map(|i| alphabet[((state >> (6 * i)) % alphabet.len() as u64) as usize] as char)
                .collect();
            assert_eq!(analyse_ascii(w.as_bytes()), analyse_any(&w), "{w}");
        }
    }

    #[test]
    fn addresses_are_recognised() {
        for w in [
            "Lisa_resume.doc",
            "Kevin.A.Boone@accenture.com",
            "www.enron.com",
            "Goldstar.com",
            "http://x.org/a",
            "CrudeStocks.pdf",
            "TEXT.htm",
        ] {
            assert!(analyse(w).flags & flag::ADDRESS != 0, "{w}");
        }
        for w in ["Sooooo", "VERYYYY", "Brilll"] {
            assert!(analyse(w).flags & flag::ADDRESS != 0, "{w}");
        }
        for w in [
            "U.S.",
            "St.",
            "Acrobat",
            "Mr.",
            "P.S.",
            "e.g.",
            "3.5",
            "Henry",
            "AAA",
            "Tennessee",
        ] {
            assert!(analyse(w).flags & flag::ADDRESS == 0, "{w}");
        }
    }

    #[test]
    fn case_variants_share_lower_and_title_hashes() {
        assert_eq!(hash_lower("GERMAN"), hash_lower("German"));
        assert_eq!(hash_title("GERMAN"), hash_exact("German"));
        assert_eq!(hash_lower("Russia\u{2019}s"), hash_lower("russia's"));
    }
}
