//! The model's word knowledge that is not weights: gazetteer phrases and
//! word clusters learned from unlabeled news.

use std::ops::Range;

use std::sync::OnceLock;

use crate::table::Table;
use crate::text::{combine, flag, WordInfo};

/// Gazetteer kinds (bit positions in a phrase's kind mask).
#[cfg_attr(not(feature = "train"), allow(dead_code))]
pub(crate) mod kind {
    pub const FIRST_NAME: u32 = 0;
    pub const FIRST_NAME_RARE: u32 = 1;
    pub const SURNAME: u32 = 2;
    pub const SURNAME_RARE: u32 = 3;
    pub const COUNTRY: u32 = 4;
    pub const DEMONYM: u32 = 5;
    pub const CITY_BIG: u32 = 6;
    pub const CITY: u32 = 7;
    pub const REGION: u32 = 8;
    pub const PARTY: u32 = 9;
    pub const INTL_ORG: u32 = 10;
    pub const COMPANY: u32 = 11;
    pub const MEDIA: u32 = 12;
    pub const GOV_ORG: u32 = 13;
    pub const OTHER_ORG: u32 = 14;
    /// Job titles and honorifics (`President`, `Secretary General`, `Mr`).
    pub const TITLE: u32 = 15;
    /// Title modifiers (`former`, `deputy`, `acting`).
    pub const TITLE_MODIFIER: u32 = 16;
    /// Continents, world regions, oceans and seas (`Eastern Europe`).
    pub const AREA: u32 = 17;
}

/// Set in a phrase-table value when the key is a proper prefix of a longer
/// phrase, so matching can go on.
const PREFIX_BIT: u32 = 1 << 31;

/// The value of no gazetteer phrase (real values never set bits 18-30).
pub(crate) const NO_PHRASE: u32 = u32::MAX;

/// Seed of phrase hashes.
pub(crate) const PHRASE_SEED: u64 = 0x6a09_e667_f3bc_c909;

/// Gazetteers and word clusters.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Lexicon {
    /// Phrase hash (see [`phrase_step`]) -> kind mask | [`PREFIX_BIT`].
    pub gazetteer: Table,
    /// Longest phrase, in tokens.
    pub max_phrase: u32,
    /// Word hash (`text::hash_exact`) -> cluster path `bits | len << 24`.
    pub clusters: Table,
    /// Lower-cased word key -> how often the word is written in lower case
    /// in mid-sentence in unlabeled news, as a bucket 1..=5 (see
    /// [`case_bucket`]); absent for rare words.
    pub case_stats: Table,
}

/// Bucket of the share of lower-case occurrences: 1 almost never (a name),
/// 5 almost always (a common word).
#[cfg_attr(not(feature = "train"), allow(dead_code))]
pub(crate) fn case_bucket(lower: u32, total: u32) -> u32 {
    let share = f64::from(lower) / f64::from(total.max(1));
    match share {
        x if x < 0.05 => 1,
        x if x < 0.3 => 2,
        x if x < 0.7 => 3,
        x if x < 0.95 => 4,
        _ => 5,
    }
}

/// Extends a phrase hash by one token's lower-cased key.
#[inline]
pub(crate) fn phrase_step(h: u64, key: u64) -> u64 {
    combine(h, key)
}

impl Lexicon {
    /// The cluster path of a word hash.
    #[inline]
    pub(crate) fn cluster(&self, word: u64) -> Option<u32> {
        self.clusters.get(word)
    }

    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    /// Adds a gazetteer phrase given its tokens' lower-cased keys.
    pub(crate) fn add_phrase(&mut self, keys: &[u64], kind: u32) {
        if keys.is_empty() {
            return;
        }
        let mut h = PHRASE_SEED;
        for (n, &k) in keys.iter().enumerate() {
            h = phrase_step(h, k);
            let v = self.gazetteer.entry(h, 0);
            if n + 1 == keys.len() {
                *v |= 1 << kind;
            } else {
                *v |= PREFIX_BIT;
            }
        }
        self.max_phrase = self.max_phrase.max(keys.len() as u32);
    }

