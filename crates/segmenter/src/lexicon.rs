//! Word lists: abbreviations, words that start sentences, reporting verbs,
//! and the names that may follow a time of day. Each list states a general
//! fact of English; none is tuned to a test case.
//!
//! Lists are sorted arrays of lower-case ASCII. Each is looked up through a
//! hash table built at compile time, so a lookup costs one or two probes, no
//! allocation, and none of a binary search's unpredictable branches.

/// How an abbreviation behaves before a possible sentence boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// Stands before what it qualifies, like a title or an abbreviated first
    /// name before a name (`Mr.`, `Dr.`, `Gov.`, `Wm.`) or `P.S.` before a
    /// postscript: never ends a sentence.
    Title,
    /// Introduces a number (`No. 5`, `p. 55`, `Vol. 2`); before anything else
    /// an ordinary abbreviation.
    Number,
    /// Introduces a number but is also an ordinary word (`no`, `art`): before
    /// anything but a number it is that word.
    NumberOrWord,
    /// A time of day (`a.m.`, `p.m.`): often ends a sentence.
    Time,
    /// Ends a list (`etc.`): ends the sentence before any capitalised word.
    ListEnd,
    /// Only inside sentences (`e.g.`, `i.e.`, `vs.`).
    Inner,
    /// Everything else (`Inc.`, `Jan.`, `Calif.`, `U.S.`): ends the sentence
    /// only before a word that typically starts one (`The`, `He`, `But`).
    Plain,
}

/// Whether an entry applies only to capitalised spellings: `Mass.` is a
/// state, `mass.` is a noun with a full stop after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Any,
    Capitalized,
}

use Abbrev::*;
use Case::*;

