//! The trained model: feature weights of two linear stages, transition
//! scores, gazetteers and word clusters; its file format and the tagging of a
//! tokenized document.

use std::io::Read;
use std::ops::Range;

use crate::decode::{tag, DecodeTables, Part, Transitions, Viterbi, N_TAGS, N_TYPES};
use crate::features::{
    agg_features, bigram_features, neighbour_features, neighbour_tags, own_features, s1_key,
    s1_pair_key, shape_features, token_key, AggFeature, Aggregates, DocContext, Scope,
    ShapeContext, WordSeq,
};
use crate::lexicon::never_starts_name;
use crate::lexicon::Lexicon;
use crate::table::{PackedTable, Table};
use crate::text::flag;

/// Word bigram features of a token ([`bigram_features`]).
const BIGRAMS: usize = 2;

/// Emission score of a tag that a token may not have: far below any sum
/// of weights, far above the decoder's impossible-state score.
const FORBIDDEN: i32 = -(1 << 28);

/// Weights per stage in a feature row: one per tag but `O`. Only score
/// differences between the tags of one token matter to the decoder, so
/// weights are stored relative to `O`'s, whose score is then always 0.
pub(crate) const STAGE: usize = N_TAGS - 1;

/// Weights per feature row: first stage, then second stage.
pub(crate) const ROW: usize = 2 * STAGE;

/// One feature's weights: exactly one 64-byte cache line, aligned, so a
/// feature costs one memory access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(64))]
pub(crate) struct Row(pub [i16; ROW]);

const _: () = assert!(std::mem::size_of::<Row>() == 64);

const MAGIC: &[u8; 8] = b"NEWSNER5";

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The bytes are not a model of this version.
    #[error("not a tagger model (bad magic or version)")]
    BadMagic,
    /// The model is cut short or inconsistent.
    #[error("corrupt tagger model: {0}")]
    Corrupt(&'static str),
    /// Decompressing a gzip-compressed model failed.
    #[error("cannot read tagger model: {0}")]
    Io(#[from] std::io::Error),
}

/// A trained entity-tagging model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Identity of the loaded model, for per-thread caches.
    pub(crate) id: u64,
    pub(crate) lexicon: Lexicon,
    /// Feature hash -> row index into `weights`.
    pub(crate) features: PackedTable,
    /// Weights of each feature row.
    pub(crate) weights: Vec<Row>,
    /// Transitions of the first and second stage.
    pub(crate) trans: [Transitions; 2],
    /// Free-text provenance (training data, command, scores).
    pub(crate) about: String,
}

impl PartialEq for Model {
    fn eq(&self, other: &Model) -> bool {
        self.lexicon == other.lexicon
            && self.features == other.features
            && self.weights == other.weights
            && self.trans == other.trans
            && self.about == other.about
    }
}

/// A fresh model identity.
pub(crate) fn next_model_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Entries of the per-thread word cache (a power of two; 400 bytes each,
/// 13.1 MB): frequent words (`the`, `,`, `said`, a document's names) are
/// looked up once, not at every occurrence. A miss costs some 30 feature
/// lookups, so it pays to keep more than the L2 cache holds (doubling it
/// from 16384 gave 5% more tokens per second).
const WORD_CACHE: usize = 32768;

/// What the cache keeps of a token: the summed weights of its own
/// features and of those it gives its nearest neighbours (exactly six cache
/// lines), and in its [`CacheTag`] the feature row it gives the tokens two
/// away.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct CachedToken {
    own: [i32; ROW],
    /// For the offsets -1 and 1.
    near: [[i32; ROW]; 2],
}

/// The key of a cached token and the rows it gives the tokens at offsets
/// -2 and 2 (a single feature each, see `features::neighbour_features`;
/// `u32::MAX`: no row). The tags of a set share a cache line, which the
/// probe reads anyway.
#[derive(Debug, Clone, Copy, Default)]
struct CacheTag {
    key: u64,
    far: [u32; 2],
}

