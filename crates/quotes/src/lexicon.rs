//! Word classes and reporting cues, looked up once per word.
//!
//! Everything here is built once, when the attributor is created: a hash map
//! from the lowercased form of a word to its classes and, for reporting
//! verbs, its cue entry. Looking a word up lowercases it into a stack buffer,
//! so the per-token cost is one hash of a few bytes and no allocation.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Reporting cues (form, lemma, tag, core), derived from the shared
/// reporting-verb gazetteer by `cargo xtask lexicons`.
const CUES: &str = include_str!("../data/cues.tsv");
/// Further reporting and stance verbs written for this stage (CC0), in the
/// same format.
const EXTRA_CUES: &str = include_str!("../data/extra_cues.tsv");
/// Role nouns of nominal speakers (`secretary`, `spokesman`), one per line,
/// derived from the shared titles gazetteer by `cargo xtask lexicons`.
const ROLE_NOUNS: &str = include_str!("../data/role_nouns.txt");

/// Longest word (in bytes) that can be in the lexicon; longer ones are not
/// looked up.
const MAX_WORD: usize = 32;

/// Bit flags of word classes. A word can be in several.
pub(crate) mod class {
    /// Personal pronouns that can be the subject of a reporting verb.
    pub const PRON_SUBJ: u32 = 1 << 0;
    /// Object pronouns (`him`, `them`).
    pub const PRON_OBJ: u32 = 1 << 1;
    /// Determiners and possessive pronouns: an NP starts here.
    pub const DET: u32 = 1 << 2;
    /// Auxiliaries and modals (`has`, `would`).
    pub const AUX: u32 = 1 << 3;
    /// Adverbs that sit between a subject and its verb (`also`, `repeatedly`).
    pub const ADV: u32 = 1 << 4;
    /// Prepositions.
    pub const PREP: u32 = 1 << 5;
    /// Conjunctions and subordinators.
    pub const CONJ: u32 = 1 << 6;
    /// Time words (`Thursday`, `yesterday`, `March`).
    pub const TIME: u32 = 1 << 7;
    /// Nouns for people by role (`spokesman`, `minister`, `chief`).
    pub const ROLE: u32 = 1 << 8;
    /// Relative and interrogative words (`who`, `which`, `whether`).
    pub const WH: u32 = 1 << 9;
    /// Negation (`not`, `never`).
    pub const NEG: u32 = 1 << 10;
    /// Forms of "be".
    pub const BE: u32 = 1 << 11;
    /// Words that end an NP scan: common verbs and other non-nominal words.
    pub const VERB: u32 = 1 << 12;
    /// Nouns for groups or documents that speak (`ministry`, `report`).
    pub const GROUP: u32 = 1 << 13;
    /// Third-person singular pronouns for people (`he`, `she`).
    pub const PERSONAL: u32 = 1 << 14;
    /// Plural pronouns (`they`, `we`).
    pub const PLURAL: u32 = 1 << 15;
    /// Leadership nouns (`chief`, `head`, `leader`).
    pub const LEADER: u32 = 1 << 16;
    /// Pronouns usable as reference to the previous statement (`this`, `so`).
    pub const ANAPHOR: u32 = 1 << 17;
    /// The first word of some reporting cue.
    pub const CUE: u32 = 1 << 18;
}

/// How a reporting verb takes its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueTag {
    /// Base form (`say`).
    Base,
    /// Third person singular present (`says`).
    Present,
    /// Past tense or participle (`said`).
    Past,
    /// Gerund or present participle (`saying`).
    Gerund,
    /// A multiword cue (`according to`, `pointed out`).
    Multiword,
}

/// One reporting cue form.
#[derive(Debug, Clone)]
pub(crate) struct Cue {
    /// Index of the lemma in [`Lexicon::lemmas`].
    pub lemma: u16,
    /// The form's tag.
    pub tag: CueTag,
    /// An unambiguous speech verb (`say`, `tell`), as opposed to a weak cue
    /// (`think`, `find`) that needs more evidence.
    pub core: bool,
    /// Takes a person object before its content (`told reporters that`).
    pub takes_object: bool,
    /// For multiword cues: the lowercased words after the first.
    pub rest: Vec<Box<str>>,
}