/// Abbreviations, without their final period, lower-cased. Sorted.
const ABBREVIATIONS: &[(&str, Abbrev, Case)] = &[
    ("a.k.a", Inner, Any),
    ("a.m", Time, Any),
    ("acct", Plain, Any),
    ("adj", Plain, Any),
    ("adm", Title, Any),
    ("admin", Plain, Any),
    ("adv", Plain, Any),
    ("al", Plain, Any),
    ("ala", Plain, Capitalized),
    ("alex", Title, Any),
    ("amb", Title, Any),
    ("approx", Plain, Any),
    ("appt", Plain, Any),
    ("apr", Plain, Any),
    ("apt", Plain, Any),
    ("ariz", Plain, Capitalized),
    ("ark", Plain, Capitalized),
    ("art", NumberOrWord, Any),
    ("assn", Plain, Any),
    ("assoc", Plain, Any),
    ("asst", Plain, Any),
    ("atty", Title, Any),
    ("attys", Title, Any),
    ("aug", Plain, Any),
    ("ave", Plain, Any),
    ("avg", Plain, Any),
    ("benj", Title, Any),
    ("bldg", Plain, Any),
    ("blvd", Plain, Any),
    ("brig", Title, Any),
    ("bros", Plain, Any),
    ("c.f", Inner, Any),
    ("ca", Plain, Any),
    ("calif", Plain, Capitalized),
    ("capt", Title, Any),
    ("cf", Inner, Any),
    ("ch", Number, Any),
    ("chap", Number, Any),
    ("chas", Title, Any),
    ("cmdr", Title, Any),
    ("co", Plain, Any),
    ("col", Title, Capitalized),
    ("colo", Plain, Capitalized),
    ("comdr", Title, Any),
    ("conn", Plain, Capitalized),
    ("corp", Plain, Any),
    ("cos", Plain, Capitalized),
    ("cpl", Title, Any),
    ("cpt", Title, Any),
    ("dec", Plain, Any),
    ("del", Plain, Capitalized),
    ("dept", Plain, Any),
    ("det", Title, Capitalized),
    ("dist", Plain, Any),
    ("div", Plain, Any),
    ("dr", Title, Any),
    ("drs", Title, Any),
    ("e.g", Inner, Any),
    ("ed", Plain, Any),
    ("eds", Plain, Any),
    ("edw", Title, Any),
    ("eg", Inner, Any),
    ("ens", Title, Capitalized),
    ("esp", Plain, Any),
    ("esq", Plain, Any),
    ("est", Plain, Any),
    ("etc", ListEnd, Any),
    ("exec", Plain, Any),
    ("ext", Number, Any),
    ("feb", Plain, Any),
    ("fig", Number, Any),
    ("figs", Number, Any),
    ("fla", Plain, Capitalized),
    ("fr", Title, Capitalized),
    ("fri", Plain, Capitalized),
    ("ft", Plain, Any),
    ("ga", Plain, Capitalized),
    ("gen", Title, Capitalized),
    ("geo", Title, Capitalized),
    ("gov", Title, Capitalized),
    ("govt", Plain, Any),
    ("hon", Title, Capitalized),
    ("hosp", Plain, Any),
    ("hr", Plain, Any),
    ("hrs", Plain, Any),
    ("hwy", Plain, Any),
    ("i.e", Inner, Any),
    ("ibid", Plain, Any),
    ("ie", Inner, Any),
    ("ill", Plain, Capitalized),
    ("inc", Plain, Any),
    ("incl", Plain, Any),
    ("ind", Plain, Capitalized),
    ("insp", Title, Any),
    ("intl", Plain, Any),
    ("jan", Plain, Any),
    ("jas", Title, Any),
    ("jos", Title, Any),
    ("jr", Plain, Any),
    ("jul", Plain, Any),
    ("jun", Plain, Any),
    ("kan", Plain, Capitalized),
    ("kans", Plain, Capitalized),
    ("ky", Plain, Capitalized),
    ("la", Plain, Capitalized),
    ("lb", Plain, Any),
    ("lbs", Plain, Any),
    ("lieut", Title, Any),
    ("lt", Title, Any),
    ("ltd", Plain, Any),
    ("maj", Title, Any),
    ("mar", Plain, Capitalized),
    ("mass", Plain, Capitalized),
    ("max", Plain, Any),
    ("md", Plain, Capitalized),
    ("messrs", Title, Any),
    ("mfg", Plain, Any),
    ("mgr", Plain, Any),
    ("mich", Plain, Capitalized),
    ("min", Plain, Any),
    ("minn", Plain, Capitalized),
    ("misc", Plain, Any),
    ("miss", Plain, Capitalized),
    ("mlle", Title, Any),
    ("mme", Title, Any),
    ("mmes", Title, Any),
    ("mo", Plain, Capitalized),
    ("mon", Plain, Capitalized),
    ("mont", Plain, Capitalized),
    ("mr", Title, Any),
    ("mrs", Title, Any),
    ("ms", Title, Any),
    ("msgr", Title, Any),
    ("mt", Plain, Any),
    ("mtn", Plain, Any),
    ("n.b", Inner, Any),
    ("natl", Plain, Any),
    ("neb", Plain, Capitalized),
    ("nebr", Plain, Capitalized),
    ("nev", Plain, Capitalized),
    ("no", NumberOrWord, Any),
    ("nos", Number, Any),
    ("nov", Plain, Any),
    ("nr", Number, Any),
    ("oct", Plain, Any),
    ("okla", Plain, Capitalized),
    ("op", Number, Any),
    ("ore", Plain, Capitalized),
    ("oz", Plain, Any),
    ("p", Number, Any),
    ("p.m", Time, Any),
    ("p.p.s", Title, Any),
    ("p.s", Title, Any),
    ("pa", Plain, Capitalized),
    ("para", Number, Any),
    ("penn", Plain, Capitalized),
    ("pfc", Title, Any),
    ("ph.d", Plain, Any),
    ("pl", Plain, Any),
    ("plc", Plain, Any),
    ("pp", Number, Any),
    ("pres", Title, Capitalized),
    ("prof", Title, Any),
    ("profs", Title, Any),
    ("ps", Title, Capitalized),
    ("pt", Number, Any),
    ("pvt", Title, Any),
    ("rd", Plain, Any),
    ("ref", Plain, Any),
    ("rep", Title, Capitalized),
    ("reps", Title, Capitalized),
    ("rev", Title, Capitalized),
    ("robt", Title, Any),
    ("rte", Plain, Any),
    ("sat", Plain, Capitalized),
    ("sec", Number, Any),
    ("sect", Number, Any),
    ("sen", Title, Capitalized),
    ("sens", Title, Capitalized),
    ("sep", Plain, Any),
    ("sept", Plain, Any),
    ("sgt", Title, Any),
    ("sq", Plain, Any),
    ("sr", Plain, Any),
    ("st", Plain, Any),
    ("ste", Plain, Any),
    ("sts", Plain, Any),
    ("sun", Plain, Capitalized),
    ("supt", Title, Any),
    ("tel", Number, Any),
    ("tenn", Plain, Capitalized),
    ("tex", Plain, Capitalized),
    ("thos", Title, Any),
    ("thu", Plain, Capitalized),
    ("thur", Plain, Capitalized),
    ("thurs", Plain, Capitalized),
    ("tue", Plain, Capitalized),
    ("tues", Plain, Capitalized),
    ("univ", Plain, Any),
    ("va", Plain, Capitalized),
    ("viz", Inner, Any),
    ("vol", Number, Any),
    ("vols", Number, Any),
    ("vs", Inner, Any),
    ("vt", Plain, Capitalized),
    ("wash", Plain, Capitalized),
    ("wed", Plain, Capitalized),
    ("wis", Plain, Capitalized),
    ("wisc", Plain, Capitalized),
    ("wk", Plain, Any),
    ("wm", Title, Any),
    ("wyo", Plain, Capitalized),
    ("yr", Plain, Any),
    ("yrs", Plain, Any),
];

