//! Feature extraction, shared by training and tagging.
//!
//! A feature is a 64-bit hash of a template and a value. [`DocContext`]
//! analyses a whole document once (word hashes, shapes, word clusters,
//! gazetteer matches, the casing of each sentence and document-level
//! casing statistics); [`base_features`] then emits the features of one
//! token, and [`Aggregates`] + [`doc_features`] the second-stage features
//! that look at the first stage's labels of the same word elsewhere in the
//! document.
//!
//! The first-stage features come in three groups so that tagging can sum
//! most of them once per distinct token and cache the sums
//! (`model::WordCache`): a token's own ([`own_features`], a function of
//! [`token_key`]), those it gives its neighbours ([`neighbour_features`],
//! a function of the neighbour's key and the offset), and word pairs
//! ([`pair_features`]: word bigrams, looked up at every token, and shape
//! n-grams, cached by the shapes they depend on).

use std::ops::Range;

use crate::decode::{split, Part, N_TAGS, N_TYPES, O};
use crate::lexicon::{in_name, never_in_name_first, InName, Lexicon, PhraseCache, NO_PHRASE};
use crate::table::ScratchTable;
use crate::text::{
    analyse, combine, flag, hash_lower, hash_title, mix, prefixes, suffixes, WordInfo,
};

/// Per-token sentence context bits.
mod ctx {
    /// First word of its sentence (after any leading punctuation).
    pub const FIRST: u8 = 1;
    /// The sentence is written in capitals (a headline or a table).
    pub const CAPS_SENTENCE: u8 = 1 << 1;
    /// Preceded by an opening quote or parenthesis.
    pub const AFTER_OPEN: u8 = 1 << 2;
    /// No word after the first is capitalised (but the pronoun `I`): web
    /// text written in lower case, where names are lower case too.
    pub const LOWER_SENTENCE: u8 = 1 << 3;
    /// Common words are capitalised (`Great Service And Fast Delivery`):
    /// capitals say little about names.
    pub const TITLE_SENTENCE: u8 = 1 << 4;
    /// The bits that describe the casing of the whole sentence.
    pub const SENTENCE_CASE: u8 = CAPS_SENTENCE | LOWER_SENTENCE | TITLE_SENTENCE;
}

/// Whether a word is the pronoun `I`, alone or contracted (`I'm`).
#[inline]
fn is_pronoun_i(w: &str) -> bool {
    let b = w.as_bytes();
    b.first() == Some(&b'I') && (b.len() == 1 || matches!(b[1], b'\'' | 0xe2))
}

/// Document-level casing statistics of a word (by lower-cased key).
mod seen {
    /// The word occurs starting with a lower-case letter somewhere.
    pub const LOWER: u8 = 1;
    /// The word occurs capitalised in mid-sentence of a normal sentence.
    pub const CAP_MID: u8 = 1 << 1;
    /// The word occurs in capitals in a normal sentence (an acronym).
    pub const ACRONYM: u8 = 1 << 2;
}

/// A document's tokens as strings, however they are stored.
pub(crate) trait WordSeq {
    /// Number of tokens.
    fn len(&self) -> usize;
    /// The text of token `i`.
    fn word(&self, i: usize) -> &str;
}

impl<S: AsRef<str>> WordSeq for [S] {
    #[inline]
    fn len(&self) -> usize {
        <[S]>::len(self)
    }

    #[inline]
    fn word(&self, i: usize) -> &str {
        self[i].as_ref()
    }
}

/// A value for neighbours outside the sentence.
const BOUNDARY: u64 = 0x5eed_0000_0000_0001;

/// Which tokens of a document [`DocContext::compute`] prepares features
/// for: their casing in the document and their cluster path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every token (training, which scores every token).
    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    AllTokens,
    /// Only the tokens within two of a token tagging scores (one not
    /// [`DocContext::outside`]): no feature of another is ever read.
    NearScored,
}

/// What the tagger knows about every token of a document before tagging.
#[derive(Debug, Default)]
pub(crate) struct DocContext {
    pub info: Vec<WordInfo>,
    /// Word-cluster path of each token (`bits | len << 24`), 0 if unknown.
    pub cluster: Vec<u32>,
    /// Gazetteer matches: bit `4 * kind + part` (part 0 B, 1 I, 2 L, 3 U).
    pub gaz: Vec<u128>,
    pub ctx: Vec<u8>,
    pub seen: Vec<u8>,
    /// Corpus casing bucket of each word (0 unknown, 1 name-like .. 5
    /// common word).
    pub case: Vec<u8>,
    /// Per token: certainly outside every name ([`DocContext::mark_outside`]),
    /// so tagging need not score it.
    pub outside: Vec<bool>,
    /// Scratch for [`DocContext::mark_outside`]: a sentence's tokens
    /// decided after the words that follow them.
    outside_later: Vec<u32>,
    /// Per token: within two tokens of a token tagging scores, in its
    /// sentence, so that its features are needed ([`Scope`]).
    pub near_scored: Vec<bool>,
    /// Scratch: per token, its [`Role`].
    role: Vec<Role>,
    /// Numbers of the lower-case keys of the words analysed since
    /// [`DocContext::lex_cache`] was last reset (`key -> number`), so that
    /// a document's casing of a word is an array slot, not a hash-table
    /// entry per token.
    key_numbers: ScratchTable,
    /// Per token: the number of its lower-case key.
    key_number: Vec<u32>,
    /// Scratch, per key number: the [`seen`] bits of the key in the
    /// document (valid for the keys of its tokens only).
    key_seen: Vec<u8>,
    /// Per token: [`Lexicon::first_step`].
    gaz_first: Vec<u32>,
    /// Per token: the cluster path of the word as written, 0 if none.
    exact_cluster: Vec<u32>,
    /// Word-level lexicon lookups of recent words, for the lexicon of
    /// model `lex_cache_id` (0: none).
    lex_cache: Vec<LexEntry>,
    /// Phrase lookups of recent words, for the same lexicon.
    phrase_cache: PhraseCache,
    lex_cache_id: u64,
}