/// What the lexicon knows about one lowercased word.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    /// Bits from [`class`].
    pub classes: u32,
    /// Indices into [`Lexicon::cues`] of cues starting with this word
    /// (several for multiword cues: `point` starts `point out`).
    pub cues: Vec<u16>,
}

/// The Fx hash (rustc's): fast for short keys, fine without DoS resistance
/// since the keys are our own lexicon.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A word of up to [`MAX_WORD`] bytes as four little-endian `u64`s, zero
/// padded: hashing and comparing it takes a few register operations.
type Packed = [u64; 4];

/// Packs `bytes` (at most [`MAX_WORD`]).
#[inline]
fn pack(bytes: &[u8]) -> Packed {
    let mut w = [0u64; 4];
    let full = bytes.len() / 8;
    for (i, slot) in w.iter_mut().enumerate().take(full) {
        *slot = u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    }
    if full < 4 {
        let mut tail = 0u64;
        for (k, &b) in bytes[full * 8..].iter().enumerate() {
            tail |= u64::from(b) << (8 * k);
        }
        w[full] = tail;
    }
    w
}

/// ASCII lowercase of eight packed bytes at once (bytes must be ASCII).
#[inline]
fn lower_ascii(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let at_least_a = x.wrapping_add(ONES * (0x80 - u64::from(b'A')));
    let above_z = x.wrapping_add(ONES * (0x80 - u64::from(b'Z') - 1));
    let upper = at_least_a & !above_z & (ONES * 0x80);
    x | (upper >> 2)
}

/// One slot of [`WordTable`]: the first 8 bytes of its key next to its
/// `entry << 8 | len` word (0 for an empty slot), so that a probe reads one
/// cache line instead of one in each of two arrays.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(16))]
struct Slot {
    first: u64,
    meta: u32,
}

/// An open-addressing table from packed lowercased words to entries, laid
/// out for the probe: the first 8 bytes of each key and a `len | entry`
/// word are all a probe of a short word touches (128 KB for the bundled
/// lexicon).
#[derive(Debug, Clone, Default)]
struct WordTable {
    mask: usize,
    /// `64 - log2(capacity)`: slots come from the hash's high bits, the
    /// well-mixed ones of a multiplicative hash.
    shift: u32,
    /// First chunk and `len | entry` of each slot's key.
    slots: Vec<Slot>,
    /// Chunks 1..4 of keys longer than 8 bytes.
    rest: Vec<[u64; 3]>,
    /// A blocked Bloom filter of the keys (see [`WordTable::bloom_bits`]):
    /// 8 KB, so it stays in the first-level cache where the slots do not,
    /// and most words that are not keys never touch a slot.
    bloom: Vec<u64>,
}

/// log2 of the number of 64-bit words of [`WordTable::bloom`].
const BLOOM_BITS: u32 = 10;

impl WordTable {
    fn hash(key: &Packed, len: usize) -> u64 {
        let mut h = FxHasher::default();
        for w in &key[..len.div_ceil(8)] {
            h.add(*w);
        }
        h.add(len as u64);
        h.hash
    }

    /// The Bloom filter word of a key's hash and the three bits set in it
    /// (from the hash's high bits, the well-mixed ones).
    #[inline]
    fn bloom_bits(hash: u64) -> (usize, u64) {
        let word = (hash >> (64 - BLOOM_BITS)) as usize;
        let bit = |k: u32| 1u64 << ((hash >> (64 - BLOOM_BITS - 6 * k)) & 63);
        (word, bit(1) | bit(2) | bit(3))
    }

