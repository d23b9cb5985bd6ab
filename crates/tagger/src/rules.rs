//! Rule-based `DATE`, `TIME`, `MONEY` and `PERCENT` entities: patterns over
//! tokens, applied where the learned model found nothing.

use document::{Entity, Label, Sentence, Span, Token};

/// What a word that may start a pattern is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartWord {
    /// `January` (and `May`, a month only next to a number).
    Month,
    /// `Jan.`, `Sept.`
    MonthAbbrev,
    /// `Monday`
    Weekday,
    /// `millions` (of dollars)
    Multitude,
    /// `today`, `yesterday`, `tomorrow`
    NearDay,
    /// `last`, `next`, `this`, `past` (week)
    Relative,
}

/// The words that may start a pattern below (with digits and currency
/// symbols), lower case.
#[rustfmt::skip]
const START_WORDS: [(&str, StartWord); 42] = {
    use StartWord::*;
    [
        ("january", Month), ("february", Month), ("march", Month), ("april", Month),
        ("may", Month), ("june", Month), ("july", Month), ("august", Month),
        ("september", Month), ("october", Month), ("november", Month), ("december", Month),
        ("jan.", MonthAbbrev), ("feb.", MonthAbbrev), ("mar.", MonthAbbrev),
        ("apr.", MonthAbbrev), ("jun.", MonthAbbrev), ("jul.", MonthAbbrev),
        ("aug.", MonthAbbrev), ("sep.", MonthAbbrev), ("sept.", MonthAbbrev),
        ("oct.", MonthAbbrev), ("nov.", MonthAbbrev),
        ("monday", Weekday), ("tuesday", Weekday), ("wednesday", Weekday),
        ("thursday", Weekday), ("friday", Weekday), ("saturday", Weekday), ("sunday", Weekday),
        ("millions", Multitude), ("billions", Multitude), ("trillions", Multitude),
        ("thousands", Multitude), ("hundreds", Multitude),
        ("today", NearDay), ("yesterday", NearDay), ("tomorrow", NearDay),
        ("last", Relative), ("next", Relative), ("this", Relative), ("past", Relative),
    ]
};

/// Longest word of [`START_WORDS`], plus one.
const START_LEN: usize = 10;

/// Per length in bytes and lower-case first letter, a bit per word of
/// [`START_WORDS`] with them: a word is compared with the one or two
/// candidates it may be, not with all forty.
const START_INDEX: [[u64; 26]; START_LEN] = {
    let mut index = [[0u64; 26]; START_LEN];
    let mut k = 0;
    while k < START_WORDS.len() {
        let w = START_WORDS[k].0.as_bytes();
        assert!(w.len() < START_LEN && w[0].is_ascii_lowercase() && k < 64);
        index[w.len()][(w[0] - b'a') as usize] |= 1 << k;
        k += 1;
    }
    index
};

/// Per lower-case first and second letter, a bit per length in bytes of
/// the words of [`START_WORDS`] that begin with them.
const START_PAIRS: [[u16; 26]; 26] = {
    let mut pairs = [[0u16; 26]; 26];
    let mut k = 0;
    while k < START_WORDS.len() {
        let w = START_WORDS[k].0.as_bytes();
        assert!(w.len() < 16 && w[0].is_ascii_lowercase() && w[1].is_ascii_lowercase());
        pairs[(w[0] - b'a') as usize][(w[1] - b'a') as usize] |= 1 << w.len();
        k += 1;
    }
    pairs
};

/// Whether a word has the first two letters and the length of a word of
/// [`START_WORDS`] ([`START_PAIRS`]): a few operations rule out nearly all
/// words.
fn may_be_start_word(b: &[u8]) -> bool {
    let [first, second, ..] = *b else {
        return false;
    };
    // `| 0x20` lower-cases an ASCII letter, and makes a lower-case letter
    // of no other byte.
    let (first, second) = (first | 0x20, second | 0x20);
    first.is_ascii_lowercase()
        && second.is_ascii_lowercase()
        && b.len() < 16
        && START_PAIRS[usize::from(first - b'a')][usize::from(second - b'a')] & (1 << b.len()) != 0
}