    /// The gazetteer kinds of the phrase made of these word keys (0 if
    /// none).
    pub(crate) fn phrase_kinds(&self, keys: &[u64]) -> u32 {
        let h = keys.iter().fold(PHRASE_SEED, |h, &k| phrase_step(h, k));
        self.gazetteer.get(h).map_or(0, |v| v & !PREFIX_BIT)
    }

    /// The gazetteer value of the one-word phrase `w` (kinds and
    /// [`PREFIX_BIT`]), or [`NO_PHRASE`].
    #[inline]
    pub(crate) fn first_step(&self, w: &WordInfo) -> u32 {
        self.gazetteer
            .get(phrase_step(PHRASE_SEED, w.key))
            .unwrap_or(NO_PHRASE)
    }

    /// Marks the gazetteer matches inside `sent`: bit `4 * kind + part` of
    /// `out[token]`, part 0 B, 1 I, 2 L, 3 U. `first[token]` is
    /// [`Lexicon::first_step`] of each token. `cache`, if given, must only
    /// ever have been used with this lexicon.
    pub(crate) fn match_gazetteer(
        &self,
        info: &[WordInfo],
        sent: Range<usize>,
        first: &[u32],
        mut cache: Option<&mut PhraseCache>,
        out: &mut [u128],
    ) {
        for (start, &v) in sent.clone().zip(&first[sent.clone()]) {
            // Most tokens begin no phrase: one look at `first` rules them
            // out before their analysis is read or a phrase hash made.
            if v == NO_PHRASE || info[start].flags & (flag::HAS_ALPHA | flag::HAS_DIGIT) == 0 {
                continue;
            }
            let kinds = v & !PREFIX_BIT;
            if kinds != 0 {
                out[start] |= kind_bits(kinds) << 3;
            }
            if v & PREFIX_BIT == 0 {
                continue;
            }
            let stop = sent.end.min(start + self.max_phrase as usize);
            let mut h = phrase_step(PHRASE_SEED, info[start].key);
            for end in start + 1..stop {
                h = phrase_step(h, info[end].key);
                let v = match cache.as_deref_mut() {
                    Some(cache) => cache.get(self, h),
                    None => self.gazetteer.get(h).unwrap_or(NO_PHRASE),
                };
                if v == NO_PHRASE {
                    break;
                }
                let kinds = v & !PREFIX_BIT;
                if kinds != 0 {
                    let bits = kind_bits(kinds);
                    out[start] |= bits;
                    for o in &mut out[start + 1..end] {
                        *o |= bits << 1;
                    }
                    out[end] |= bits << 2;
                }
                if v & PREFIX_BIT == 0 {
                    break;
                }
            }
        }
    }
}

/// Bit `4 * k` set for each kind bit `k` of `kinds` (part B of each kind;
/// shift left by the part for the others).
#[inline]
fn kind_bits(kinds: u32) -> u128 {
    /// Nine kind bits at a time, spread to every fourth bit.
    const SPREAD9: [u64; 512] = {
        let mut t = [0u64; 512];
        let mut i = 0;
        while i < 512 {
            let mut k = 0;
            while k < 9 {
                if i & (1 << k) != 0 {
                    t[i] |= 1 << (4 * k);
                }
                k += 1;
            }
            i += 1;
        }
        t
    };
    if kinds >> 18 != 0 {
        // Not a value of [`Lexicon::add_phrase`]: bit by bit.
        let mut bits = 0u128;
        let mut rest = kinds;
        while rest != 0 {
            bits |= 1 << (4 * rest.trailing_zeros());
            rest &= rest - 1;
        }
        return bits;
    }
    u128::from(SPREAD9[(kinds & 511) as usize]) | u128::from(SPREAD9[(kinds >> 9) as usize]) << 36
}

/// Entries of a [`PhraseCache`] (a power of two).
const PHRASE_CACHE: usize = 4096;

/// Recent answers of the phrase table for phrases of two words or more,
/// direct-mapped by phrase hash: the same word pairs (`of the`, `New
/// York`) come back again and again, and a lookup in the large table is a
/// cache miss of the processor.
#[derive(Debug, Default)]
pub(crate) struct PhraseCache {
    /// Phrase hash (0: empty slot) and value.
    slots: Vec<(u64, u32)>,
}