    fn build(words: &FxMap<Box<[u8]>, u32>) -> WordTable {
        // At most a quarter full: a word not in the lexicon (a quarter of
        // the words that pass the filter) then meets an empty slot after
        // about 1.4 probes instead of 2.5 at half full.
        let cap = (words.len() * 4).next_power_of_two().max(16);
        let mut t = WordTable {
            mask: cap - 1,
            shift: 64 - cap.trailing_zeros(),
            slots: vec![Slot::default(); cap],
            rest: vec![[0; 3]; cap],
            bloom: vec![0; 1 << BLOOM_BITS],
        };
        for (key, &entry) in words {
            if key.is_empty() || key.len() > MAX_WORD {
                continue;
            }
            assert!(entry < 1 << 24, "lexicon entries fit in 24 bits");
            let packed = pack(key);
            let hash = WordTable::hash(&packed, key.len());
            let (word, bits) = WordTable::bloom_bits(hash);
            t.bloom[word] |= bits;
            let mut i = (hash >> t.shift) as usize;
            while t.slots[i].meta != 0 {
                i = (i + 1) & t.mask;
            }
            t.slots[i] = Slot {
                first: packed[0],
                meta: entry << 8 | key.len() as u32,
            };
            t.rest[i] = [packed[1], packed[2], packed[3]];
        }
        t
    }