/// Words that typically open a sentence and rarely continue a name or an
/// abbreviation: pronouns, determiners, conjunctions, prepositions,
/// auxiliaries, wh-words and sentence adverbs. Lower-cased, sorted.
const STARTERS: &[&str] = &[
    "a",
    "after",
    "again",
    "all",
    "also",
    "although",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "as",
    "at",
    "because",
    "before",
    "both",
    "but",
    "by",
    "can",
    "could",
    "despite",
    "did",
    "do",
    "does",
    "during",
    "each",
    "earlier",
    "even",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "instead",
    "is",
    "it",
    "its",
    "last",
    "later",
    "let",
    "many",
    "meanwhile",
    "more",
    "moreover",
    "most",
    "much",
    "my",
    "no",
    "not",
    "now",
    "of",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "over",
    "please",
    "several",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "thanks",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "thus",
    "to",
    "today",
    "under",
    "unlike",
    "until",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "without",
    "would",
    "yes",
    "yesterday",
    "yet",
    "you",
    "your",
];

/// Verbs that report speech, as in `"Why?" Smith asked.` Lower-cased, sorted.
const REPORTING_VERBS: &[&str] = &[
    "added",
    "adds",
    "answered",
    "argued",
    "asked",
    "asks",
    "continued",
    "cried",
    "declared",
    "demanded",
    "exclaimed",
    "explained",
    "insisted",
    "joked",
    "noted",
    "recalled",
    "replied",
    "responded",
    "said",
    "says",
    "screamed",
    "shouted",
    "snapped",
    "stated",
    "tells",
    "told",
    "warned",
    "whispered",
    "wondered",
    "writes",
    "wrote",
    "yelled",
];

/// Names that follow a time of day inside a sentence (`5 p.m. Tuesday`,
/// `8 a.m. EST`): weekdays, months and time zones. Lower-cased, sorted.
const AFTER_TIME: &[&str] = &[
    "april",
    "august",
    "bst",
    "cdt",
    "cest",
    "cet",
    "cst",
    "december",
    "edt",
    "eest",
    "eet",
    "est",
    "et",
    "february",
    "friday",
    "gmt",
    "ist",
    "january",
    "jst",
    "july",
    "june",
    "local",
    "march",
    "may",
    "mdt",
    "monday",
    "mst",
    "november",
    "october",
    "pdt",
    "pst",
    "pt",
    "saturday",
    "september",
    "sunday",
    "thursday",
    "tuesday",
    "utc",
    "wednesday",
];