/// Which of [`START_WORDS`] the word is, case-insensitively.
fn start_word(w: &str) -> Option<StartWord> {
    let b = w.as_bytes();
    let first = b.first()?.to_ascii_lowercase();
    if b.len() >= START_LEN || !first.is_ascii_lowercase() {
        return None;
    }
    let mut candidates = START_INDEX[b.len()][usize::from(first - b'a')];
    while candidates != 0 {
        let (word, kind) = START_WORDS[candidates.trailing_zeros() as usize];
        if word.eq_ignore_ascii_case(w) {
            return Some(kind);
        }
        candidates &= candidates - 1;
    }
    None
}

const SCALES: [&str; 12] = [
    "million", "billion", "trillion", "bn", "m", "mn", "mln", "bln", "thousand", "k", "tn", "b",
];
const CURRENCY_WORDS: [&str; 20] = [
    "dollar", "dollars", "euro", "euros", "pound", "pounds", "yen", "cent", "cents", "yuan",
    "rupee", "rupees", "franc", "francs", "marks", "roubles", "rubles", "pence", "p", "sterling",
];
const YEAR_LEADS: [&str; 18] = [
    "in", "since", "until", "till", "by", "from", "to", "before", "after", "of", "early", "late",
    "mid", "during", "between", "through", "and", "year",
];

/// Whether a token may start a pattern of [`match_at`], by its first byte
/// and, for a word, its being one of [`START_WORDS`]: most tokens are ruled
/// out without looking further.
fn may_start_pattern(w: &str) -> bool {
    let b = w.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() => {
            // `US$`, `HK$`
            (b.len() <= 3 && b.last() == Some(&b'$'))
                || (may_be_start_word(b) && start_word(w).is_some())
        }
        // Digits, `$`, and any other character (a currency symbol).
        Some(&b) => b.is_ascii_digit() || b == b'$' || !b.is_ascii(),
        None => false,
    }
}

fn eq_any(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

fn is_currency_symbol(c: char) -> bool {
    matches!(c, '$' | '£' | '€' | '¥' | '₹' | '₽')
}

/// A number: digits with `,` `.` separators (`1,000`, `1.13`, `3`).
fn is_number(w: &str) -> bool {
    let mut digits = 0;
    for c in w.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if !matches!(c, ',' | '.') {
            return false;
        }
    }
    digits > 0 && w.starts_with(|c: char| c.is_ascii_digit())
}

/// A number with an optional glued scale (`1.13bn`, `639m`, `5`).
fn is_amount(w: &str) -> bool {
    let end = w
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(w.len());
    let (num, rest) = w.split_at(end);
    is_number(num) && (rest.is_empty() || eq_any(rest, &SCALES))
}

fn is_month(w: &str) -> bool {
    is_month_word(w, start_word(w))
}

/// [`is_month`] of `w`, which is `start` of [`START_WORDS`].
fn is_month_word(w: &str, start: Option<StartWord>) -> bool {
    match start {
        Some(StartWord::Month) => w.starts_with(char::is_uppercase),
        Some(StartWord::MonthAbbrev) => true,
        _ => false,
    }
}

/// A weekday, capitalised (`Friday`; not `friday`, as in `girl friday`).
fn is_weekday(w: &str, start: Option<StartWord>) -> bool {
    start == Some(StartWord::Weekday) && w.starts_with(char::is_uppercase)
}