    /// Looks up a word given as a chunk function (`chunk(i)` is the `i`th
    /// packed, lowercased 8 bytes), so that the key never goes through
    /// memory.
    #[inline]
    fn get_with(&self, len: usize, chunk: impl Fn(usize) -> u64) -> Option<u32> {
        let n = len.div_ceil(8);
        let mut h = FxHasher::default();
        for i in 0..n {
            h.add(chunk(i));
        }
        h.add(len as u64);
        let (word, bits) = WordTable::bloom_bits(h.hash);
        if self.bloom[word] & bits != bits {
            return None;
        }
        let first = chunk(0);
        let mut slot = (h.hash >> self.shift) as usize;
        loop {
            let Slot {
                first: key_first,
                meta,
            } = self.slots[slot];
            if meta == 0 {
                return None;
            }
            if meta & 0xff == len as u32
                && key_first == first
                && (1..n).all(|i| self.rest[slot][i - 1] == chunk(i))
            {
                return Some(meta >> 8);
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

/// The `i`th 8 bytes of `bytes`, zero padded, little endian.
#[inline]
fn chunk_of(bytes: &[u8], i: usize) -> u64 {
    let start = i * 8;
    if start + 8 <= bytes.len() {
        u64::from_le_bytes(bytes[start..start + 8].try_into().expect("8 bytes"))
    } else {
        let mut tail = 0u64;
        for (k, &b) in bytes[start..].iter().enumerate() {
            tail |= u64::from(b) << (8 * k);
        }
        tail
    }
}

/// Word classes and reporting cues.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    /// Tells lexicons apart (a clone keeps it: same contents), so that
    /// caches of lookups know whose lookups they hold.
    id: u64,
    words: FxMap<Box<[u8]>, u32>,
    table: WordTable,
    /// A quick "certainly not in the lexicon" test for ASCII words: one bit
    /// per (length, first letter, last letter) seen among the keys.
    filter: Vec<u64>,
    entries: Vec<Entry>,
    /// The classes of every entry, for the scan's hot path.
    classes: Vec<u32>,
    /// Every cue form.
    pub cues: Vec<Cue>,
    /// Cue lemmas, indexed by [`Cue::lemma`].
    pub lemmas: Vec<Box<str>>,
}

/// Verbs that take a person object before the reported content.
const OBJECT_VERBS: &[&str] = &[
    "tell", "inform", "assure", "remind", "warn", "notify", "advise", "convince", "reassure",
    "promise", "ask", "urge", "email", "text", "message", "caution",
];

// General English function-word lists. Each is a fact of the language, not of
// any corpus.
const SUBJECT_PRONOUNS: &[&str] = &["he", "she", "they", "we", "i", "it", "you", "who"];
const PERSONAL_PRONOUNS: &[&str] = &["he", "she"];
const PLURAL_PRONOUNS: &[&str] = &["they", "we"];
const OBJECT_PRONOUNS: &[&str] = &["him", "her", "them", "us", "me", "it", "you"];
const DETERMINERS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "these",
    "those",
    "his",
    "her",
    "their",
    "its",
    "our",
    "my",
    "your",
    "some",
    "many",
    "several",
    "few",
    "each",
    "every",
    "any",
    "all",
    "both",
    "another",
    "other",
    "no",
    "most",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "dozens",
    "hundreds",
    "thousands",
    "millions",
    "more",
    "fewer",
    "such",
];
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "having", "do",
    "does", "did", "will", "would", "can", "could", "should", "may", "might", "must", "shall",
    "'s", "'ve", "'d", "'ll", "'re",
];
/// Contracted auxiliaries and pronouns, written as one word.
const NEGATED_AUXILIARIES: &[&str] = &[
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "isn't",
    "wasn't",
    "aren't",
    "weren't",
    "hasn't",
    "haven't",
    "hadn't",
    "shouldn't",
    "cannot",
    "mustn't",
];
const CONTRACTED_SUBJECTS: &[&str] = &[
    "he's", "she's", "it's", "they've", "we've", "i've", "they're", "we're", "i'm", "he'd",
    "she'd", "they'd", "we'd", "i'd", "he'll", "she'll", "they'll", "we'll", "i'll",
];
const BE_FORMS: &[&str] = &["is", "are", "was", "were", "be", "been", "being", "am"];
const ADVERBS: &[&str] = &[
    "also",
    "later",
    "then",
    "again",
    "once",
    "further",
    "first",
    "often",
    "already",
    "still",
    "even",
    "only",
    "just",
    "earlier",
    "subsequently",
    "previously",
    "recently",
    "repeatedly",
    "reportedly",
    "publicly",
    "privately",
    "initially",
    "finally",
    "simply",
    "flatly",
    "bluntly",
    "quickly",
    "immediately",
    "frequently",
    "always",
    "sometimes",
    "now",
    "since",
    "ever",
    "too",
    "separately",
    "similarly",
    "likewise",
    "however",
    "meanwhile",
    "instead",
    "explicitly",
    "openly",
    "directly",
    "personally",
    "specifically",
    "correctly",
    "rightly",
    "wrongly",
    "falsely",
    "long",
    "n't",
    "not",
    "never",
    "yet",
    "all",
    "both",
    "himself",
    "herself",
    "themselves",
    "itself",
    "last",
    "today",
    "yesterday",
    "tonight",
    "separately",
];
const NEGATIONS: &[&str] = &["not", "never", "n't", "no"];
const PREPOSITIONS: &[&str] = &[
    "in",
    "on",
    "at",
    "to",
    "for",
    "with",
    "from",
    "by",
    "of",
    "about",
    "after",
    "before",
    "during",
    "since",
    "under",
    "over",
    "into",
    "through",
    "against",
    "among",
    "between",
    "without",
    "within",
    "via",
    "per",
    "despite",
    "amid",
    "toward",
    "towards",
    "upon",
    "across",
    "behind",
    "beyond",
    "near",
    "outside",
    "inside",
    "like",
    "than",
    "as",
    "onto",
    "off",
    "up",
    "down",
    "out",
    "around",
    "following",
    "including",
    "regarding",
    "concerning",
    "unlike",
];
const CONJUNCTIONS: &[&str] = &[
    "and", "or", "but", "nor", "so", "yet", "because", "although", "though", "while", "whereas",
    "if", "unless", "when", "whenever", "where", "whether", "as", "once", "until", "that", "than",
    "since", "after", "before",
];
const WH_WORDS: &[&str] = &[
    "who", "whom", "whose", "which", "what", "whether", "why", "how", "where", "when", "that",
];
const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tonight",
    "tomorrow",
    "morning",
    "afternoon",
    "evening",
    "night",
    "week",
    "weekend",
    "month",
    "year",
    "last",
    "earlier",
    "later",
    "recently",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "day",
    "days",
    "weeks",
    "months",
    "years",
    "ago",
];
/// Common verbs that are not reporting verbs, so that an NP scan stops at
/// them (there is no part-of-speech tagger in this stage).
const OTHER_VERBS: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "do", "does", "did", "get", "got", "go",
    "goes", "went", "make", "made", "take", "took", "come", "came", "give", "gave", "want",
    "wanted", "need", "needed", "seem", "seemed", "become", "became", "win", "won", "lost", "lose",
    "run", "ran", "put", "keep", "kept", "let", "begin", "began", "help", "helped", "try", "tried",
    "leave", "left", "called", "calls", "used", "use", "can", "will", "would", "could", "should",
    "may", "might", "must", "to",
];
const GROUP_NOUNS: &[&str] = &[
    "ministry",
    "government",
    "administration",
    "campaign",
    "company",
    "firm",
    "police",
    "department",
    "agency",
    "committee",
    "party",
    "group",
    "report",
    "study",
    "poll",
    "survey",
    "statement",
    "court",
    "office",
    "council",
    "board",
    "team",
    "spokesperson",
    "union",
    "army",
    "military",
    "embassy",
    "commission",
    "authority",
    "authorities",
    "bank",
    "organization",
    "organisation",
    "association",
    "newspaper",
    "network",
    "website",
    "magazine",
    "paper",
    "document",
    "memo",
    "letter",
    "filing",
    "lawsuit",
    "complaint",
    "analysis",
    "data",
    "figures",
    "research",
    "researchers",
    "officials",
    "sources",
    "source",
    "experts",
    "analysts",
    "critics",
    "aides",
    "advisers",
    "advisors",
    "people",
    "residents",
    "voters",
    "democrats",
    "republicans",
    "supporters",
    "opponents",
    "members",
    "leaders",
    "lawmakers",
    "witnesses",
    "prosecutors",
    "investigators",
    "economists",
    "scientists",
    "doctors",
    "observers",
    "diplomats",
    "staff",
    "bloc",
    "alliance",
    "kremlin",
    "white",
    "house",
    "pentagon",
];
const LEADER_NOUNS: &[&str] = &[
    "chief",
    "head",
    "leader",
    "boss",
    "chairman",
    "chairwoman",
    "chair",
    "president",
    "secretary",
    "director",
    "commander",
    "minister",
    "premier",
    "chancellor",
    "governor",
    "mayor",
    "ceo",
    "executive",
];
const ANAPHORS: &[&str] = &["this", "so", "that", "it", "as much"];