const NEAR: [i64; 2] = [-1, 1];
const FAR: [i64; 2] = [-2, 2];

impl CachedToken {
    const EMPTY: CachedToken = CachedToken {
        own: [0; ROW],
        near: [[0; ROW]; 2],
    };

    /// Computes the `parts` ([`part`]) of the sums of token `j` (`None`: a
    /// position outside the sentence, which only gives its neighbours
    /// features) into `c`. All feature keys are made first and looked up
    /// after: the lookups are independent, so they overlap in the memory
    /// system instead of waiting on each other. The keys of each part are
    /// contiguous, so that each sum is a tight loop over rows into an
    /// accumulator kept in registers.
    fn fill<W: WordSeq + ?Sized>(
        model: &Model,
        dc: &DocContext,
        words: &W,
        j: Option<usize>,
        parts: u8,
        keys: &mut Vec<u64>,
        c: &mut CachedToken,
    ) {
        keys.clear();
        if let (Some(j), true) = (j, parts & part::OWN != 0) {
            own_features(dc, j, words.word(j), |key| keys.push(key));
        }
        // Where the keys of each part end: own, then the two near
        // neighbours.
        let mut ends = [keys.len(); 3];
        for (d, &k) in NEAR.iter().enumerate() {
            if parts & part::NEAR[d] != 0 {
                neighbour_features(dc, j, k, |key| keys.push(key));
            }
            ends[d + 1] = keys.len();
        }
        for key in keys.iter_mut() {
            *key = model.features.get(*key).map_or(u64::MAX, u64::from);
        }
        let sum = |range: Range<usize>| {
            let mut acc = [0; ROW];
            for &row in keys[range].iter().filter(|&&row| row != u64::MAX) {
                add(&mut acc, &model.weights[row as usize]);
            }
            acc
        };
        if parts & part::OWN != 0 {
            c.own = sum(0..ends[0]);
        }
        for d in 0..2 {
            if parts & part::NEAR[d] != 0 {
                c.near[d] = sum(ends[d]..ends[d + 1]);
            }
        }
    }

    /// The rows token `j` gives the tokens two away (a single feature each,
    /// see `features::neighbour_features`; `u32::MAX`: none).
    fn far_rows(model: &Model, dc: &DocContext, j: Option<usize>) -> [u32; 2] {
        FAR.map(|k| {
            let mut row = u32::MAX;
            neighbour_features(dc, j, k, |key| {
                if let Some(found) = model.features.get(key) {
                    row = found;
                }
            });
            row
        })
    }
}

/// Parts of a [`CachedToken`], computed when first needed: a token outside
/// every name needs no sums of its own, and one gives its near sums only
/// to neighbours tagging scores.
mod part {
    /// [`super::CachedToken::own`].
    pub(super) const OWN: u8 = 1;
    /// [`super::CachedToken::near`], by index.
    pub(super) const NEAR: [u8; 2] = [2, 4];
}

/// Summed feature weights of recently seen tokens by [`token_key`], in
/// sets of two entries (two-way set associative): a frequent word then
/// survives a clash with a rare one.
#[derive(Debug, Default)]
pub(crate) struct WordCache {
    /// The model the sums are from (0: none).
    model: u64,
    tags: Vec<CacheTag>,
    tokens: Vec<CachedToken>,
    /// Per set of two entries: the way to replace next.
    evict: Vec<u8>,
    /// Per entry: the [`part`]s of its sums computed so far.
    ready: Vec<u8>,
    /// Scratch: the feature keys (then rows) of a token being computed.
    keys_scratch: Vec<u64>,
    /// What a position outside the sentence gives its neighbours.
    boundary: Option<(CachedToken, [u32; 2])>,
    /// Summed weights of the shape n-gram features of recent tokens.
    shapes: ShapeCache,
    /// Second-stage weights of the features of first-stage tags.
    s1: Stage2Weights,
    /// What the decoder reads of each stage's transitions.
    decode_tables: Option<[DecodeTables; 2]>,
}

