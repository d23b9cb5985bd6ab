//! The trained model: feature weights of two linear stages, transition
//! scores, gazetteers and word clusters; its file format and the tagging of a
//! tokenized document.

use std::io::Read;
use std::ops::Range;

use crate::decode::{tag, Part, Transitions, Viterbi, N_TAGS, N_TYPES};
use crate::features::{
    context_features, doc_features, word_features, word_key, Aggregates, DocContext, WordSeq,
};
use crate::lexicon::never_starts_name;
use crate::lexicon::Lexicon;
use crate::table::{PackedTable, Table};
use crate::text::flag;

/// Most first-stage features of one token (the templates emit about 60).
const MAX_KEYS: usize = 128;

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

/// Entries of the per-thread word cache (a power of two): frequent words
/// (`the`, `,`, `said`, a document's names) are looked up once, not at
/// every occurrence.
const WORD_CACHE: usize = 4096;

/// Summed word-feature weights of recently seen words, direct-mapped by
/// word key.
#[derive(Debug, Default)]
pub(crate) struct WordCache {
    /// The model the sums are from (0: none).
    model: u64,
    keys: Vec<u64>,
    sums: Vec<[i32; ROW]>,
}

impl WordCache {
    fn reset(&mut self, model: u64) {
        self.model = model;
        self.keys.clear();
        self.keys.resize(WORD_CACHE, 0);
        self.sums.clear();
        self.sums.resize(WORD_CACHE, [0; ROW]);
    }
}

/// Reusable per-thread buffers for tagging one document.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub dc: DocContext,
    emit1: Vec<i32>,
    emit2: Vec<i32>,
    pub tags1: Vec<u8>,
    pub tags: Vec<u8>,
    sent_tags: Vec<u8>,
    viterbi: Viterbi,
    agg: Aggregates,
    word_cache: WordCache,
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
        sc.dc.compute(&self.lexicon, words, sentences);
        sc.emit1.clear();
        sc.emit1.resize(n * N_TAGS, 0);
        sc.emit2.clear();
        sc.emit2.resize(n * N_TAGS, 0);
        if sc.word_cache.model != self.id {
            sc.word_cache.reset(self.id);
        }
        for sent in sentences {
            for i in sent.clone() {
                // The word's own features, summed once per word and cached.
                let info = &sc.dc.info[i];
                let wk = word_key(info).max(1);
                let slot = wk as usize & (WORD_CACHE - 1);
                let mut acc = if sc.word_cache.keys[slot] == wk {
                    sc.word_cache.sums[slot]
                } else {
                    let mut acc = [0i32; ROW];
                    word_features(info, words.word(i), |k| self.add_row(k, &mut acc));
                    sc.word_cache.keys[slot] = wk;
                    sc.word_cache.sums[slot] = acc;
                    acc
                };
                // Keys first, lookups after: independent probes overlap in
                // the memory system instead of waiting on each other.
                let mut keys = [0u64; MAX_KEYS];
                let mut n_keys = 0;
                context_features(&sc.dc, sent.clone(), i, |k| {
                    if n_keys < MAX_KEYS {
                        keys[n_keys] = k;
                        n_keys += 1;
                    }
                });
                let mut rows = [u32::MAX; MAX_KEYS];
                for (r, &k) in rows.iter_mut().zip(&keys[..n_keys]) {
                    *r = self.features.get(k).unwrap_or(u32::MAX);
                }
                for &row in &rows[..n_keys] {
                    if row != u32::MAX {
                        add(&mut acc, &self.weights[row as usize]);
                    }
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
                // Tag 0 (`O`) keeps its score of 0.
                sc.emit1[i * N_TAGS + 1..(i + 1) * N_TAGS].copy_from_slice(&acc[..STAGE]);
                sc.emit2[i * N_TAGS + 1..(i + 1) * N_TAGS].copy_from_slice(&acc[STAGE..]);
            }
        }
        sc.tags1.clear();
        sc.tags1.resize(n, 0);
        for sent in sentences {
            let emit = &sc.emit1[sent.start * N_TAGS..sent.end * N_TAGS];
            sc.viterbi
                .decode(emit, sent.len(), &self.trans[0], &mut sc.sent_tags);
            sc.tags1[sent.clone()].copy_from_slice(&sc.sent_tags);
        }
        sc.agg.compute(&sc.dc, &sc.tags1);
        sc.tags.clear();
        sc.tags.resize(n, 0);
        for sent in sentences {
            for i in sent.clone() {
                let mut acc = [0i32; ROW];
                doc_features(&sc.agg, &sc.tags1, sent.clone(), i, |k| {
                    self.add_row(k, &mut acc)
                });
                for (e, a) in sc.emit2[i * N_TAGS + 1..(i + 1) * N_TAGS]
                    .iter_mut()
                    .zip(&acc[STAGE..])
                {
                    *e += a;
                }
            }
            let emit = &sc.emit2[sent.start * N_TAGS..sent.end * N_TAGS];
            sc.viterbi
                .decode(emit, sent.len(), &self.trans[1], &mut sc.sent_tags);
            sc.tags[sent.clone()].copy_from_slice(&sc.sent_tags);
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

/// Adds a row's weights to the scores of both stages.
#[inline(always)]
fn add(acc: &mut [i32; ROW], row: &Row) {
    for (a, &b) in acc.iter_mut().zip(&row.0) {
        *a += i32::from(b);
    }
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