impl Lexicon {
    /// The bundled lexicon.
    pub fn bundled() -> Lexicon {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let mut lex = Lexicon {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            words: FxMap::default(),
            table: WordTable::default(),
            filter: Vec::new(),
            classes: Vec::new(),
            entries: Vec::new(),
            cues: Vec::new(),
            lemmas: Vec::new(),
        };
        for (list, bits) in [
            (SUBJECT_PRONOUNS, class::PRON_SUBJ),
            (PERSONAL_PRONOUNS, class::PERSONAL),
            (PLURAL_PRONOUNS, class::PLURAL),
            (OBJECT_PRONOUNS, class::PRON_OBJ),
            (DETERMINERS, class::DET),
            (AUXILIARIES, class::AUX),
            (BE_FORMS, class::BE),
            (NEGATED_AUXILIARIES, class::AUX | class::NEG),
            (CONTRACTED_SUBJECTS, class::PRON_SUBJ),
            (ADVERBS, class::ADV),
            (NEGATIONS, class::NEG),
            (PREPOSITIONS, class::PREP),
            (CONJUNCTIONS, class::CONJ),
            (WH_WORDS, class::WH),
            (TIME_WORDS, class::TIME),
            (OTHER_VERBS, class::VERB),
            (GROUP_NOUNS, class::GROUP),
            (LEADER_NOUNS, class::LEADER | class::ROLE),
            (ANAPHORS, class::ANAPHOR),
        ] {
            for word in list {
                lex.add_class(word, bits);
            }
        }
        lex.load_role_nouns();
        let mut lemma_ids = FxMap::default();
        lex.load_cues(CUES, &mut lemma_ids);
        lex.load_cues(EXTRA_CUES, &mut lemma_ids);
        lex.table = WordTable::build(&lex.words);
        lex.classes = lex.entries.iter().map(|e| e.classes).collect();
        lex.filter = vec![0; (MAX_WORD + 1) * 32];
        for key in lex.words.keys() {
            if let (Some(&first), Some(&last)) = (key.first(), key.last()) {
                lex.filter[filter_slot(key.len(), first)] |= 1 << (last & 63);
            }
        }
        // Only needed while building.
        lex.words = FxMap::default();
        lex
    }