/// Entries of the per-thread shape cache (a power of two; 136 bytes each,
/// 139 KB): the common shape contexts of news fit (4096 entries were no
/// faster).
const SHAPE_CACHE: usize = 1024;

/// Summed weights of the shape n-gram features ([`shape_features`]) by
/// [`ShapeContext::key`], direct-mapped: a token's three shape features
/// then cost one probe of this small table instead of three lookups in
/// the large feature table.
#[derive(Debug, Default)]
struct ShapeCache {
    /// Key (0: empty slot) and summed weights.
    entries: Vec<(u64, [i32; ROW])>,
}

impl ShapeCache {
    fn reset(&mut self) {
        self.entries.clear();
        self.entries.resize(SHAPE_CACHE, (0, [0; ROW]));
    }

    /// The summed weights of the shape features of context `s`.
    #[inline]
    fn get(&mut self, model: &Model, s: &ShapeContext) -> &[i32; ROW] {
        let key = s.key().max(1);
        let entry = &mut self.entries[key as usize & (SHAPE_CACHE - 1)];
        if entry.0 != key {
            let mut sums = [0; ROW];
            shape_features(s, |k| model.add_row(k, &mut sums));
            *entry = (key, sums);
        }
        &entry.1
    }
}

/// Second-stage weights of every feature of first-stage tags: they take
/// few values, so tagging reads them from these tables, without lookups.
#[derive(Debug, Default)]
struct Stage2Weights {
    /// Of the tag (or [`N_TAGS`] for outside the sentence) at offset -1, 0
    /// and 1, indexed by tag.
    single: [Vec<[i32; STAGE]>; 3],
    /// Of the tags of the token before and the token:
    /// `pair[prev * N_TAGS + me]`.
    pair: Vec<[i32; STAGE]>,
    /// Of the counts of the word's tags, by [`AggFeature::index`].
    agg: Vec<[i32; STAGE]>,
}

impl Stage2Weights {
    fn new(model: &Model) -> Stage2Weights {
        let stage2 = |key: u64| {
            let mut acc = [0; ROW];
            model.add_row(key, &mut acc);
            let mut w = [0; STAGE];
            w.copy_from_slice(&acc[STAGE..]);
            w
        };
        let tags = || 0..=N_TAGS as u8;
        Stage2Weights {
            single: [-1i64, 0, 1].map(|k| tags().map(|t| stage2(s1_key(k, t))).collect()),
            pair: tags()
                .flat_map(|prev| (0..N_TAGS as u8).map(move |me| (prev, me)))
                .map(|(prev, me)| stage2(s1_pair_key(prev, me)))
                .collect(),
            agg: AggFeature::all().map(|f| stage2(f.key())).collect(),
        }
    }
}

impl WordCache {
    fn reset(&mut self, model: &Model, dc: &DocContext) {
        self.model = model.id;
        self.tags.clear();
        self.tags.resize(WORD_CACHE, CacheTag::default());
        self.tokens.clear();
        self.tokens.resize(WORD_CACHE, CachedToken::EMPTY);
        self.evict.clear();
        self.evict.resize(WORD_CACHE / 2, 0);
        self.ready.clear();
        self.ready.resize(WORD_CACHE, 0);
        let no_words: &[&str] = &[];
        let mut boundary = CachedToken::EMPTY;
        CachedToken::fill(
            model,
            dc,
            no_words,
            None,
            part::NEAR[0] | part::NEAR[1],
            &mut self.keys_scratch,
            &mut boundary,
        );
        self.boundary = Some((boundary, CachedToken::far_rows(model, dc, None)));
        self.shapes.reset();
        self.s1 = Stage2Weights::new(model);
        self.decode_tables = Some(model.trans.each_ref().map(DecodeTables::of));
    }