impl PhraseCache {
    /// Forgets everything (for another lexicon).
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.slots.resize(PHRASE_CACHE, (0, 0));
    }

    /// The phrase-table value of phrase hash `h`, or [`NO_PHRASE`].
    #[inline]
    fn get(&mut self, lex: &Lexicon, h: u64) -> u32 {
        if self.slots.is_empty() {
            self.clear();
        }
        let key = h.max(1);
        let slot = &mut self.slots[h as usize & (PHRASE_CACHE - 1)];
        if slot.0 != key {
            *slot = (key, lex.gazetteer.get(h).unwrap_or(NO_PHRASE));
        }
        slot.1
    }
}

/// Words that never begin a name in English text, capitalised or not:
/// greetings, thanks and sign-offs that open a line of a message, chat and
/// e-mail abbreviations, and abbreviations of common nouns (job titles,
/// business and office terms). A capital on them says nothing.
#[rustfmt::skip]
const NOT_NAME_STARTS: &[&str] = &[
    // Greetings, thanks, sign-offs, interjections.
    "please", "pls", "plz", "thanks", "thank", "thx", "tks", "greetings", "hi", "hello", "hey",
    "dear", "regards", "cheers", "sincerely", "congrats", "congratulations", "sorry", "oops",
    "wow", "yay", "yum", "ok", "okay", "yes", "yeah", "yep", "nope", "hmm", "ugh",
    // Chat and e-mail abbreviations.
    "lol", "lmao", "rofl", "omg", "btw", "fyi", "asap", "imo", "imho", "fwiw", "afaik", "tia",
    "ps", "ps.", "p.s.", "p.s", "pps", "pps.", "p.p.s.", "fwd", "fw", "nb", "n.b.", "aka",
    "a.k.a.", "tba", "tbd", "rsvp", "faq", "faqs", "diy", "eod", "cob", "ooo",
    // Abbreviated common nouns: roles, degrees and business terms.
    "ceo", "cfo", "coo", "cto", "cio", "svp", "evp", "vp", "avp", "cpa", "mba", "phd", "hr",
    "ipo", "rfp", "rfq", "rfi", "roi", "irr", "npv", "sla", "nda", "loi", "kpi", "dui", "dwi",
    "seo", "atm", "gps", "dvd", "usb", "pdf", "html", "url", "isbn", "adhd", "fax", "memo",
];

/// Whether the word with lower-cased key `key` ([`crate::text::hash_lower`])
/// is one of [`NOT_NAME_STARTS`].
pub(crate) fn never_starts_name(key: u64) -> bool {
    static KEYS: OnceLock<Table> = OnceLock::new();
    KEYS.get_or_init(|| word_table(&[(NOT_NAME_STARTS, 1)]))
        .get(key)
        .is_some()
}

/// The lower-cased keys ([`crate::text::hash_lower`]) of the words of
/// each list, with the list's value.
fn word_table(lists: &[(&[&str], u32)]) -> Table {
    let mut t = Table::with_capacity(lists.iter().map(|(words, _)| words.len()).sum());
    for &(words, value) in lists {
        for w in words {
            t.insert(crate::text::hash_lower(w), value);
        }
    }
    t
}

/// Lower-case words that stand inside names and titles in English text:
/// articles, conjunctions and short prepositions, which title case leaves
/// in lower case (`Bank of England`, `Gone with the Wind`). They neither
/// begin nor end a name.
#[rustfmt::skip]
const NAME_INNER_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "nor", "for", "to", "in", "on", "at", "by", "with",
    "from", "upon", "as", "into", "over", "under", "off", "out", "up", "but", "so", "vs",
];