/// Prepositions that open a fronted time phrase (`At 5 a.m. Mr. Smith left.`),
/// which is no sentence on its own. Lower-cased, sorted.
const TIME_PREPOSITIONS: &[&str] = &[
    "about", "after", "around", "at", "before", "by", "from", "until",
];

/// Top-level domains seen after a capitalised name (`Newsfeed.Com`): the
/// period joins a domain, it does not end a sentence. Lower-cased, sorted.
const DOMAINS: &[&str] = &[
    "au", "biz", "ca", "co", "com", "de", "edu", "fr", "gov", "info", "io", "mil", "net", "org",
    "uk", "us",
];

/// A word (at most 16 ASCII bytes) packed big-endian into an integer, so that
/// integer order is the words' lexicographic order and a lookup is a binary
/// search over integers. Upper case is folded to lower case.
#[inline]
const fn key(word: &[u8]) -> u128 {
    let mut k = 0u128;
    let mut i = 0;
    while i < word.len() && i < 16 {
        k = (k << 8) | word[i].to_ascii_lowercase() as u128;
        i += 1;
    }
    match i {
        0 => 0,
        16 => k,
        _ => k << (8 * (16 - i)),
    }
}

/// The key of `word`, if it can be in a list (ASCII, at most 16 bytes).
#[inline]
fn query(word: &str) -> Option<u128> {
    (word.len() <= 16 && word.is_ascii()).then(|| key(word.as_bytes()))
}

/// The slot of a hash table with `2^bits` slots where the search for `key`
/// starts.
#[inline]
const fn home(key: u128, bits: u32) -> usize {
    let folded = (key >> 64) as u64 ^ (key as u64).rotate_left(29);
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// An open-addressing hash table of the keys of a list, built at compile
/// time: each slot holds a key and its index in the list plus one, or zero
/// when empty. `S` is a power of two at least twice the list's length, so a
/// search probes one or two slots.
struct Table<const S: usize> {
    slots: [(u128, u16); S],
}

impl<const S: usize> Table<S> {
    const BITS: u32 = S.trailing_zeros();

    const fn new(keys: &[u128]) -> Self {
        assert!(S.is_power_of_two() && keys.len() * 2 <= S);
        let mut slots = [(0u128, 0u16); S];
        let mut i = 0;
        while i < keys.len() {
            assert!(keys[i] != 0);
            let mut at = home(keys[i], Self::BITS);
            while slots[at].1 != 0 {
                assert!(slots[at].0 != keys[i], "duplicate entry");
                at = (at + 1) & (S - 1);
            }
            slots[at] = (keys[i], i as u16 + 1);
            i += 1;
        }
        Table { slots }
    }

    /// The index in the list of the entry with key `k`.
    #[inline]
    fn find(&self, k: u128) -> Option<usize> {
        let mut at = home(k, Self::BITS);
        loop {
            let (key, index) = self.slots[at];
            if index == 0 {
                return None;
            }
            if key == k {
                return Some(index as usize - 1);
            }
            at = (at + 1) & (S - 1);
        }
    }

    /// Whether `word` is in the list.
    #[inline]
    fn contains(&self, word: &str) -> bool {
        query(word).is_some_and(|k| self.find(k).is_some())
    }
}

const fn keys<const N: usize>(list: &[&str]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = key(list[i].as_bytes());
        i += 1;
    }
    out
}

const fn abbreviation_keys<const N: usize>(list: &[(&str, Abbrev, Case)]) -> [u128; N] {
    let mut out = [0u128; N];
    let mut i = 0;
    while i < N {
        out[i] = key(list[i].0.as_bytes());
        i += 1;
    }
    out
}

static ABBREVIATION_TABLE: Table<512> =
    Table::new(&abbreviation_keys::<{ ABBREVIATIONS.len() }>(ABBREVIATIONS));
static STARTER_TABLE: Table<256> = Table::new(&keys::<{ STARTERS.len() }>(STARTERS));
static REPORTING_VERB_TABLE: Table<64> =
    Table::new(&keys::<{ REPORTING_VERBS.len() }>(REPORTING_VERBS));