/// What the tagger knows of one word out of context: its analysis and the
/// lexicon's word-level answers.
#[derive(Debug, Clone, Copy)]
struct LexEntry {
    /// The word: its bytes, zero-padded, if at most [`SHORT_WORD`] bytes
    /// long, else a hash of them ([`LexEntry::id_of`]).
    id: u64,
    /// The length of a short word, or [`LONG_WORD`] or [`EMPTY_SLOT`].
    id_len: u8,
    info: WordInfo,
    /// [`Lexicon::first_step`].
    gaz_first: u32,
    /// Cluster path of the word as written, 0 if none.
    exact_cluster: u32,
    /// Corpus casing bucket.
    case: u8,
    /// How the word may stand in a name, whatever its context.
    role: Role,
    /// The number of the word's lower-case key ([`DocContext::key_numbers`]).
    key_number: u32,
}

/// How a word may stand in a name, as far as the word alone tells
/// ([`Role::of`]); the sentence decides the rest
/// ([`DocContext::outside`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Role {
    /// Anywhere: left to the model.
    #[default]
    Any,
    /// A comma: outside, unless a company or person suffix follows.
    Comma,
    /// Punctuation that is never part of a name (`.`, `%`, `"`).
    Punct,
    /// A common word written in lower case, that stands in names as
    /// `how` says ([`in_name`]).
    Lower(InName),
    /// A word that, capitalised at the start of a sentence, begins no
    /// name ([`never_in_name_first`]: `He`, `But`, `However`).
    Opener,
    /// A number (`1,250`, `12.5`, `1987`): in a name only beside another
    /// part of it (`Boeing 747`, `1860 Munich`).
    Number,
}

impl Role {
    fn of(w: &WordInfo, word: &str, case: u8) -> Role {
        let f = w.flags;
        if f & flag::PUNCT != 0 {
            return match word {
                "," => Role::Comma,
                "." | ";" | ":" | "!" | "?" | "%" | "-" | "--" | "\"" | "\u{201c}" | "\u{201d}" => {
                    Role::Punct
                }
                _ => Role::Any,
            };
        }
        if f & flag::NUMBER != 0 {
            return Role::Number;
        }
        if f & flag::INIT_CAP != 0 {
            return if f & flag::MIXED == 0 && never_in_name_first(w.key) {
                Role::Opener
            } else {
                Role::Any
            };
        }
        // A word rare in news or mostly capitalised there may be a name
        // written in lower case; a compound may be a part of a name
        // (`self-rule` in `Palestinian self-rule Authority`).
        if f & flag::LOWER != 0
            && f & (flag::MIXED | flag::HAS_DIGIT | flag::ADDRESS | flag::HYPHEN) == 0
            && case >= COMMON_CASE
        {
            Role::Lower(in_name(w.key))
        } else {
            Role::Any
        }
    }
}

/// Entries of the per-thread lexicon cache (a power of two; 72 bytes
/// each, 1.2 MB), in sets of two. A hit on a short word spares its
/// analysis, and any hit three lookups in the large lexicon tables (which
/// miss the processor's caches: two ways instead of one cut the whole
/// run's simulated cache misses on a 0.93 MB BBC slice by 2%, in
/// cachegrind).
const LEX_CACHE: usize = 16384;

const _: () = assert!(std::mem::size_of::<LexEntry>() == 72);

/// Key numbers ([`DocContext::key_numbers`]) before a document starts
/// afresh, forgetting them and the lexicon cache that holds them: bounds
/// the memory a long run's growing vocabulary takes (at most 4 MB: 29
/// bytes per number, with the table's empty half).
const MAX_KEY_NUMBERS: usize = 1 << 17;

/// Words of up to this many bytes (most words) are cached by their bytes,
/// so that a hit needs no analysis.
const SHORT_WORD: usize = 8;
/// [`LexEntry::id_len`] of a longer word.
const LONG_WORD: u8 = 255;
/// [`LexEntry::id_len`] of an empty cache slot.
const EMPTY_SLOT: u8 = 254;

/// The bytes of `b` (at most 8) as a little-endian number, zero-padded:
/// two overlapping loads instead of a copy of a variable length (a call
/// to `memcpy` per word).
#[inline]
fn load_short(b: &[u8]) -> u64 {
    let n = b.len();
    debug_assert!(n <= SHORT_WORD);
    if n >= 4 {
        let lo = u32::from_le_bytes(b[..4].try_into().expect("4 bytes"));
        let hi = u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes"));
        // The bytes the two loads share are equal in both.
        u64::from(lo) | u64::from(hi) << (8 * (n - 4))
    } else if n > 0 {
        u64::from(b[0])
            | u64::from(b[n / 2]) << (8 * (n / 2))
            | u64::from(b[n - 1]) << (8 * (n - 1))
    } else {
        0
    }
}

impl LexEntry {
    const EMPTY: LexEntry = LexEntry {
        id: 0,
        id_len: EMPTY_SLOT,
        info: WordInfo {
            exact: 0,
            lower: 0,
            key: 0,
            shape: 0,
            long_shape: 0,
            flags: 0,
            len: 0,
        },
        gaz_first: NO_PHRASE,
        exact_cluster: 0,
        case: 0,
        role: Role::Any,
        key_number: 0,
    };