fn is_day(w: &str) -> bool {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    (suffix.is_empty() || eq_any(suffix, &["st", "nd", "rd", "th"]))
        && !digits.is_empty()
        && digits.len() <= 2
        && digits.chars().all(|c| c.is_ascii_digit())
        && digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

fn is_year(w: &str) -> bool {
    w.len() == 4
        && w.chars().all(|c| c.is_ascii_digit())
        && w.parse::<u32>().is_ok_and(|y| (1800..=2100).contains(&y))
}

/// `4/8/2022`, `2022-08-04`, `04.08.2022`.
fn is_numeric_date(w: &str) -> bool {
    // Three parts of one or two digits and a year: 6 (`4/8/22`) to 10
    // bytes.
    if !(6..=10).contains(&w.len()) {
        return false;
    }
    for sep in ['/', '-', '.'] {
        let mut lens = [0usize; 3];
        let mut n = 0;
        let mut ok = true;
        for p in w.split(sep) {
            if n == 3 || p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()) {
                ok = false;
                break;
            }
            lens[n] = p.len();
            n += 1;
        }
        if ok && n == 3 {
            let year_first = lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2;
            let year_last = lens[2] == 4 || (lens[2] == 2 && sep == '/');
            if (year_first || (year_last && lens[0] <= 2 && lens[1] <= 2))
                && (sep != '.' || year_last)
            {
                return true;
            }
        }
    }
    false
}

/// `10:30`, `9:05`.
fn is_clock(w: &str) -> bool {
    let Some((h, m)) = w.split_once(':') else {
        return false;
    };
    !h.is_empty()
        && h.len() <= 2
        && m.len() == 2
        && h.chars().chain(m.chars()).all(|c| c.is_ascii_digit())
        && h.parse::<u32>().is_ok_and(|h| h < 24)
        && m.parse::<u32>().is_ok_and(|m| m < 60)
}

fn is_meridiem(w: &str) -> bool {
    eq_any(
        w,
        &[
            "a.m.", "p.m.", "am", "pm", "a.m", "p.m", "gmt", "utc", "est", "edt", "bst", "cet",
        ],
    )
}