static AFTER_TIME_TABLE: Table<128> = Table::new(&keys::<{ AFTER_TIME.len() }>(AFTER_TIME));
static TIME_PREPOSITION_TABLE: Table<16> =
    Table::new(&keys::<{ TIME_PREPOSITIONS.len() }>(TIME_PREPOSITIONS));
static DOMAIN_TABLE: Table<32> = Table::new(&keys::<{ DOMAINS.len() }>(DOMAINS));

/// Whether `word` is made of one- or two-letter pieces joined by periods
/// (`U.S`, `e.g`, `Ph.D`, `W.H.S`): an initialism, written without its final
/// period.
pub(crate) fn is_initialism(word: &str) -> bool {
    // The first piece has one or two letters: most words fail here, before
    // any search for periods.
    let bytes = word.as_bytes();
    if !(bytes.get(1) == Some(&b'.') || bytes.get(2) == Some(&b'.')) {
        return false;
    }
    let mut pieces = 0;
    for piece in word.split('.') {
        if piece.is_empty() || piece.len() > 2 || !piece.bytes().all(|b| b.is_ascii_alphabetic()) {
            return false;
        }
        pieces += 1;
    }
    pieces >= 2
}

/// How `word` (without its final period) behaves as an abbreviation, if it is
/// one. Initialisms not in the list are [`Abbrev::Plain`]. A compound counts
/// as its last part (`Japan-U.S.`, `ex-Gov.`).
pub(crate) fn abbreviation(word: &str) -> Option<Abbrev> {
    if ends_in_long_plain_part(word.as_bytes()) {
        return None;
    }
    // One pass back over the last part: its start, whether it holds a period
    // or a non-ASCII byte, and its key (the bytes shifted in from the top
    // are the last 16, which is the whole part whenever a key is needed).
    let all = word.as_bytes();
    let (mut start, mut k, mut dotted, mut ascii) = (all.len(), 0u128, false, true);
    while start > 0 {
        let b = all[start - 1];
        if b == b'-' || b == b'/' {
            break;
        }
        dotted |= b == b'.';
        ascii &= b.is_ascii();
        k = (k >> 8) | (u128::from(b.to_ascii_lowercase()) << 120);
        start -= 1;
    }
    // `start` follows an ASCII byte or is 0: a char boundary.
    let word = &word[start..];
    if word.is_empty() {
        return None;
    }
    let bytes = word.as_bytes();
    if bytes.len() == 3
        && matches!(bytes[0], b'N' | b'n')
        && matches!(&bytes[1..], [0xC2, 0xB0 | 0xBA])
    {
        return Some(Number); // the numero sign written as N° or Nº
    }
    if bytes.len() > 6 && !dotted {
        return None; // longer than any entry
    }
    if bytes.len() <= 16 && ascii {
        debug_assert_eq!(Some(k), query(word));
        if let Some(at) = ABBREVIATION_TABLE.find(k) {
            let (_, kind, case) = ABBREVIATIONS[at];
            let capitalized = bytes[0].is_ascii_uppercase();
            return (case == Any || capitalized).then_some(kind);
        }
    }
    (dotted && is_initialism(word)).then_some(Plain)
}

/// [`abbreviation`] of the word `text[start..end]`. A word of one to seven
/// ASCII letters and digits, the commonest kind, is looked up from one load
/// of the eight bytes ending it, without a pass over its bytes.
pub(crate) fn abbreviation_at(text: &str, start: usize, end: usize) -> Option<Abbrev> {
    use crate::chars::swar;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let len = end - start;
    if (1..=7).contains(&len) && end >= 8 {
        // The word in the low `len` lanes, zeros above.
        let w = swar::load(text.as_bytes(), end - 8) >> (8 * (8 - len));
        let lanes = (1u64 << (8 * len)) - 1;
        if swar::first_not_alnum(w | (!lanes & (ONES * u64::from(b'a')))) == 0 {
            // No period, hyphen, slash or non-ASCII byte: the word is its own
            // last part, and an entry only if at most six bytes long.
            if len == 7 {
                return None;
            }
            // Setting 0x20 lower-cases a letter and keeps a digit; the key
            // holds the first byte in its top byte.
            let k = u128::from((w | (lanes & (ONES * 0x20))).swap_bytes()) << 64;
            debug_assert_eq!(Some(k), query(&text[start..end]));
            let at = ABBREVIATION_TABLE.find(k)?;
            let (_, kind, case) = ABBREVIATIONS[at];
            let capitalized = text.as_bytes()[start].is_ascii_uppercase();
            return (case == Any || capitalized).then_some(kind);
        }
    }
    abbreviation(&text[start..end])
}