    /// The cache identity of `word`: `(id, id_len)`. A longer word is
    /// known by a 64-bit hash of its bytes (two words of news sharing one
    /// is about as likely as a clash of the model's own word hashes); its
    /// analysis waits for a miss.
    #[inline]
    fn id_of(word: &str) -> (u64, u8) {
        let bytes = word.as_bytes();
        if bytes.len() <= SHORT_WORD {
            (load_short(bytes), bytes.len() as u8)
        } else {
            let mut chunks = bytes.chunks_exact(SHORT_WORD);
            let mut h = bytes.len() as u64;
            for chunk in &mut chunks {
                h = combine(h, u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
            }
            (combine(h, load_short(chunks.remainder())), LONG_WORD)
        }
    }

    fn new(
        lex: &Lexicon,
        w: WordInfo,
        word: &str,
        (id, id_len): (u64, u8),
        key_numbers: &mut ScratchTable,
    ) -> LexEntry {
        let next_number = key_numbers.len() as u32;
        let content = w.flags & (flag::HAS_ALPHA | flag::HAS_DIGIT) != 0;
        let case = lex.case_stats.get(w.key).unwrap_or(0) as u8;
        LexEntry {
            id,
            id_len,
            info: w,
            gaz_first: if content {
                lex.first_step(&w)
            } else {
                NO_PHRASE
            },
            exact_cluster: if content {
                lex.cluster(crate::text::hash_exact(word)).unwrap_or(0)
            } else {
                0
            },
            case,
            role: Role::of(&w, word, case),
            key_number: *key_numbers.entry(w.key, next_number),
        }
    }
}

impl DocContext {
    /// Whether token `i` is the first word of its sentence.
    pub(crate) fn is_sentence_first(&self, i: usize) -> bool {
        self.ctx.get(i).is_some_and(|c| c & ctx::FIRST != 0)
    }