/// Finds the longest rule match starting at token `i` of `words`; returns
/// its length and label.
fn match_at(words: &[&str], i: usize) -> Option<(usize, Label)> {
    let w = words[i];
    // Every pattern starts with a letter, a digit or a currency symbol:
    // punctuation is done with at once.
    if !w
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || is_currency_symbol(c))
    {
        return None;
    }
    // Most tokens are words that start no pattern: one test for them.
    let start = start_word(w);
    if start.is_none() && w.starts_with(|c: char| c.is_ascii_alphabetic()) && !w.ends_with('$') {
        return None;
    }
    let at = |k: usize| words.get(i + k).copied().unwrap_or("");

    // PERCENT: `76%`, `76 %`, `76 percent`, `76 per cent`.
    if let Some(num) = w.strip_suffix('%') {
        if is_number(num) {
            return Some((1, Label::Percent));
        }
    }
    if is_number(w) {
        if at(1) == "%" || eq_any(at(1), &["percent", "pct"]) {
            return Some((2, Label::Percent));
        }
        if at(1).eq_ignore_ascii_case("per") && at(2).eq_ignore_ascii_case("cent") {
            return Some((3, Label::Percent));
        }
    }

    // MONEY: `$1.13bn`, `$ 5 million`, `US$ 3`, `5 million dollars`.
    let mut chars = w.chars();
    let first = chars.next().unwrap_or(' ');
    let glued_symbol = is_currency_symbol(first) && is_amount(chars.as_str());
    let lone_symbol = (w.chars().count() == 1 && is_currency_symbol(first))
        || eq_any(w, &["us$", "a$", "c$", "hk$", "nz$", "s$", "r$"]);
    if glued_symbol || (lone_symbol && is_amount(at(1))) {
        let mut n = if glued_symbol { 1 } else { 2 };
        if eq_any(at(n), &SCALES) {
            n += 1;
        }
        return Some((n, Label::Money));
    }
    if is_amount(w) {
        let mut n = 1;
        if eq_any(at(1), &SCALES) {
            n = 2;
        }
        if eq_any(at(n), &CURRENCY_WORDS) && !(at(n) == "p" && n == 1 && !is_number(w)) {
            return Some((n + 1, Label::Money));
        }
    }
    if start == Some(StartWord::Multitude)
        && at(1).eq_ignore_ascii_case("of")
        && eq_any(at(2), &CURRENCY_WORDS)
    {
        return Some((3, Label::Money));
    }

    // TIME: `10:30 a.m.`, `3 p.m.`.
    if is_clock(w) {
        return Some((if is_meridiem(at(1)) { 2 } else { 1 }, Label::Time));
    }
    if is_number(w) && w.len() <= 2 && eq_any(at(1), &["a.m.", "p.m.", "am", "pm", "a.m", "p.m"]) {
        return Some((2, Label::Time));
    }

    // DATE.
    if is_numeric_date(w) {
        return Some((1, Label::Date));
    }
    if is_weekday(w, start) {
        return Some((1, Label::Date));
    }
    if is_month_word(w, start) {
        // `May` the modal verb: a month only next to a number.
        let is_may = w.eq_ignore_ascii_case("may");
        let mut n = 1;
        if is_day(at(1)) {
            n = 2;
            if at(2) == "," && is_year(at(3)) {
                n = 4;
            } else if is_year(at(2)) {
                n = 3;
            }
        } else if is_year(at(1)) {
            n = 2;
        } else if is_may {
            return None;
        }
        return Some((n, Label::Date));
    }
    if is_day(w) && is_month(at(1)) {
        let n = if is_year(at(2)) { 3 } else { 2 };
        return Some((n, Label::Date));
    }
    if is_year(w) && i > 0 && eq_any(words[i - 1], &YEAR_LEADS) {
        return Some((1, Label::Date));
    }
    if w.len() == 5 && w.ends_with('s') && is_year(&w[..4]) {
        return Some((1, Label::Date));
    }
    if start == Some(StartWord::NearDay) {
        return Some((1, Label::Date));
    }
    if start == Some(StartWord::Relative)
        && (eq_any(
            at(1),
            &[
                "week", "month", "year", "weekend", "summer", "winter", "spring", "autumn",
            ],
        ) || is_weekday(at(1), start_word(at(1))))
        && i + 1 < words.len()
    {
        return Some((2, Label::Date));
    }
    None
}