/// Whether the last seven bytes of `word` (of eight or more) hold no `-`,
/// `/`, `.` or NUL: then its last part is too long for any entry, even with
/// NULs after it, and its last piece too long for an initialism, so it is no
/// abbreviation. Most long words are told so without a look at every byte.
#[inline]
fn ends_in_long_plain_part(word: &[u8]) -> bool {
    use crate::chars::swar;
    if word.len() < 8 {
        return false;
    }
    let w = swar::load(word, word.len() - 8);
    let stops =
        swar::equal(w, b'-') | swar::equal(w, b'/') | swar::equal(w, b'.') | swar::equal(w, 0);
    stops & !0x80 == 0
}

/// Whether `word` (its first letter upper case) typically starts a sentence.
pub(crate) fn is_starter(word: &str) -> bool {
    STARTER_TABLE.contains(word)
}

/// Whether `word` is a verb of saying in the past or present tense.
pub(crate) fn is_reporting_verb(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_lowercase()) && REPORTING_VERB_TABLE.contains(word)
}

/// Whether `word` names a day, month or time zone.
pub(crate) fn follows_time(word: &str) -> bool {
    AFTER_TIME_TABLE.contains(word)
}

/// Whether `word` is a top-level domain name.
pub(crate) fn is_domain(word: &str) -> bool {
    DOMAIN_TABLE.contains(word)
}