    /// The cached weights of token `i`, with at least the [`part`]s
    /// `need` ready, and its rows for the offsets -2 and 2; what is
    /// missing is computed.
    #[inline]
    fn get<W: WordSeq + ?Sized>(
        &mut self,
        model: &Model,
        dc: &DocContext,
        words: &W,
        i: usize,
        need: u8,
    ) -> (&CachedToken, [u32; 2]) {
        let key = token_key(dc, i).max(1);
        let set = key as usize & (WORD_CACHE / 2 - 1);
        let way = if self.tags[2 * set].key == key {
            0
        } else if self.tags[2 * set + 1].key == key {
            1
        } else {
            let way = usize::from(self.evict[set]);
            let far = CachedToken::far_rows(model, dc, Some(i));
            self.tags[2 * set + way] = CacheTag { key, far };
            self.ready[2 * set + way] = 0;
            way
        };
        self.evict[set] = 1 - way as u8;
        let entry = 2 * set + way;
        let missing = need & !self.ready[entry];
        if missing != 0 {
            CachedToken::fill(
                model,
                dc,
                words,
                Some(i),
                missing,
                &mut self.keys_scratch,
                &mut self.tokens[entry],
            );
            self.ready[entry] |= missing;
        }
        (&self.tokens[entry], self.tags[entry].far)
    }
}

/// Reusable per-thread buffers for tagging one document.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub dc: DocContext,
    /// First-stage scores of the tokens of a sentence.
    emit1: Vec<i32>,
    /// Second-stage scores of the tokens of the document.
    emit2: Vec<i32>,
    pub tags1: Vec<u8>,
    pub tags: Vec<u8>,
    sent_tags: Vec<u8>,
    viterbi: Viterbi,
    agg: Aggregates,
    word_cache: WordCache,
    /// Per token of a sentence: summed weights of its word and neighbour
    /// features.
    acc: Vec<[i32; ROW]>,
}

impl Model {
    /// Provenance of the model, as written by its training run.
    pub fn about(&self) -> &str {
        &self.about
    }

    /// Number of feature rows.
    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    #[inline]
    fn add_row(&self, key: u64, acc: &mut [i32; ROW]) {
        if let Some(row) = self.features.get(key) {
            add(acc, &self.weights[row as usize]);
        }
    }