    /// Analyses the document `words` split into `sentences` (token index
    /// ranges, in order, not overlapping). `cache_id`, if not 0, names the
    /// lexicon (its model) so that word-level lookups may be cached across
    /// documents. `scope` says which tokens need their features.
    pub(crate) fn compute<W: WordSeq + ?Sized>(
        &mut self,
        lex: &Lexicon,
        cache_id: u64,
        words: &W,
        sentences: &[Range<usize>],
        scope: Scope,
    ) {
        let n = words.len();
        if self.key_numbers.len() >= MAX_KEY_NUMBERS {
            // The cached words hold the numbers.
            self.key_numbers.clear();
            self.lex_cache_id = 0;
        }
        if cache_id != 0 && self.lex_cache_id != cache_id {
            self.lex_cache.clear();
            self.lex_cache.resize(LEX_CACHE, LexEntry::EMPTY);
            self.phrase_cache.clear();
            self.lex_cache_id = cache_id;
        }
        self.info.clear();
        self.case.clear();
        self.role.clear();
        self.gaz_first.clear();
        self.exact_cluster.clear();
        self.key_number.clear();
        // A loop of its own: its probes of the cache are independent of
        // each other, and with little work between them many are under
        // way at once.
        for i in 0..n {
            let word = words.word(i);
            let (id, id_len) = LexEntry::id_of(word);
            let e = if cache_id != 0 {
                let set = (id ^ u64::from(id_len)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32;
                let set = 2 * (set as usize & (LEX_CACHE / 2 - 1));
                let ways = &mut self.lex_cache[set..set + 2];
                if ways[0].id == id && ways[0].id_len == id_len {
                    ways[0]
                } else if ways[1].id == id && ways[1].id_len == id_len {
                    ways[1]
                } else {
                    // The newest word goes first, the one it displaces
                    // second: a word survives one other word of its set.
                    ways[1] = ways[0];
                    ways[0] = LexEntry::new(
                        lex,
                        analyse(word),
                        word,
                        (id, id_len),
                        &mut self.key_numbers,
                    );
                    ways[0]
                }
            } else {
                LexEntry::new(
                    lex,
                    analyse(word),
                    word,
                    (id, id_len),
                    &mut self.key_numbers,
                )
            };
            self.info.push(e.info);
            self.case.push(e.case);
            self.role.push(e.role);
            self.gaz_first.push(e.gaz_first);
            self.exact_cluster.push(e.exact_cluster);
            self.key_number.push(e.key_number);
        }
        self.ctx.clear();
        self.ctx.resize(n, 0);
        self.gaz.clear();
        self.gaz.resize(n, 0);
        self.cluster.clear();
        self.cluster.resize(n, 0);
        self.seen.clear();
        self.seen.resize(n, 0);

        for sent in sentences {
            let (mut alpha, mut caps) = (0usize, 0usize);
            // Words after the first: alphabetic ones, capitalised ones,
            // common words (usually lower case in news), capitalised common
            // words.
            let (mut rest, mut rest_cap, mut common, mut common_cap) = (0usize, 0, 0, 0);
            let mut seen_first = false;
            for i in sent.clone() {
                let w = &self.info[i];
                let f = w.flags;
                if f & flag::HAS_ALPHA != 0 && w.len > 1 {
                    alpha += 1;
                    if f & flag::ALL_CAPS != 0 {
                        caps += 1;
                    }
                }
                if f & (flag::HAS_ALPHA | flag::HAS_DIGIT) == 0 {
                    continue;
                }
                if !seen_first {
                    seen_first = true;
                    continue;
                }
                if f & flag::HAS_ALPHA == 0 || f & flag::ADDRESS != 0 {
                    continue;
                }
                let capitalised = f & flag::INIT_CAP != 0;
                if capitalised && is_pronoun_i(words.word(i)) {
                    continue;
                }
                rest += 1;
                if capitalised {
                    rest_cap += 1;
                }
                if self.case[i] == 5 && w.len > 1 {
                    common += 1;
                    if capitalised {
                        common_cap += 1;
                    }
                }
            }
            let caps_sentence = alpha >= 2 && caps * 10 >= alpha * 7;
            let sentence_case = if caps_sentence {
                ctx::CAPS_SENTENCE
            } else if rest >= 3 && rest_cap == 0 {
                ctx::LOWER_SENTENCE
            } else if common_cap >= 2 && common_cap * 3 >= common * 2 {
                ctx::TITLE_SENTENCE
            } else {
                0
            };
            let mut first = true;
            let mut after_open = false;
            for i in sent.clone() {
                let f = self.info[i].flags;
                let mut c = sentence_case;
                if after_open {
                    c |= ctx::AFTER_OPEN;
                }
                if first && f & (flag::HAS_ALPHA | flag::HAS_DIGIT) != 0 {
                    c |= ctx::FIRST;
                    first = false;
                }
                self.ctx[i] = c;
                // Only punctuation can open (the flag spares most words
                // the string comparisons).
                after_open = f & flag::PUNCT != 0
                    && matches!(
                        words.word(i),
                        "\"" | "(" | "[" | "'" | "\u{201c}" | "\u{2018}" | "-" | "--" | ":"
                    );
            }
            let cache = (cache_id != 0).then_some(&mut self.phrase_cache);
            lex.match_gazetteer(
                &self.info,
                sent.clone(),
                &self.gaz_first,
                cache,
                &mut self.gaz,
            );
        }

        let (mut outside, mut later) = (
            std::mem::take(&mut self.outside),
            std::mem::take(&mut self.outside_later),
        );
        self.mark_outside(words, sentences, &mut outside, &mut later);
        (self.outside, self.outside_later) = (outside, later);
        self.near_scored.clear();
        match scope {
            Scope::AllTokens => self.near_scored.resize(n, true),
            Scope::NearScored => {
                self.near_scored.resize(n, false);
                for sent in sentences {
                    for i in sent.clone().filter(|&i| !self.outside[i]) {
                        let near = i.saturating_sub(2).max(sent.start)..(i + 3).min(sent.end);
                        self.near_scored[near].fill(true);
                    }
                }
            }
        }

        // Document-level casing of each word (of every word: any
        // occurrence counts), by key number.
        if self.key_seen.len() < self.key_numbers.len() {
            self.key_seen.resize(self.key_numbers.len(), 0);
        }
        for &k in &self.key_number {
            self.key_seen[k as usize] = 0;
        }
        for i in 0..n {
            let f = self.info[i].flags;
            if f & flag::HAS_ALPHA == 0 {
                continue;
            }
            let c = self.ctx[i];
            let mut bits = 0u8;
            if f & flag::LOWER != 0 {
                bits |= seen::LOWER;
            } else if c & (ctx::FIRST | ctx::CAPS_SENTENCE | ctx::TITLE_SENTENCE) == 0 {
                if f & flag::ALL_CAPS != 0 {
                    bits |= seen::ACRONYM;
                } else if f & flag::INIT_CAP != 0 {
                    bits |= seen::CAP_MID;
                }
            }
            self.key_seen[self.key_number[i] as usize] |= bits;
        }
        // The casing and the clusters only of the words whose features
        // are needed (the others keep 0).
        for i in 0..n {
            if self.near_scored[i] && self.info[i].flags & flag::HAS_ALPHA != 0 {
                self.seen[i] = self.key_seen[self.key_number[i] as usize];
            }
        }

        // Word clusters, with case normalised where the casing says little.
        for i in 0..n {
            let f = self.info[i].flags;
            if !self.near_scored[i] || f & (flag::HAS_ALPHA | flag::HAS_DIGIT) == 0 {
                continue;
            }
            let w = words.word(i);
            let c = self.ctx[i];
            let caps_word = f & flag::ALL_CAPS != 0 && c & ctx::CAPS_SENTENCE != 0;
            let exact = Some(self.exact_cluster[i]).filter(|&p| p != 0);
            let path = if caps_word {
                lex.cluster(hash_title(w))
                    .or_else(|| lex.cluster(hash_lower(w)))
                    .or(exact)
            } else if c & ctx::TITLE_SENTENCE != 0 && self.case[i] >= 4 {
                // A common word capitalised with all the others.
                lex.cluster(hash_lower(w)).or(exact)
            } else {
                exact.or_else(|| {
                    if c & ctx::FIRST != 0 || f & flag::ALL_CAPS != 0 {
                        lex.cluster(hash_lower(w))
                            .or_else(|| lex.cluster(hash_title(w)))
                    } else if f & flag::LOWER != 0 {
                        // A name written in lower case (`mexico`).
                        lex.cluster(hash_title(w))
                    } else {
                        None
                    }
                })
            };
            self.cluster[i] = path.unwrap_or(0);
        }
    }

    /// Marks the tokens certainly outside every name, in sentences cased
    /// normally or all in lower case (not in capitals or in Title Case,
    /// where capitals say little): the common words written in lower
    /// case (but those that stand inside names, [`in_name`], where no
    /// neighbour they need is outside: `of` in `Bank of England`),
    /// punctuation that is never part of a name, and pronouns and
    /// conjunctions capitalised to start the sentence. The model scores
    /// the other tokens.
    fn mark_outside<W: WordSeq + ?Sized>(
        &self,
        words: &W,
        sentences: &[Range<usize>],
        outside: &mut Vec<bool>,
        later: &mut Vec<u32>,
    ) {
        outside.clear();
        outside.resize(words.len(), false);
        for sent in sentences {
            if sent.is_empty()
                || self.ctx[sent.start] & (ctx::CAPS_SENTENCE | ctx::TITLE_SENTENCE) != 0
            {
                continue;
            }
            // Words inside names after an outside word are outside: this
            // forward pass carries that along a run of them. The words that
            // may not end a name and the numbers are noted for the passes
            // below, which need the words after them.
            later.clear();
            let mut previous_outside = true;
            for i in sent.clone() {
                let out = match self.role[i] {
                    Role::Punct | Role::Lower(InName::Never) => true,
                    Role::Any => false,
                    Role::Lower(InName::Inside) => {
                        later.push(i as u32);
                        previous_outside
                    }
                    Role::Lower(InName::NotLast) | Role::Number => {
                        later.push(i as u32);
                        false
                    }
                    // `Google, Inc.`, `Martin Luther King, Jr.`
                    Role::Comma => !(i + 1 < sent.end && is_name_suffix(words.word(i + 1))),
                    Role::Opener => self.ctx[i] & ctx::FIRST != 0,
                };
                outside[i] = out;
                previous_outside = out;
            }
            // Words that may not end a name before an outside word are
            // outside (a backward pass); then no word is left with an
            // outside neighbour it needs.
            for &i in later.iter().rev() {
                let i = i as usize;
                if matches!(self.role[i], Role::Lower(_)) && (i + 1 == sent.end || outside[i + 1]) {
                    outside[i] = true;
                }
            }
            // A number between words outside every name is no part of one
            // (`rose 12 pct`, `in 1987 ,`).
            for &i in later.iter() {
                let i = i as usize;
                if self.role[i] == Role::Number
                    && (i == sent.start || outside[i - 1])
                    && (i + 1 == sent.end || outside[i + 1])
                {
                    outside[i] = true;
                }
            }
        }
    }
}

/// Whether `word` ends a company or person name after a comma.
fn is_name_suffix(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "Inc"
            | "Ltd"
            | "Corp"
            | "Co"
            | "LLC"
            | "LLP"
            | "LP"
            | "L.P"
            | "PLC"
            | "Plc"
            | "plc"
            | "AG"
            | "SA"
            | "S.A"
            | "NV"
            | "N.V"
            | "GmbH"
            | "Jr"
            | "Sr"
            | "II"
            | "III"
    )
}

/// The lowest corpus casing bucket of a common word ([`DocContext::case`]).
const COMMON_CASE: u8 = 3;

// Feature templates. Offsets are folded into the template id.
const T_BIAS: u64 = 1;
const T_EXACT: u64 = 2;
const T_LOWER: u64 = 3;
const T_PREFIX: u64 = 4;
const T_SUFFIX: u64 = 5;
const T_SHAPE: u64 = 6;
const T_LONG_SHAPE: u64 = 7;
const T_SHAPE_LEFT: u64 = 8;
const T_SHAPE_RIGHT: u64 = 9;
const T_SHAPE_3: u64 = 10;
const T_BIGRAM_LEFT: u64 = 11;
const T_BIGRAM_RIGHT: u64 = 12;
const T_CTX: u64 = 13;
const T_CLUSTER: u64 = 14;
const T_GAZ: u64 = 15;
const T_GAZ_CAP: u64 = 16;
const T_SEEN: u64 = 17;
const T_LEN: u64 = 18;
const T_EXACT_CTX: u64 = 20;
const T_CASE: u64 = 22;
// Second stage.
const T_S1: u64 = 40;
const T_AGG: u64 = 41;
const T_AGG_MAJOR: u64 = 42;
const T_AGG_MAJOR_S1: u64 = 43;
const T_S1_PAIR: u64 = 44;
const T_AGG_NONE: u64 = 45;

#[inline]
fn t(template: u64, offset: i64) -> u64 {
    template * 64 + (offset + 8) as u64
}

#[inline]
fn case_class(f: u16) -> u64 {
    if f & flag::PUNCT != 0 {
        1
    } else if f & flag::ALL_CAPS != 0 {
        2
    } else if f & flag::INIT_CAP != 0 {
        3
    } else if f & flag::LOWER != 0 {
        4
    } else if f & flag::HAS_DIGIT != 0 {
        5
    } else {
        6
    }
}

/// Emits the first-stage features of token `i` of the sentence `sent`:
/// those of the token itself ([`own_features`]), those its neighbours give
/// it ([`neighbour_features`]) and those of word pairs
/// ([`pair_features`]).
#[cfg_attr(not(feature = "train"), allow(dead_code))]
#[inline]
pub(crate) fn base_features<W: WordSeq + ?Sized>(
    dc: &DocContext,
    words: &W,
    sent: Range<usize>,
    i: usize,
    mut emit: impl FnMut(u64),
) {
    own_features(dc, i, words.word(i), &mut emit);
    for k in NEIGHBOURS {
        let j = i as i64 + k;
        let nb = (j >= sent.start as i64 && j < sent.end as i64).then_some(j as usize);
        neighbour_features(dc, nb, k, &mut emit);
    }
    pair_features(dc, sent, i, emit);
}

/// Offsets of the neighbours that give a token features.
pub(crate) const NEIGHBOURS: [i64; 4] = [-2, -1, 1, 2];

/// A key for everything [`own_features`] and [`neighbour_features`] of
/// token `i` depend on: the word as written (the exact form folds digits,
/// the lower-case key keeps them), its context bits, document casing,
/// word-cluster path and gazetteer matches. Tokens with equal keys have
/// equal features, so their summed weights may be cached.
#[inline]
pub(crate) fn token_key(dc: &DocContext, i: usize) -> u64 {
    let w = &dc.info[i];
    let g = dc.gaz[i];
    let bits = u64::from(dc.ctx[i]) | u64::from(dc.seen[i]) << 8 | u64::from(dc.cluster[i]) << 16;
    // `exact` and `key` are hashes already: a multiply keeps them apart
    // without a mix. The gazetteer bits (most often none: `mix(0) == 0`)
    // are mixed before they meet the context bits, so that no two sets of
    // them cancel out.
    let word = w.exact.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ w.key;
    let gaz = mix(g as u64 ^ ((g >> 64) as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
    mix(word.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ bits ^ gaz)
}

/// Emits the first-stage features of token `i` that depend on the token
/// alone (its word, context bits, casing, cluster and gazetteer matches).
#[inline]
pub(crate) fn own_features(dc: &DocContext, i: usize, word: &str, mut emit: impl FnMut(u64)) {
    let me = &dc.info[i];
    let cc = case_class(me.flags);
    let c = dc.ctx[i];
    let sc = u64::from(c & ctx::SENTENCE_CASE);
    emit(T_BIAS);
    emit(combine(T_EXACT, me.exact));
    emit(combine(t(T_LOWER, 0), me.lower));
    if me.flags & flag::PUNCT == 0 {
        prefixes(word, 4, |n, h| emit(combine(t(T_PREFIX, n as i64), h)));
        suffixes(word, 4, |n, h| emit(combine(t(T_SUFFIX, n as i64), h)));
    }
    emit(combine(t(T_SHAPE, 0), me.shape));
    emit(combine(T_LONG_SHAPE, me.long_shape));
    emit(combine(T_LEN, u64::from(me.len.min(12)) * 16 + cc));
    emit(combine(t(T_EXACT_CTX, 0), combine(me.exact, u64::from(c))));
    emit(combine(T_CTX, u64::from(c) * 16 + cc));
    emit(combine(
        T_SEEN,
        u64::from(dc.seen[i]) * 256 + u64::from(c) * 16 + cc,
    ));
    // How the word is usually written, against how it is written here.
    emit(combine(
        t(T_CASE, 0),
        u64::from(dc.case[i]) * 1024 + u64::from(c & (ctx::FIRST | ctx::SENTENCE_CASE)) * 16 + cc,
    ));
    cluster_features(dc.cluster[i], 0, &mut emit);
    let mut mask = dc.gaz[i];
    while mask != 0 {
        let b = u64::from(mask.trailing_zeros());
        mask &= mask - 1;
        emit(combine(t(T_GAZ, 0), b));
        emit(combine(T_GAZ_CAP, (b * 8 + cc) * 32 + sc));
    }
}

/// Word-cluster path prefixes of several lengths, of the token at offset
/// `k`.
#[inline]
fn cluster_features(path: u32, k: i64, mut emit: impl FnMut(u64)) {
    if path == 0 {
        if k == 0 {
            emit(combine(t(T_CLUSTER, 0), 0));
        }
        return;
    }
    let len = path >> 24;
    let bits = path & 0x00ff_ffff;
    let lens: &[u32] = if k == 0 { &[6, 12, 20] } else { &[6, 12] };
    for &p in lens {
        let p = p.min(len);
        let prefix = u64::from(bits >> (len - p)) | (u64::from(p) << 32);
        emit(combine(t(T_CLUSTER, k), prefix));
    }
}

/// Emits the features that token `j` (`None`: a position outside the
/// sentence) gives the token `k` positions before it. They depend on token
/// `j` and `k` alone, so they too may be summed once and cached.
#[inline]
pub(crate) fn neighbour_features(
    dc: &DocContext,
    j: Option<usize>,
    k: i64,
    mut emit: impl FnMut(u64),
) {
    let nb = j.map(|j| &dc.info[j]);
    emit(combine(t(T_LOWER, k), nb.map_or(BOUNDARY, |w| w.lower)));
    if k != -1 && k != 1 {
        return;
    }
    emit(combine(t(T_EXACT, k), nb.map_or(BOUNDARY, |w| w.exact)));
    emit(combine(t(T_SHAPE, k), nb.map_or(BOUNDARY, |w| w.shape)));
    let Some(j) = j else {
        return;
    };
    cluster_features(dc.cluster[j], k, &mut emit);
    let mut mask = dc.gaz[j];
    while mask != 0 {
        let b = u64::from(mask.trailing_zeros());
        mask &= mask - 1;
        emit(combine(t(T_GAZ, k), b));
    }
}

/// Emits the first-stage features of token `i` that depend on it and a
/// neighbour together (shape and word bigrams).
#[inline]
pub(crate) fn pair_features(
    dc: &DocContext,
    sent: Range<usize>,
    i: usize,
    mut emit: impl FnMut(u64),
) {
    shape_features(&ShapeContext::new(dc, sent.clone(), i), &mut emit);
    bigram_features(dc, sent, i, emit);
}

/// The shapes of a token and its neighbours with the sentence casing:
/// everything [`shape_features`] depends on. Few distinct values occur, so
/// tagging caches the features' summed weights by [`ShapeContext::key`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShapeContext {
    left: u64,
    me: u64,
    right: u64,
    /// The sentence casing bits.
    sc: u64,
}

impl ShapeContext {
    /// The shape context of token `i` of sentence `sent`.
    #[inline]
    pub(crate) fn new(dc: &DocContext, sent: Range<usize>, i: usize) -> ShapeContext {
        let shape = |k: i64| neighbour(&dc.info, sent.clone(), i, k).map_or(BOUNDARY, |w| w.shape);
        ShapeContext {
            left: shape(-1),
            me: dc.info[i].shape,
            right: shape(1),
            sc: u64::from(dc.ctx[i] & ctx::SENTENCE_CASE),
        }
    }

    /// A hash of the whole context (also the value of a feature).
    #[inline]
    pub(crate) fn key(&self) -> u64 {
        combine(combine(combine(self.left, self.me), self.right), self.sc)
    }
}

/// The word at offset `k` from token `i`, if inside the sentence `sent`.
#[inline]
fn neighbour(info: &[WordInfo], sent: Range<usize>, i: usize, k: i64) -> Option<&WordInfo> {
    let j = i as i64 + k;
    (j >= sent.start as i64 && j < sent.end as i64).then(|| &info[j as usize])
}

/// Emits the shape n-gram features of a token.
#[inline]
pub(crate) fn shape_features(s: &ShapeContext, mut emit: impl FnMut(u64)) {
    emit(combine(T_SHAPE_LEFT, combine(s.left, s.me)));
    emit(combine(T_SHAPE_RIGHT, combine(s.me, s.right)));
    // The shapes of the word and its neighbours with the sentence casing
    // (`Xx` between two `Xx` means little in a Title Case sentence).
    emit(combine(T_SHAPE_3, s.key()));
}

/// Emits the word bigram features of token `i`.
#[inline]
pub(crate) fn bigram_features(
    dc: &DocContext,
    sent: Range<usize>,
    i: usize,
    mut emit: impl FnMut(u64),
) {
    let lower = |k: i64| neighbour(&dc.info, sent.clone(), i, k).map_or(BOUNDARY, |w| w.lower);
    let me = dc.info[i].lower;
    emit(combine(T_BIGRAM_LEFT, combine(lower(-1), me)));
    emit(combine(T_BIGRAM_RIGHT, combine(me, lower(1))));
}

/// First-stage labels of each word, counted over the document.
#[derive(Debug, Default)]
pub(crate) struct Aggregates {
    /// Per key number ([`DocContext::key_number`]): index into `counts`,
    /// or `u32::MAX` (for every key but those in `numbered`).
    count_of_key: Vec<u32>,
    /// The key numbers given a row of `counts`.
    numbered: Vec<u32>,
    /// Per word: count of (type, part) with part 0 B, 1 I, 2 L, 3 U, and
    /// at `N_TYPES * 4` the number of occurrences.
    counts: Vec<[u16; N_TYPES * 4 + 1]>,
    /// Per token: index into `counts`, or `u32::MAX`.
    slot: Vec<u32>,
}

#[inline]
fn part_index(part: Part) -> usize {
    match part {
        Part::Begin => 0,
        Part::Inside => 1,
        Part::Last => 2,
        _ => 3,
    }
}

impl Aggregates {
    /// Counts the first-stage `tags` of every capitalised word (and of
    /// every word of a lower-case sentence).
    pub(crate) fn compute(&mut self, dc: &DocContext, tags: &[u8]) {
        for k in self.numbered.drain(..) {
            self.count_of_key[k as usize] = u32::MAX;
        }
        if self.count_of_key.len() < dc.key_numbers.len() {
            self.count_of_key.resize(dc.key_numbers.len(), u32::MAX);
        }
        self.counts.clear();
        self.slot.clear();
        self.slot.resize(tags.len(), u32::MAX);
        for (i, &tag) in tags.iter().enumerate() {
            let f = dc.info[i].flags;
            if f & (flag::INIT_CAP | flag::ALL_CAPS) == 0
                && (f & flag::HAS_ALPHA == 0 || dc.ctx[i] & ctx::LOWER_SENTENCE == 0)
            {
                continue;
            }
            let k = dc.key_number[i];
            let slot = &mut self.count_of_key[k as usize];
            if *slot == u32::MAX {
                *slot = self.counts.len() as u32;
                self.counts.push([0; N_TYPES * 4 + 1]);
                self.numbered.push(k);
            }
            let slot = *slot;
            self.slot[i] = slot;
            let row = &mut self.counts[slot as usize];
            row[N_TYPES * 4] = row[N_TYPES * 4].saturating_add(1);
            if tag != O {
                let (part, ty) = split(tag);
                let cell = &mut row[ty * 4 + part_index(part)];
                *cell = cell.saturating_add(1);
            }
        }
    }
}

/// Emits the second-stage features of token `i` given the first-stage tags
/// of the document.
#[cfg_attr(not(feature = "train"), allow(dead_code))]
#[inline]
pub(crate) fn doc_features(
    agg: &Aggregates,
    tags: &[u8],
    sent: Range<usize>,
    i: usize,
    mut emit: impl FnMut(u64),
) {
    let [prev, me, next] = neighbour_tags(tags, sent, i);
    emit(s1_key(0, me));
    emit(s1_key(-1, prev));
    emit(s1_key(1, next));
    emit(s1_pair_key(prev, me));
    agg_features(agg, tags, i, |f| emit(f.key()));
}

/// The first-stage tags of tokens `i - 1`, `i` and `i + 1`, with
/// [`N_TAGS`] outside the sentence.
#[inline]
pub(crate) fn neighbour_tags(tags: &[u8], sent: Range<usize>, i: usize) -> [u8; 3] {
    let s1 = |k: i64| -> u8 {
        let j = i as i64 + k;
        if j >= sent.start as i64 && j < sent.end as i64 {
            tags[j as usize]
        } else {
            N_TAGS as u8
        }
    };
    [s1(-1), s1(0), s1(1)]
}

/// The feature of first-stage tag `tag` at offset `k` (-1, 0 or 1).
#[inline]
pub(crate) fn s1_key(k: i64, tag: u8) -> u64 {
    combine(t(T_S1, k), u64::from(tag))
}

/// The feature of the first-stage tags of a token and the one before.
#[inline]
pub(crate) fn s1_pair_key(prev: u8, me: u8) -> u64 {
    combine(T_S1_PAIR, u64::from(prev) * 32 + u64::from(me))
}

/// A second-stage feature that counts the first-stage labels of a word
/// elsewhere in the document. It takes few values, so tagging keeps the
/// weights of all of them in a table ([`AggFeature::index`]) instead of
/// looking each up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggFeature {
    /// Some other occurrence has this label: `type * 4 + part`.
    Label(u8),
    /// No other occurrence is labelled; how many there are, at most 3.
    Unlabelled(u8),
    /// The majority type of the other occurrences and how dominant it is:
    /// `type * 4 + share`.
    Major(u8),
    /// [`AggFeature::Major`] with the token's own first-stage tag.
    MajorWithTag(u8, u8),
}

impl AggFeature {
    /// Number of distinct features, the size of an [`AggFeature::index`]
    /// table.
    #[cfg(test)]
    pub(crate) const COUNT: usize = 16 + 4 + 16 + 16 * N_TAGS;