/// Adds rule entities to `entities` where the learned model found
/// nothing. A rule match with a digit in it (`10:30 AM`, `$5 million`)
/// also replaces learned entities lying wholly inside it (`AM` taken for a
/// place). `words` are the texts of `tokens`.
pub(crate) fn add_numeric_entities(
    entities: &mut Vec<Entity>,
    tokens: &[Token],
    sentences: &[Sentence],
    words: &[&str],
) {
    const FREE: u32 = u32::MAX;
    debug_assert_eq!(tokens.len(), words.len());
    let mut owner = vec![FREE; tokens.len()];
    for (k, e) in entities.iter().enumerate() {
        for t in e.tokens.clone() {
            if let Some(c) = owner.get_mut(t as usize) {
                *c = k as u32;
            }
        }
    }
    let mut dropped = vec![false; entities.len()];
    let mut found = Vec::new();
    for (si, sent) in sentences.iter().enumerate() {
        let r = sent.token_range();
        if r.end > tokens.len() || r.start > r.end {
            continue;
        }
        // Patterns look at the words of their sentence only.
        let words = &words[r.clone()];
        let mut i = 0;
        while i < words.len() {
            if !may_start_pattern(words[i]) {
                i += 1;
                continue;
            }
            if let Some((n, label)) = match_at(words, i) {
                let n = n.min(words.len() - i);
                let (a, b) = (r.start + i, r.start + i + n);
                let free = owner[a..b].iter().all(|&o| o == FREE);
                let numeric = words[i..i + n]
                    .iter()
                    .any(|w| w.bytes().any(|c| c.is_ascii_digit()));
                let inside = owner[a..b].iter().filter(|&&o| o != FREE).all(|&o| {
                    let e = &entities[o as usize];
                    a as u32 <= e.tokens.start && e.tokens.end <= b as u32
                });
                if free || (numeric && inside) {
                    for &o in &owner[a..b] {
                        if o != FREE {
                            dropped[o as usize] = true;
                        }
                    }
                    found.push(Entity {
                        span: Span {
                            start: tokens[a].span.start,
                            end: tokens[b - 1].span.end,
                        },
                        label,
                        tokens: a as u32..b as u32,
                        sentence_idx: si as u32,
                        cluster: None,
                    });
                    i += n;
                    continue;
                }
            }
            i += 1;
        }
    }
    if dropped.iter().any(|&d| d) {
        let mut k = 0;
        entities.retain(|_| {
            k += 1;
            !dropped[k - 1]
        });
    }
    entities.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(words: &str) -> Option<(usize, Label)> {
        let w: Vec<&str> = words.split(' ').collect();
        match_at(&w, 0)
    }

    #[test]
    fn the_quick_test_lets_every_pattern_start_through() {
        for w in [
            "Thursday", "4/8/2022", "February", "1990s", "$1.13bn", "£600m", "$", "US$", "hk$",
            "76%", "5", "millions", "10:30", "today", "last", "Sept.", "€",
        ] {
            assert!(may_start_pattern(w), "{w}");
        }
        for w in ["the", "Reuters", ",", "(", "US$5m", "of", "Reuters", ""] {
            assert!(!may_start_pattern(w), "{w}");
        }
    }

    #[test]
    fn start_words_are_found_by_their_pair_and_index() {
        for (w, kind) in START_WORDS {
            let upper = w.to_ascii_uppercase();
            for w in [w, upper.as_str()] {
                assert!(may_be_start_word(w.as_bytes()), "{w}");
                assert_eq!(start_word(w), Some(kind), "{w}");
            }
        }
        for w in [
            "the",
            "said",
            "Marc",
            "thus",
            "Mayor",
            "sept",
            "Sep",
            "t",
            "",
            "\u{e9}t\u{e9}",
        ] {
            assert_eq!(start_word(w), None, "{w}");
        }
        assert!(!may_be_start_word(b"said"));
    }

    #[test]
    fn dates() {
        assert_eq!(label("Thursday"), Some((1, Label::Date)));
        assert_eq!(label("4/8/2022"), Some((1, Label::Date)));
        assert_eq!(label("February 24 ,"), Some((2, Label::Date)));
        assert_eq!(label("December 2021"), Some((2, Label::Date)));
        assert_eq!(label("24 February 2022"), Some((3, Label::Date)));
        assert_eq!(label("May be"), None);
        assert_eq!(label("may 5"), None);
        assert_eq!(label("1990s"), Some((1, Label::Date)));
    }

    #[test]
    fn years_need_a_lead_word() {
        let w = ["in", "2011"];
        assert_eq!(match_at(&w, 1), Some((1, Label::Date)));
        let w = ["killed", "2011"];
        assert_eq!(match_at(&w, 1), None);
    }

    #[test]
    fn money_percent_time() {
        assert_eq!(label("$1.13bn"), Some((1, Label::Money)));
        assert_eq!(label("£600m"), Some((1, Label::Money)));
        assert_eq!(label("$ 5 million"), Some((3, Label::Money)));
        assert_eq!(label("5 million dollars"), Some((3, Label::Money)));
        assert_eq!(label("76%"), Some((1, Label::Percent)));
        assert_eq!(label("76 per cent"), Some((3, Label::Percent)));
        assert_eq!(label("10:30 a.m."), Some((2, Label::Time)));
        assert_eq!(label("3 p.m."), Some((2, Label::Time)));
        assert_eq!(label("77 people"), None);
    }
}