/// Whether `word` is a preposition that opens a time phrase.
pub(crate) fn is_time_preposition(word: &str) -> bool {
    TIME_PREPOSITION_TABLE.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviation_at_agrees_with_abbreviation() {
        let mut words: Vec<String> = Vec::new();
        for (entry, _, _) in ABBREVIATIONS {
            let capitalized = entry[..1].to_ascii_uppercase() + &entry[1..];
            for word in [entry.to_string(), capitalized, entry.to_ascii_uppercase()] {
                words.push(format!("{word}s"));
                words.push(format!("ex-{word}"));
                words.push(word[1..].to_string());
                words.push(word);
            }
        }
        words.extend(
            [
                "said", "No", "no", "N\u{BA}", "war7", "Ab1", "abcdefg", "abcdefgh", "Jan",
            ]
            .map(String::from),
        );
        for word in &words {
            for before in ["", "(", "In a long text: "] {
                let text = format!("{before}{word}. Then");
                let (start, end) = (before.len(), before.len() + word.len());
                assert_eq!(
                    abbreviation_at(&text, start, end),
                    abbreviation(word),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn lists_are_sorted_lower_case_and_short() {
        let names: Vec<&str> = ABBREVIATIONS.iter().map(|e| e.0).collect();
        for list in [
            &names[..],
            STARTERS,
            REPORTING_VERBS,
            AFTER_TIME,
            TIME_PREPOSITIONS,
            DOMAINS,
        ] {
            for pair in list.windows(2) {
                assert!(pair[0] < pair[1], "{pair:?} out of order");
                assert!(
                    key(pair[0].as_bytes()) < key(pair[1].as_bytes()),
                    "{pair:?} keys out of order"
                );
            }
            for word in list {
                assert_eq!(word.to_ascii_lowercase(), *word);
                assert!(word.len() <= 16, "{word}");
            }
        }
    }

    #[test]
    fn tables_find_every_entry_and_nothing_else() {
        let names: Vec<&str> = ABBREVIATIONS.iter().map(|e| e.0).collect();
        type Find<'a> = &'a dyn Fn(u128) -> Option<usize>;
        let lists: [(&[&str], Find<'_>); 6] = [
            (&names, &|k| ABBREVIATION_TABLE.find(k)),
            (STARTERS, &|k| STARTER_TABLE.find(k)),
            (REPORTING_VERBS, &|k| REPORTING_VERB_TABLE.find(k)),
            (AFTER_TIME, &|k| AFTER_TIME_TABLE.find(k)),
            (TIME_PREPOSITIONS, &|k| TIME_PREPOSITION_TABLE.find(k)),
            (DOMAINS, &|k| DOMAIN_TABLE.find(k)),
        ];
        for (list, find) in lists {
            for (at, word) in list.iter().enumerate() {
                assert_eq!(find(key(word.as_bytes())), Some(at), "{word}");
                assert_eq!(find(key(word.to_ascii_uppercase().as_bytes())), Some(at));
                // Near misses: one letter more, one less, one changed.
                for miss in [
                    format!("{word}x"),
                    format!("x{word}"),
                    word[1..].to_string(),
                    format!("{}q", &word[..word.len() - 1]),
                ] {
                    let expected = list.iter().position(|w| *w == miss);
                    assert_eq!(find(key(miss.as_bytes())), expected, "{miss}");
                }
            }
        }
    }

    #[test]
    fn no_entry_is_longer_than_the_fast_path_allows() {
        for (name, _, _) in ABBREVIATIONS {
            assert!(name.len() <= 6 || name.contains('.'), "{name}");
        }
    }

    #[test]
    fn abbreviations_respect_case() {
        assert_eq!(abbreviation("Mr"), Some(Title));
        assert_eq!(abbreviation("mr"), Some(Title));
        assert_eq!(abbreviation("Mass"), Some(Plain));
        assert_eq!(abbreviation("mass"), None);
        assert_eq!(abbreviation("U.S"), Some(Plain));
        assert_eq!(abbreviation("p.m"), Some(Time));
        assert_eq!(abbreviation("P.M"), Some(Time));
        assert_eq!(abbreviation("e.g"), Some(Inner));
        assert_eq!(abbreviation("N°"), Some(Number));
        assert_eq!(abbreviation("world"), None);
        assert_eq!(abbreviation(""), None);
        assert_eq!(abbreviation("Japan-U.S"), Some(Plain));
        assert_eq!(abbreviation("ex-Gov"), Some(Title));
        assert_eq!(abbreviation("U.S-"), None);
        assert_eq!(abbreviation("www.example"), None);
    }

    #[test]
    fn long_words_are_rejected_early_only_when_no_entry_could_match() {
        for word in ["government", "Washington", "x.government", "co-operation"] {
            assert_eq!(abbreviation(word), None, "{word}");
        }
        assert_eq!(abbreviation("a.b.c.d.e.f"), Some(Plain));
        assert!(ends_in_long_plain_part(b"government"));
        assert!(ends_in_long_plain_part(b"x.government"));
        // A period, hyphen, slash or NUL among the last seven bytes: the slow way.
        assert!(!ends_in_long_plain_part(b"a.b.c.d.e.f"));
        assert!(!ends_in_long_plain_part(b"Japan-U.S"));
        assert!(!ends_in_long_plain_part(b"example/abcd"));
        assert!(!ends_in_long_plain_part(b"Mr\0\0\0\0\0\0"));
        assert_eq!(abbreviation("Mr\0\0\0\0\0\0"), None);
        assert!(!ends_in_long_plain_part(b"a.m\0\0\0\0\0"));
        assert_eq!(abbreviation("a.m\0\0\0\0\0"), Some(Time));
        assert_eq!(abbreviation("Japan-U.S"), Some(Plain));
        assert_eq!(abbreviation("A.B.C.D.E.F.G.H"), Some(Plain));
    }

    #[test]
    fn initialisms() {
        for yes in ["U.S", "U.S.A", "e.g", "Ph.D", "W.H.S", "a.m"] {
            assert!(is_initialism(yes), "{yes}");
        }
        for no in ["US", "U.S.", "www.example", ".S", "U..S", "1.5", "Jane.Doe"] {
            assert!(!is_initialism(no), "{no}");
        }
    }
}