    fn entry_mut(&mut self, word: &str) -> &mut Entry {
        // Most words are listed in lowercase, many more than once: the key
        // is allocated only for a new word.
        let lower = if word.bytes().any(|b| !b.is_ascii_lowercase()) {
            std::borrow::Cow::Owned(word.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(word)
        };
        let idx = match self.words.get(lower.as_bytes()) {
            Some(&idx) => idx,
            None => {
                let idx = self.entries.len() as u32;
                self.words.insert(lower.as_bytes().into(), idx);
                self.entries.push(Entry::default());
                idx
            }
        };
        &mut self.entries[idx as usize]
    }

    fn add_class(&mut self, word: &str, bits: u32) {
        self.entry_mut(word).classes |= bits;
    }

    /// Role nouns, each with its regular plural.
    fn load_role_nouns(&mut self) {
        for last in ROLE_NOUNS.lines() {
            self.add_class(last, class::ROLE);
            let plural = if let Some(stem) = last.strip_suffix("man") {
                format!("{stem}men")
            } else if last.ends_with('s') || last.ends_with('x') || last.ends_with("ch") {
                format!("{last}es")
            } else if let Some(stem) = last.strip_suffix('y').filter(|_| !last.ends_with("ey")) {
                format!("{stem}ies")
            } else {
                format!("{last}s")
            };
            self.add_class(&plural, class::ROLE);
        }
    }

    fn load_cues<'t>(&mut self, tsv: &'t str, lemma_ids: &mut FxMap<&'t str, u16>) {
        for line in tsv.lines().skip(1) {
            let Some([form, lemma, tag, core]) = tab_fields(line) else {
                continue;
            };
            let core = core == "yes";
            let tag = if tag == "MWE" {
                CueTag::Multiword
            } else if tag.contains("VBG") {
                CueTag::Gerund
            } else if tag.contains("VBD") || tag.contains("VBN") {
                CueTag::Past
            } else if tag.contains("VBZ") {
                CueTag::Present
            } else {
                CueTag::Base
            };
            let mut words = form.split(' ');
            let first = words.next().unwrap_or_default();
            let next = lemma_ids.len() as u16;
            let lemma_id = *lemma_ids.entry(lemma).or_insert(next);
            if lemma_id == next {
                self.lemmas.push(lemma.into());
            }
            let takes_object = OBJECT_VERBS.contains(&lemma);
            let cue_id = self.cues.len() as u16;
            self.cues.push(Cue {
                lemma: lemma_id,
                tag,
                core,
                takes_object,
                rest: words.map(Into::into).collect(),
            });
            let entry = self.entry_mut(first);
            entry.cues.push(cue_id);
            entry.classes |= class::CUE;
        }
    }

    /// The entry of a word, if the lexicon has it. `word` may have any case;
    /// curly apostrophes are read as straight ones.
    #[inline]
    #[cfg(test)]
    pub fn get(&self, word: &str) -> Option<(u32, &Entry)> {
        let idx = self.index_of(word)?;
        Some((idx, &self.entries[idx as usize]))
    }

    /// A word's entry index and classes, if the lexicon has it.
    #[inline]
    pub fn lookup(&self, word: &str) -> Option<(u32, u32)> {
        let idx = self.index_of(word)?;
        Some((idx, self.classes[idx as usize]))
    }

    #[inline]
    fn index_of(&self, word: &str) -> Option<u32> {
        let b = word.as_bytes();
        if b.len() > MAX_WORD {
            return None;
        }
        if let (Some(&first), Some(&last)) = (b.first(), b.last()) {
            if first.is_ascii() && last.is_ascii() {
                let lower = |x: u8| x.to_ascii_lowercase();
                let bits = self.filter[filter_slot(b.len(), lower(first))];
                if bits & (1 << (lower(last) & 63)) == 0 && b.is_ascii() {
                    return None;
                }
            }
        }
        let idx = if b.is_ascii() {
            self.table
                .get_with(b.len(), |i| lower_ascii(chunk_of(b, i)))?
        } else {
            let mut buf = [0u8; MAX_WORD];
            let key = lowercase_into(word, &mut buf)?;
            self.table.get_with(key.len(), |i| chunk_of(key, i))?
        };
        Some(idx)
    }