    /// The feature's hash.
    #[inline]
    pub(crate) fn key(self) -> u64 {
        match self {
            AggFeature::Label(v) => combine(T_AGG, u64::from(v)),
            AggFeature::Unlabelled(v) => combine(T_AGG_NONE, u64::from(v)),
            AggFeature::Major(v) => combine(T_AGG_MAJOR, u64::from(v)),
            AggFeature::MajorWithTag(v, tag) => {
                combine(T_AGG_MAJOR_S1, u64::from(v) * 32 + u64::from(tag))
            }
        }
    }

    /// A dense index below [`AggFeature::COUNT`], in the order of
    /// [`AggFeature::all`].
    #[inline]
    pub(crate) fn index(self) -> usize {
        match self {
            AggFeature::Label(v) => usize::from(v),
            AggFeature::Unlabelled(v) => 16 + usize::from(v),
            AggFeature::Major(v) => 20 + usize::from(v),
            AggFeature::MajorWithTag(v, tag) => 36 + usize::from(v) * N_TAGS + usize::from(tag),
        }
    }

    /// Every feature, by increasing index.
    pub(crate) fn all() -> impl Iterator<Item = AggFeature> {
        let tags = 0..N_TAGS as u8;
        (0..16)
            .map(AggFeature::Label)
            .chain((0..4).map(AggFeature::Unlabelled))
            .chain((0..16).map(AggFeature::Major))
            .chain(
                (0..16)
                    .flat_map(move |v| tags.clone().map(move |t| AggFeature::MajorWithTag(v, t))),
            )
    }
}

/// Emits the second-stage features of token `i` that count the
/// first-stage labels of its word elsewhere in the document.
#[inline]
pub(crate) fn agg_features(
    agg: &Aggregates,
    tags: &[u8],
    i: usize,
    mut emit: impl FnMut(AggFeature),
) {
    let me = tags[i];
    let slot = agg.slot[i];
    if slot == u32::MAX {
        return;
    }
    let mut row = agg.counts[slot as usize];
    // Other occurrences only: take this token's own label out.
    row[N_TYPES * 4] -= 1;
    if tags[i] != O {
        let (part, ty) = split(tags[i]);
        row[ty * 4 + part_index(part)] -= 1;
    }
    if row[N_TYPES * 4] == 0 {
        return;
    }
    let mut per_type = [0u32; N_TYPES];
    for ty in 0..N_TYPES {
        for p in 0..4 {
            let n = row[ty * 4 + p];
            if n > 0 {
                emit(AggFeature::Label((ty * 4 + p) as u8));
                per_type[ty] += u32::from(n);
            }
        }
    }
    let total: u32 = per_type.iter().sum();
    if total == 0 {
        emit(AggFeature::Unlabelled(row[N_TYPES * 4].min(3) as u8));
        return;
    }
    let (major, &n_major) = per_type
        .iter()
        .enumerate()
        .max_by_key(|&(ty, &n)| (n, std::cmp::Reverse(ty)))
        .expect("four types");
    // How dominant the majority is, coarsely.
    let share = (n_major * 4 / total.max(1)).min(3) as u8;
    emit(AggFeature::Major(major as u8 * 4 + share));
    emit(AggFeature::MajorWithTag(major as u8 * 4 + share, me));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_load_as_their_zero_padded_bytes() {
        for word in [
            "", "a", "of", "the", "news", "Reuter", "Bank of", "pipeline",
        ] {
            let mut padded = [0u8; SHORT_WORD];
            padded[..word.len()].copy_from_slice(word.as_bytes());
            assert_eq!(
                load_short(word.as_bytes()),
                u64::from_le_bytes(padded),
                "{word:?}"
            );
        }
    }

    #[test]
    fn key_numbers_start_afresh_with_the_same_answers() {
        let model = crate::bundled_model().expect("the bundled model");
        let text = "The Bank of England said Smith , of the bank , met SMITH in London .";
        let words: Vec<&str> = text.split(' ').collect();
        let analyse = |dc: &mut DocContext, words: &[&str]| {
            let one_sentence = Range {
                start: 0,
                end: words.len(),
            };
            dc.compute(&model.lexicon, 7, words, &[one_sentence], Scope::AllTokens);
            (dc.seen.clone(), dc.outside.clone(), dc.cluster.clone())
        };
        // The words of `text` take the first numbers, then stay in the
        // lexicon cache through documents of 1000 new words each, up to
        // the bound.
        let mut busy = DocContext::default();
        analyse(&mut busy, &words);
        let filler: Vec<String> = (0..MAX_KEY_NUMBERS).map(|n| format!("w{n}")).collect();
        for chunk in filler.chunks(1000) {
            let mut doc: Vec<&str> = chunk.iter().map(String::as_str).collect();
            doc.extend(&words);
            analyse(&mut busy, &doc);
        }
        assert!(busy.key_numbers.len() >= MAX_KEY_NUMBERS);
        // New words in the next document must not share a number with a
        // cached word.
        let mut last = words.clone();
        last.extend(["Then", "Zorbu", "and", "ZORBU", "saw", "the", "Qaxle", "."]);
        let answers = analyse(&mut busy, &last);
        assert!(busy.key_numbers.len() <= last.len(), "started afresh");
        assert_eq!(answers, analyse(&mut DocContext::default(), &last));
    }

    /// The tokens [`DocContext::outside`] marks in `sentence`, split at
    /// spaces and taken as one sentence.
    fn outside_words(sentence: &str) -> Vec<&str> {
        let model = crate::bundled_model().expect("the bundled model");
        let words: Vec<&str> = sentence.split(' ').collect();
        let mut dc = DocContext::default();
        let sentences = [Range {
            start: 0,
            end: words.len(),
        }];
        dc.compute(&model.lexicon, 0, &words[..], &sentences, Scope::AllTokens);
        words
            .iter()
            .zip(&dc.outside)
            .filter(|(_, &o)| o)
            .map(|(w, _)| *w)
            .collect()
    }

    #[test]
    fn common_lower_case_words_and_punctuation_are_outside_names() {
        assert_eq!(
            outside_words("But the Bank of England said on Monday that rates would rise ."),
            ["But", "the", "said", "on", "that", "rates", "would", "rise", "."]
        );
        // A particle may begin a name, a comma before `Inc.` is inside one.
        assert_eq!(
            outside_words("He met de Silva of Google , Inc. and the board ."),
            ["He", "met", "and", "the", "board", "."]
        );
        // A number only beside a name part may belong to it.
        assert_eq!(
            outside_words("sales rose 12 pct to 1,250 Boeing 747 jets"),
            ["sales", "rose", "12", "pct", "to", "jets"]
        );
        // Capitals say little in a headline: the model decides.
        assert!(outside_words("BANK OF ENGLAND RAISES RATES AS PRICES RISE").is_empty());
    }

    #[test]
    fn agg_feature_indices_are_dense_and_distinct() {
        let all: Vec<AggFeature> = AggFeature::all().collect();
        assert_eq!(all.len(), AggFeature::COUNT);
        for (k, f) in all.iter().enumerate() {
            assert_eq!(f.index(), k, "{f:?}");
        }
        let keys: std::collections::HashSet<u64> = all.iter().map(|f| f.key()).collect();
        assert_eq!(keys.len(), AggFeature::COUNT);
    }
}