    /// Tags a tokenized document; the BILOU tags end up in `sc.tags`.
    pub(crate) fn tag<W: WordSeq + ?Sized>(
        &self,
        words: &W,
        sentences: &[Range<usize>],
        sc: &mut Scratch,
    ) {
        let n = words.len();
        sc.dc
            .compute(&self.lexicon, self.id, words, sentences, Scope::NearScored);
        // Only the rows of scored tokens are written and read (see below).
        if sc.emit2.len() < n * N_TAGS {
            sc.emit2.resize(n * N_TAGS, 0);
        }
        sc.tags1.clear();
        sc.tags1.resize(n, 0);
        if sc.word_cache.model != self.id {
            sc.word_cache.reset(self, &sc.dc);
        }
        let decode_tables = sc.word_cache.decode_tables.expect("set by reset");
        let weights = &self.weights;
        // Adds a feature row, if there is one.
        let add_found = |acc: &mut [i32; ROW], row: u32| {
            if row != u32::MAX {
                add(acc, &weights[row as usize]);
            }
        };
        // The first stage, a sentence at a time: its buffers (indexed from
        // the sentence start) stay small and in the processor's cache.
        for sent in sentences {
            let inside = |i: i64| i >= sent.start as i64 && i < sent.end as i64;
            // Word and neighbour features, summed per word and cached: each
            // word adds its own sums to its token and its neighbour sums to
            // the tokens around it.
            // Tokens certainly outside every name are not scored: they
            // take `O`, and only give features to their neighbours.
            let outside = &sc.dc.outside[sent.clone()];
            let scored = |i: i64| inside(i) && !outside[i as usize - sent.start];
            // Only the sums of scored tokens are zeroed, added to and read.
            if sc.acc.len() < sent.len() {
                sc.acc.resize(sent.len(), [0; ROW]);
            }
            for (acc, _) in sc.acc.iter_mut().zip(outside).filter(|(_, &o)| !o) {
                *acc = [0; ROW];
            }
            for j in sent.clone() {
                if !sc.dc.near_scored[j] {
                    continue;
                }
                // Token `j` is at offset `k` of token `j - k`: the parts of
                // its sums that tagging reads.
                let neighbour_scored = NEAR.map(|k| scored(j as i64 - k));
                let mut need = if outside[j - sent.start] {
                    0
                } else {
                    part::OWN
                };
                for (&bit, &scored) in part::NEAR.iter().zip(&neighbour_scored) {
                    if scored {
                        need |= bit;
                    }
                }
                let (c, far) = sc.word_cache.get(self, &sc.dc, words, j, need);
                if need & part::OWN != 0 {
                    add_sums(&mut sc.acc[j - sent.start], &c.own);
                }
                for ((sums, &k), &scored) in c.near.iter().zip(&NEAR).zip(&neighbour_scored) {
                    if scored {
                        add_sums(&mut sc.acc[(j as i64 - k) as usize - sent.start], sums);
                    }
                }
                for (&row, &k) in far.iter().zip(&FAR) {
                    let i = j as i64 - k;
                    if scored(i) {
                        add_found(&mut sc.acc[i as usize - sent.start], row);
                    }
                }
            }
            // Tokens whose neighbours at some offsets are outside the
            // sentence (only the first and last two).
            let (b, b_far) = sc.word_cache.boundary.as_ref().expect("set by reset");
            let first_two = sent.start..sent.end.min(sent.start + 2);
            let last_two = sent.end.saturating_sub(2).max(first_two.end)..sent.end;
            for i in first_two
                .chain(last_two)
                .filter(|&i| !outside[i - sent.start])
            {
                for (sums, &k) in b.near.iter().zip(&NEAR) {
                    if !inside(i as i64 + k) {
                        add_sums(&mut sc.acc[i - sent.start], sums);
                    }
                }
                for (&row, &k) in b_far.iter().zip(&FAR) {
                    if !inside(i as i64 + k) {
                        add_found(&mut sc.acc[i - sent.start], row);
                    }
                }
            }
            // Only the rows of scored tokens are written and read.
            if sc.emit1.len() < sent.len() * N_TAGS {
                sc.emit1.resize(sent.len() * N_TAGS, 0);
            }
            for (i, (emit1, &acc)) in sent
                .clone()
                .zip(sc.emit1.chunks_exact_mut(N_TAGS).zip(&sc.acc))
            {
                if outside[i - sent.start] {
                    continue;
                }
                let mut acc = acc;
                let shapes = ShapeContext::new(&sc.dc, sent.clone(), i);
                add_sums(&mut acc, sc.word_cache.shapes.get(self, &shapes));
                // Keys first, lookups after: independent probes overlap in
                // the memory system instead of waiting on each other.
                let mut keys = [0u64; BIGRAMS];
                let mut n_keys = 0;
                bigram_features(&sc.dc, sent.clone(), i, |k| {
                    if n_keys < BIGRAMS {
                        keys[n_keys] = k;
                        n_keys += 1;
                    }
                });
                for &k in &keys[..n_keys] {
                    add_found(&mut acc, self.features.get(k).unwrap_or(u32::MAX));
                }
                let f = sc.dc.info[i].flags;
                if f & flag::ADDRESS != 0 {
                    // Web addresses and file names are never names.
                    acc.fill(FORBIDDEN);
                } else if f & (flag::INIT_CAP | flag::ALL_CAPS) != 0
                    && never_starts_name(sc.dc.info[i].key)
                {
                    for ty in 0..N_TYPES {
                        for part in [Part::Begin, Part::Unit] {
                            let t = tag(part, ty) as usize - 1;
                            acc[t] = FORBIDDEN;
                            acc[STAGE + t] = FORBIDDEN;
                        }
                    }
                }
                // Tag 0 (`O`) scores 0.
                emit1[0] = 0;
                emit1[1..].copy_from_slice(&acc[..STAGE]);
                sc.emit2[i * N_TAGS] = 0;
                sc.emit2[i * N_TAGS + 1..(i + 1) * N_TAGS].copy_from_slice(&acc[STAGE..]);
            }
            sc.viterbi.decode_runs(
                &sc.emit1,
                outside,
                &self.trans[0],
                &decode_tables[0],
                &mut sc.sent_tags,
                &mut sc.tags1[sent.clone()],
            );
        }
        sc.agg.compute(&sc.dc, &sc.tags1);
        sc.tags.clear();
        sc.tags.resize(n, 0);
        for sent in sentences {
            let outside = &sc.dc.outside[sent.clone()];
            for i in sent.clone().filter(|&i| !outside[i - sent.start]) {
                // The features of first-stage tags, from tables.
                let s1 = &sc.word_cache.s1;
                let emit2: &mut [i32; STAGE] = (&mut sc.emit2[i * N_TAGS + 1..(i + 1) * N_TAGS])
                    .try_into()
                    .expect("a token's scores");
                agg_features(&sc.agg, &sc.tags1, i, |f| {
                    add_stage(emit2, &s1.agg[f.index()])
                });
                let [prev, me, next] = neighbour_tags(&sc.tags1, sent.clone(), i);
                for w in [
                    &s1.single[1][usize::from(me)],
                    &s1.single[0][usize::from(prev)],
                    &s1.single[2][usize::from(next)],
                    &s1.pair[usize::from(prev) * N_TAGS + usize::from(me)],
                ] {
                    add_stage(emit2, w);
                }
            }
            sc.viterbi.decode_runs(
                &sc.emit2[sent.start * N_TAGS..sent.end * N_TAGS],
                outside,
                &self.trans[1],
                &decode_tables[1],
                &mut sc.sent_tags,
                &mut sc.tags[sent.clone()],
            );
        }
    }