/// The particles of names from other languages (`Ludwig van Beethoven`,
/// `Rio de Janeiro`), which also begin a name (`de Silva`), but never
/// end one.
#[rustfmt::skip]
const NAME_PARTICLES: &[&str] = &[
    "al", "el", "bin", "ibn", "bint", "abu", "de", "del", "della", "degli", "dei", "di", "da",
    "das", "do", "dos", "du", "des", "la", "le", "les", "lo", "van", "von", "der", "den", "ter",
    "ten", "zu", "zum", "und", "y", "e", "et", "en", "sur", "am", "im", "auf", "st", "san",
];

/// How a lower-case word may stand in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InName {
    /// Never: any other word.
    Never,
    /// Inside, neither first nor last ([`NAME_INNER_WORDS`]).
    Inside,
    /// Inside or first, never last ([`NAME_PARTICLES`]).
    NotLast,
}

/// How the lower-case word with key `key` ([`crate::text::hash_lower`])
/// may stand in a name.
pub(crate) fn in_name(key: u64) -> InName {
    static KEYS: OnceLock<Table> = OnceLock::new();
    let found = KEYS
        .get_or_init(|| word_table(&[(NAME_INNER_WORDS, 1), (NAME_PARTICLES, 2)]))
        .get(key);
    match found {
        Some(1) => InName::Inside,
        Some(_) => InName::NotLast,
        None => InName::Never,
    }
}

/// Words that, capitalised at the start of a sentence, begin no name:
/// personal and demonstrative pronouns, conjunctions and sentence adverbs.
#[rustfmt::skip]
const NEVER_IN_NAME_FIRST: &[&str] = &[
    "i", "he", "she", "it", "we", "they", "you", "his", "her", "its", "our", "their", "my",
    "your", "this", "that", "these", "those", "there", "here", "but", "and", "or", "so", "yet",
    "however", "if", "when", "while", "although", "though", "because", "since", "also", "then",
    "meanwhile", "instead", "indeed", "still", "now", "what", "why", "how", "where", "who",
    "which", "there's", "it's", "i'm", "he's", "she's", "we're", "they're", "i've", "we've",
];

/// Whether the word with lower-cased key `key`, capitalised at the start of
/// a sentence, begins no name ([`NEVER_IN_NAME_FIRST`]).
pub(crate) fn never_in_name_first(key: u64) -> bool {
    static KEYS: OnceLock<Table> = OnceLock::new();
    KEYS.get_or_init(|| word_table(&[(NEVER_IN_NAME_FIRST, 1)]))
        .get(key)
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{analyse, hash_lower};

    #[test]
    fn phrases_match_case_insensitively_with_positions() {
        let mut lex = Lexicon::default();
        lex.add_phrase(&[hash_lower("labor"), hash_lower("party")], kind::PARTY);
        lex.add_phrase(&[hash_lower("norway")], kind::COUNTRY);
        let words = ["the", "NORWAY", "Labor", "Party", "said"];
        let info: Vec<_> = words.iter().map(|w| analyse(w)).collect();
        let mut out = vec![0u128; words.len()];
        let first: Vec<u32> = info.iter().map(|w| lex.first_step(w)).collect();
        lex.match_gazetteer(&info, 0..words.len(), &first, None, &mut out);
        let mut cached = vec![0u128; words.len()];
        let mut cache = PhraseCache::default();
        for _ in 0..2 {
            cached.fill(0);
            lex.match_gazetteer(&info, 0..words.len(), &first, Some(&mut cache), &mut cached);
            assert_eq!(cached, out);
        }
        assert_eq!(out[0], 0);
        assert_eq!(out[1], 1u128 << (4 * kind::COUNTRY + 3));
        assert_eq!(out[2], 1u128 << (4 * kind::PARTY));
        assert_eq!(out[3], 1u128 << (4 * kind::PARTY + 2));
        assert_eq!(out[4], 0);
    }

    #[test]
    fn kind_bits_spreads_every_kind_to_its_nibble() {
        for kinds in (0..1u32 << 18)
            .step_by(7)
            .chain([1 << 17, (1 << 18) - 1, 1 << 30])
        {
            let mut want = 0u128;
            for k in 0..31 {
                if kinds & (1 << k) != 0 {
                    want |= 1 << (4 * k);
                }
            }
            assert_eq!(kind_bits(kinds), want, "{kinds:#x}");
        }
    }
}