    /// [`Lexicon::lookup`] of the word `text[start..end]`, reading whole
    /// 8-byte chunks of `text` where it can (the scan's hot path).
    #[inline]
    pub fn lookup_at(&self, text: &[u8], start: usize, end: usize) -> Option<(u32, u32)> {
        let len = end - start;
        if len == 0 || len > MAX_WORD {
            return None;
        }
        let load = |i: usize| -> u64 {
            let pos = start + i * 8;
            let rem = end - pos;
            let raw = if pos + 8 <= text.len() {
                u64::from_le_bytes(text[pos..pos + 8].try_into().expect("8 bytes"))
            } else {
                chunk_of(&text[pos..end], 0)
            };
            if rem >= 8 {
                raw
            } else {
                raw & ((1u64 << (8 * rem)) - 1)
            }
        };
        let n = len.div_ceil(8);
        let mut chunks = [load(0), 0, 0, 0];
        for (i, c) in chunks[1..n].iter_mut().enumerate() {
            *c = load(i + 1);
        }
        if (chunks[0] | chunks[1] | chunks[2] | chunks[3]) & 0x8080_8080_8080_8080 != 0 {
            let word = std::str::from_utf8(&text[start..end]).ok()?;
            return self.lookup(word);
        }
        let first = (chunks[0] as u8).to_ascii_lowercase();
        let last = text[end - 1].to_ascii_lowercase();
        if self.filter[filter_slot(len, first)] & (1 << (last & 63)) == 0 {
            return None;
        }
        for c in &mut chunks {
            *c = lower_ascii(*c);
        }
        let idx = self.table.get_with(len, |i| chunks[i])?;
        Some((idx, self.classes[idx as usize]))
    }

    /// What tells this lexicon apart from others (never 0).
    #[inline]
    pub fn id(&self) -> u64 {
        self.id
    }

    /// An entry by index.
    #[inline]
    pub fn entry(&self, idx: u32) -> &Entry {
        &self.entries[idx as usize]
    }

    /// The lemma of a cue.
    pub fn lemma(&self, cue: u16) -> &str {
        &self.lemmas[self.cues[cue as usize].lemma as usize]
    }
}

/// The `N` tab-separated fields of `line`, or `None` if it has another
/// number. The fields are short: a plain scan for each tab costs less than
/// `split`'s searcher.
pub(crate) fn tab_fields<const N: usize>(line: &str) -> Option<[&str; N]> {
    let mut fields = [""; N];
    let mut rest = line;
    for (k, field) in fields.iter_mut().enumerate() {
        let last = k + 1 == N;
        match rest.as_bytes().iter().position(|&b| b == b'\t') {
            Some(tab) if !last => {
                *field = &rest[..tab];
                rest = &rest[tab + 1..];
            }
            None if last => *field = rest,
            _ => return None,
        }
    }
    Some(fields)
}

#[inline]
fn filter_slot(len: usize, first: u8) -> usize {
    len.min(MAX_WORD) * 32 + usize::from(first & 31)
}