    /// Serializes the model (uncompressed: loading it is then a parse
    /// without inflating, well under 100 ms). The same model always gives
    /// the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        put_bytes(&mut raw, self.about.as_bytes());
        put_u64s(&mut raw, self.lexicon.gazetteer.keys());
        put_u32s(&mut raw, self.lexicon.gazetteer.values());
        put_u32s(&mut raw, &[self.lexicon.max_phrase]);
        put_u64s(&mut raw, self.lexicon.clusters.keys());
        put_u32s(&mut raw, self.lexicon.clusters.values());
        put_u64s(&mut raw, self.lexicon.case_stats.keys());
        put_u32s(&mut raw, self.lexicon.case_stats.values());
        put_u64s(&mut raw, self.features.slots());
        let w: Vec<u8> = self
            .weights
            .iter()
            .flat_map(|row| row.0.iter().flat_map(|w| w.to_le_bytes()))
            .collect();
        put_bytes(&mut raw, &w);
        for tr in &self.trans {
            put_i32s(&mut raw, &tr.trans);
            put_i32s(&mut raw, &tr.start);
            put_i32s(&mut raw, &tr.end);
        }
        raw
    }

    /// Loads a model written by [`Model::to_bytes`], or the same bytes
    /// gzip-compressed.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut raw = Vec::with_capacity(bytes.len() * 4);
            flate2::read::GzDecoder::new(bytes).read_to_end(&mut raw)?;
            return Model::parse(&raw);
        }
        Model::parse(bytes)
    }

    fn parse(raw: &[u8]) -> Result<Model, ModelError> {
        let mut r = Reader { buf: raw };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let about = String::from_utf8(r.bytes()?.to_vec())
            .map_err(|_| ModelError::Corrupt("provenance is not UTF-8"))?;
        let gazetteer = Table::from_slots(r.u64s()?, r.u32s()?)
            .ok_or(ModelError::Corrupt("gazetteer table"))?;
        let max_phrase = *r
            .u32s()?
            .first()
            .ok_or(ModelError::Corrupt("phrase length"))?;
        let clusters =
            Table::from_slots(r.u64s()?, r.u32s()?).ok_or(ModelError::Corrupt("cluster table"))?;
        let case_stats =
            Table::from_slots(r.u64s()?, r.u32s()?).ok_or(ModelError::Corrupt("case table"))?;
        let features =
            PackedTable::from_slots(r.u64s()?).ok_or(ModelError::Corrupt("feature table"))?;
        let raw_weights = r.bytes()?;
        if raw_weights.len() % (2 * ROW) != 0 {
            return Err(ModelError::Corrupt("feature rows"));
        }
        let weights: Vec<Row> = raw_weights
            .chunks_exact(2 * ROW)
            .map(|c| {
                let mut row = Row([0; ROW]);
                for (w, b) in row.0.iter_mut().zip(c.chunks_exact(2)) {
                    *w = i16::from_le_bytes([b[0], b[1]]);
                }
                row
            })
            .collect();
        if features.values().any(|v| v as usize >= weights.len()) {
            return Err(ModelError::Corrupt("feature rows"));
        }
        let mut trans = [Transitions::zero(), Transitions::zero()];
        for tr in &mut trans {
            tr.trans = r.i32s()?;
            tr.start = r.i32s()?;
            tr.end = r.i32s()?;
            if tr.trans.len() != N_TAGS * N_TAGS
                || tr.start.len() != N_TAGS
                || tr.end.len() != N_TAGS
            {
                return Err(ModelError::Corrupt("transitions"));
            }
        }
        if !r.buf.is_empty() {
            return Err(ModelError::Corrupt("trailing bytes"));
        }
        Ok(Model {
            id: next_model_id(),
            lexicon: Lexicon {
                gazetteer,
                max_phrase,
                clusters,
                case_stats,
            },
            features,
            weights,
            trans,
            about,
        })
    }
}

