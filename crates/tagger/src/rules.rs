//! Rule-based `DATE`, `TIME`, `MONEY` and `PERCENT` entities: patterns over
//! tokens, applied where the learned model found nothing.

use document::{Document, Entity, Label, Span};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const MONTH_ABBREVS: [&str; 11] = [
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
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

/// The other words that may start a pattern below (with the months,
/// weekdays and currency symbols).
const WORD_STARTS: [&str; 12] = [
    "millions",
    "billions",
    "trillions",
    "thousands",
    "hundreds",
    "today",
    "yesterday",
    "tomorrow",
    "last",
    "next",
    "this",
    "past",
];

/// The lists of the words that may start a pattern.
const START_LISTS: [&[&str]; 4] = [&WORD_STARTS, &MONTHS, &MONTH_ABBREVS, &WEEKDAYS];

/// Per length in bytes, a bit per (lower-case) first letter of the words of
/// [`START_LISTS`]: most words can then be ruled out without comparing
/// them with the forty words of the lists.
const START_LETTERS: [u32; 16] = {
    let mut bits = [0u32; 16];
    let mut l = 0;
    while l < START_LISTS.len() {
        let mut k = 0;
        while k < START_LISTS[l].len() {
            let w = START_LISTS[l][k].as_bytes();
            assert!(w.len() < 16 && w[0].is_ascii_lowercase());
            bits[w.len()] |= 1 << (w[0] - b'a');
            k += 1;
        }
        l += 1;
    }
    bits
};

/// Whether an alphabetic word is one of [`START_LISTS`].
fn is_start_word(w: &str) -> bool {
    may_be_start_word(w.as_bytes()) && START_LISTS.iter().any(|list| eq_any(w, list))
}

/// Whether a word has the length and first letter of a word of
/// [`START_LISTS`] ([`START_LETTERS`]).
fn may_be_start_word(w: &[u8]) -> bool {
    let first = w.first().map_or(0, u8::to_ascii_lowercase);
    w.len() < START_LETTERS.len()
        && first.is_ascii_lowercase()
        && START_LETTERS[w.len()] & (1 << (first - b'a')) != 0
}

/// Whether a token may start a pattern of [`match_at`], by its first byte
/// and length alone: most tokens are ruled out without looking further.
fn may_start_pattern(w: &[u8]) -> bool {
    match w.first() {
        Some(b) if b.is_ascii_alphabetic() => {
            // `US$`, `HK$`
            may_be_start_word(w) || (w.len() <= 3 && w.last() == Some(&b'$'))
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
    // Both lists are among the start lists: most words are ruled out
    // by their length and first letter.
    may_be_start_word(w.as_bytes())
        && ((eq_any(w, &MONTHS) && w.starts_with(char::is_uppercase)) || eq_any(w, &MONTH_ABBREVS))
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
    if w.starts_with(|c: char| c.is_ascii_alphabetic()) && !w.ends_with('$') && !is_start_word(w) {
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
    if eq_any(
        w,
        &["millions", "billions", "trillions", "thousands", "hundreds"],
    ) && at(1).eq_ignore_ascii_case("of")
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
    if eq_any(w, &WEEKDAYS) && w.starts_with(char::is_uppercase) {
        return Some((1, Label::Date));
    }
    if is_month(w) {
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
    if eq_any(w, &["today", "yesterday", "tomorrow"]) {
        return Some((1, Label::Date));
    }
    if eq_any(w, &["last", "next", "this", "past"])
        && (eq_any(
            at(1),
            &[
                "week", "month", "year", "weekend", "summer", "winter", "spring", "autumn",
            ],
        ) || (eq_any(at(1), &WEEKDAYS) && at(1).starts_with(char::is_uppercase)))
        && i + 1 < words.len()
    {
        return Some((2, Label::Date));
    }
    None
}

/// Adds rule entities where the learned model found nothing. A rule match
/// with a digit in it (`10:30 AM`, `$5 million`) also replaces learned
/// entities lying wholly inside it (`AM` taken for a place).
pub(crate) fn add_numeric_entities(doc: &mut Document) {
    const FREE: u32 = u32::MAX;
    let mut owner = vec![FREE; doc.tokens.len()];
    for (k, e) in doc.entities.iter().enumerate() {
        for t in e.tokens.clone() {
            if let Some(c) = owner.get_mut(t as usize) {
                *c = k as u32;
            }
        }
    }
    let mut dropped = vec![false; doc.entities.len()];
    let mut found = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    for (si, sent) in doc.sentences.iter().enumerate() {
        let r = sent.token_range();
        if r.end > doc.tokens.len() || r.start > r.end {
            continue;
        }
        let tokens = &doc.tokens[r.clone()];
        let bytes = |t: &document::Token| {
            let (a, b) = (t.span.start as usize, t.span.end as usize);
            doc.text.as_bytes().get(a..b).unwrap_or_default()
        };
        // The words of the sentence, made once a token may start a pattern
        // (most sentences hold none).
        words.clear();
        let mut i = 0;
        while i < tokens.len() {
            if !may_start_pattern(bytes(&tokens[i])) {
                i += 1;
                continue;
            }
            if words.is_empty() {
                words.extend(tokens.iter().map(|t| t.span.text(&doc.text)));
            }
            if let Some((n, label)) = match_at(&words, i) {
                let n = n.min(words.len() - i);
                let (a, b) = (r.start + i, r.start + i + n);
                let free = owner[a..b].iter().all(|&o| o == FREE);
                let numeric = words[i..i + n]
                    .iter()
                    .any(|w| w.bytes().any(|c| c.is_ascii_digit()));
                let inside = owner[a..b].iter().filter(|&&o| o != FREE).all(|&o| {
                    let e = &doc.entities[o as usize];
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
                            start: doc.tokens[a].span.start,
                            end: doc.tokens[b - 1].span.end,
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
        doc.entities.retain(|_| {
            k += 1;
            !dropped[k - 1]
        });
    }
    doc.entities.extend(found);
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
            assert!(may_start_pattern(w.as_bytes()), "{w}");
        }
        for w in ["the", "Reuters", ",", "(", "US$5m", "of", "Reuters", ""] {
            assert!(!may_start_pattern(w.as_bytes()), "{w}");
        }
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