/// Lowercases `word` into `buf` (ASCII fast path, `’` -> `'`), or `None` if
/// it does not fit.
#[inline]
fn lowercase_into<'b>(word: &str, buf: &'b mut [u8; MAX_WORD]) -> Option<&'b [u8]> {
    let bytes = word.as_bytes();
    if bytes.len() > MAX_WORD {
        return None;
    }
    if bytes.is_ascii() {
        for (dst, src) in buf.iter_mut().zip(bytes) {
            *dst = src.to_ascii_lowercase();
        }
        return Some(&buf[..bytes.len()]);
    }
    let mut len = 0;
    for ch in word.chars() {
        let ch = if ch == '\u{2019}' { '\'' } else { ch };
        for lower in ch.to_lowercase() {
            let mut tmp = [0u8; 4];
            let encoded = lower.encode_utf8(&mut tmp).as_bytes();
            if len + encoded.len() > MAX_WORD {
                return None;
            }
            buf[len..len + encoded.len()].copy_from_slice(encoded);
            len += encoded.len();
        }
    }
    Some(&buf[..len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_fields_are_those_of_split() {
        for line in [
            "",
            "a",
            "a\tb",
            "a\tb\tc",
            "\t",
            "\t\t",
            "a\t",
            "\tb",
            "é\tü\tx",
            "a b\tc d\t",
        ] {
            let split: Vec<&str> = line.split('\t').collect();
            let want3 = <[&str; 3]>::try_from(split.as_slice()).ok();
            assert_eq!(tab_fields::<3>(line), want3, "{line:?}");
            let want1 = <[&str; 1]>::try_from(split.as_slice()).ok();
            assert_eq!(tab_fields::<1>(line), want1, "{line:?}");
        }
    }

    #[test]
    fn cues_are_found_in_every_inflection_and_case() {
        let lex = Lexicon::bundled();
        for form in [
            "said",
            "Says",
            "SAY",
            "saying",
            "asserted",
            "reiterated",
            "claimed",
        ] {
            let (_, entry) = lex.get(form).unwrap_or_else(|| panic!("{form} in lexicon"));
            assert!(!entry.cues.is_empty(), "{form} is a cue");
        }
        let (_, according) = lex.get("according").unwrap();
        let cue = &lex.cues[according.cues[0] as usize];
        assert_eq!(cue.tag, CueTag::Multiword);
        assert_eq!(&*cue.rest[0], "to");
    }

    #[test]
    fn role_nouns_come_from_titles_with_plurals() {
        let lex = Lexicon::bundled();
        for word in [
            "spokesman",
            "spokesmen",
            "minister",
            "ministers",
            "official",
            "officials",
        ] {
            let (classes, _) = lex.get(word).map(|(_, e)| (e.classes, ())).unwrap();
            assert!(classes & class::ROLE != 0, "{word} is a role noun");
        }
    }

    #[test]
    fn every_word_is_found_past_the_filters() {
        // The filters in front of the table (by length and letters, and the
        // Bloom filter) must never turn a lexicon word away.
        let lex = Lexicon::bundled();
        let lists = [
            SUBJECT_PRONOUNS,
            PERSONAL_PRONOUNS,
            PLURAL_PRONOUNS,
            OBJECT_PRONOUNS,
            DETERMINERS,
            AUXILIARIES,
            NEGATED_AUXILIARIES,
            CONTRACTED_SUBJECTS,
            BE_FORMS,
            ADVERBS,
            NEGATIONS,
            PREPOSITIONS,
            CONJUNCTIONS,
            WH_WORDS,
            TIME_WORDS,
            OTHER_VERBS,
            GROUP_NOUNS,
            LEADER_NOUNS,
        ];
        let cue_words = [CUES, EXTRA_CUES]
            .into_iter()
            .flat_map(|tsv| tsv.lines().skip(1))
            .filter_map(|line| line.split([' ', '\t']).next());
        let words: Vec<&str> = lists
            .iter()
            .flat_map(|l| l.iter().copied())
            .chain(ROLE_NOUNS.lines())
            .chain(cue_words)
            .filter(|w| !w.contains(' ') && w.len() <= MAX_WORD)
            .collect();
        assert!(words.len() > 1500, "{} words", words.len());
        for word in words {
            let upper = word.to_uppercase();
            for form in [word, upper.as_str()] {
                let text = format!("x {form} y");
                assert!(
                    lex.lookup_at(text.as_bytes(), 2, 2 + form.len()).is_some(),
                    "{form}"
                );
            }
        }
    }

    #[test]
    fn words_the_finder_compares_have_the_class_it_tests_first() {
        // `attrib::is_np_preposition` and `attrib::is_subordinator` test
        // the class bit before comparing the text.
        let lex = Lexicon::bundled();
        let has =
            |word: &str, bits: u32| lex.get(word).is_some_and(|(_, e)| e.classes & bits == bits);
        for word in ["of", "for", "at", "from"] {
            assert!(has(word, class::PREP), "{word}");
        }
        for word in [
            "if", "when", "because", "although", "though", "while", "unless", "once",
        ] {
            assert!(has(word, class::CONJ), "{word}");
        }
    }

    #[test]
    fn curly_apostrophes_match_straight_ones() {
        let lex = Lexicon::bundled();
        assert!(lex.get("\u{2019}s").is_some());
        assert!(lex
            .get("a-very-long-word-that-cannot-be-in-the-lexicon")
            .is_none());
    }
}