// The adders below work on a local copy of the sums: written so, the
// compiler turns them into vector instructions; adding in place, it does
// not (it cannot rule out that the two arrays overlap after inlining).

/// Adds summed weights.
#[inline(always)]
fn add_sums(acc: &mut [i32; ROW], sums: &[i32; ROW]) {
    let mut out = *acc;
    for (a, &b) in out.iter_mut().zip(sums) {
        *a += b;
    }
    *acc = out;
}

/// Adds summed weights of one stage.
#[inline(always)]
fn add_stage(acc: &mut [i32; STAGE], sums: &[i32; STAGE]) {
    let mut out = *acc;
    for (a, &b) in out.iter_mut().zip(sums) {
        *a += b;
    }
    *acc = out;
}

/// Adds a row's weights to the scores of both stages.
#[inline(always)]
fn add(acc: &mut [i32; ROW], row: &Row) {
    let mut out = *acc;
    for (a, &b) in out.iter_mut().zip(&row.0) {
        *a += i32::from(b);
    }
    *acc = out;
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u64).to_le_bytes());
    out.extend_from_slice(b);
}

fn put_u64s(out: &mut Vec<u8>, v: &[u64]) {
    out.extend_from_slice(&(v.len() as u64 * 8).to_le_bytes());
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

fn put_u32s(out: &mut Vec<u8>, v: &[u32]) {
    out.extend_from_slice(&(v.len() as u64 * 4).to_le_bytes());
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

fn put_i32s(out: &mut Vec<u8>, v: &[i32]) {
    out.extend_from_slice(&(v.len() as u64 * 4).to_le_bytes());
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if self.buf.len() < n {
            return Err(ModelError::Corrupt("truncated"));
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }

    fn bytes(&mut self) -> Result<&'a [u8], ModelError> {
        let len = u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes"));
        let len = usize::try_from(len).map_err(|_| ModelError::Corrupt("length"))?;
        self.take(len)
    }

    fn u64s(&mut self) -> Result<Vec<u64>, ModelError> {
        Ok(self
            .bytes()?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect())
    }

    fn u32s(&mut self) -> Result<Vec<u32>, ModelError> {
        Ok(self
            .bytes()?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect())
    }

    fn i32s(&mut self) -> Result<Vec<i32>, ModelError> {
        Ok(self
            .bytes()?
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect())
    }
}
