//! Averaged structured perceptron over BILOU tag sequences (Collins 2002),
//! with the averaging trick of Daumé (2006): exact integer updates, so a
//! seed fixes the result bit for bit.

use std::ops::Range;

use crate::decode::{Transitions, Viterbi, N_TAGS};

/// Feature indices per token, compressed-row style.
#[derive(Debug, Default, Clone)]
pub struct Csr {
    start: Vec<u32>,
    idx: Vec<u32>,
}

impl Csr {
    pub fn new() -> Self {
        Csr {
            start: vec![0],
            idx: Vec::new(),
        }
    }

    /// Appends the next token's features.
    pub fn push(&mut self, feats: impl IntoIterator<Item = u32>) {
        self.idx.extend(feats);
        self.start.push(self.idx.len() as u32);
    }

    #[inline]
    pub fn row(&self, i: usize) -> &[u32] {
        &self.idx[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// One training document with its features.
#[derive(Debug, Clone)]
pub struct Instance {
    pub sentences: Vec<Range<usize>>,
    pub gold: Vec<u8>,
    /// Feature rows; a token's features are the union over all of them.
    pub feats: Vec<Csr>,
}

/// Perceptron state.
#[derive(Debug, Clone)]
pub struct Perceptron {
    w: Vec<i32>,
    u: Vec<i64>,
    tw: Vec<i32>,
    tu: Vec<i64>,
    c: i64,
}

const T_LEN: usize = N_TAGS * N_TAGS + 2 * N_TAGS;

/// Averaged weights.
#[derive(Debug, Clone)]
pub struct Averaged {
    pub w: Vec<f64>,
    /// `trans` (N_TAGS²), then start, then end.
    pub t: Vec<f64>,
}

impl Averaged {
    /// Integer view with `scale` (for decoding in training).
    pub(crate) fn transitions(&self, scale: f64) -> Transitions {
        let q = |x: f64| (x * scale).round() as i32;
        Transitions {
            trans: self.t[..N_TAGS * N_TAGS].iter().map(|&x| q(x)).collect(),
            start: self.t[N_TAGS * N_TAGS..N_TAGS * N_TAGS + N_TAGS]
                .iter()
                .map(|&x| q(x))
                .collect(),
            end: self.t[N_TAGS * N_TAGS + N_TAGS..]
                .iter()
                .map(|&x| q(x))
                .collect(),
        }
    }
}

fn rng_next(state: &mut u64) -> u64 {
    *state = crate::text::mix(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
    *state
}

impl Perceptron {
    pub fn new(n_feats: usize) -> Self {
        Perceptron {
            w: vec![0; n_feats * N_TAGS],
            u: vec![0; n_feats * N_TAGS],
            tw: vec![0; T_LEN],
            tu: vec![0; T_LEN],
            c: 1,
        }
    }

    fn transitions(&self) -> Transitions {
        Transitions {
            trans: self.tw[..N_TAGS * N_TAGS].to_vec(),
            start: self.tw[N_TAGS * N_TAGS..N_TAGS * N_TAGS + N_TAGS].to_vec(),
            end: self.tw[N_TAGS * N_TAGS + N_TAGS..].to_vec(),
        }
    }

    #[inline]
    fn bump(&mut self, f: u32, tag: u8, d: i32) {
        let at = f as usize * N_TAGS + tag as usize;
        self.w[at] += d;
        self.u[at] += self.c * i64::from(d);
    }

    #[inline]
    fn bump_t(&mut self, at: usize, d: i32) {
        self.tw[at] += d;
        self.tu[at] += self.c * i64::from(d);
    }

    /// Trains for `epochs` passes over `docs` (indices into `all`),
    /// shuffled with `seed`.
    pub fn train(&mut self, all: &[Instance], docs: &[usize], epochs: usize, seed: u64) {
        let mut order = docs.to_vec();
        let mut rng = seed;
        let mut vit = Viterbi::default();
        let mut emit = Vec::new();
        let mut pred = Vec::new();
        for _ in 0..epochs {
            for i in (1..order.len()).rev() {
                let j = (rng_next(&mut rng) % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            for &d in &order {
                let inst = &all[d];
                for sent in &inst.sentences {
                    if sent.is_empty() {
                        continue;
                    }
                    let tr = self.transitions();
                    emissions(&self.w, inst, sent.clone(), &mut emit);
                    vit.decode(&emit, sent.len(), &tr, &mut pred);
                    let gold = &inst.gold[sent.clone()];
                    if pred.as_slice() != gold {
                        self.update(inst, sent.clone(), gold, &pred.clone());
                    }
                    self.c += 1;
                }
            }
        }
    }

    fn update(&mut self, inst: &Instance, sent: Range<usize>, gold: &[u8], pred: &[u8]) {
        for (k, i) in sent.clone().enumerate() {
            if gold[k] != pred[k] {
                for csr in &inst.feats {
                    for &f in csr.row(i) {
                        self.bump(f, gold[k], 1);
                        self.bump(f, pred[k], -1);
                    }
                }
            }
            if k > 0 && (gold[k - 1], gold[k]) != (pred[k - 1], pred[k]) {
                self.bump_t(gold[k - 1] as usize * N_TAGS + gold[k] as usize, 1);
                self.bump_t(pred[k - 1] as usize * N_TAGS + pred[k] as usize, -1);
            }
        }
        let n = gold.len();
        if gold[0] != pred[0] {
            self.bump_t(N_TAGS * N_TAGS + gold[0] as usize, 1);
            self.bump_t(N_TAGS * N_TAGS + pred[0] as usize, -1);
        }
        if gold[n - 1] != pred[n - 1] {
            self.bump_t(N_TAGS * N_TAGS + N_TAGS + gold[n - 1] as usize, 1);
            self.bump_t(N_TAGS * N_TAGS + N_TAGS + pred[n - 1] as usize, -1);
        }
    }

    /// The averaged weights.
    pub fn averaged(&self) -> Averaged {
        let c = self.c as f64;
        Averaged {
            w: self
                .w
                .iter()
                .zip(&self.u)
                .map(|(&w, &u)| f64::from(w) - u as f64 / c)
                .collect(),
            t: self
                .tw
                .iter()
                .zip(&self.tu)
                .map(|(&w, &u)| f64::from(w) - u as f64 / c)
                .collect(),
        }
    }
}

/// Emission scores of a sentence under integer weights.
fn emissions(w: &[i32], inst: &Instance, sent: Range<usize>, out: &mut Vec<i32>) {
    out.clear();
    out.resize(sent.len() * N_TAGS, 0);
    for (k, i) in sent.enumerate() {
        let e = &mut out[k * N_TAGS..(k + 1) * N_TAGS];
        for csr in &inst.feats {
            for &f in csr.row(i) {
                let row = &w[f as usize * N_TAGS..(f as usize + 1) * N_TAGS];
                for (a, &b) in e.iter_mut().zip(row) {
                    *a += b;
                }
            }
        }
    }
}

/// Decodes a document with averaged weights (scaled to integers).
pub fn predict(avg: &Averaged, inst: &Instance, out: &mut Vec<u8>) {
    const SCALE: f64 = 1000.0;
    let tr = avg.transitions(SCALE);
    let mut vit = Viterbi::default();
    let mut emit = Vec::new();
    let mut sent_tags = Vec::new();
    out.clear();
    out.resize(inst.gold.len(), 0);
    for sent in &inst.sentences {
        emit.clear();
        emit.resize(sent.len() * N_TAGS, 0);
        for (k, i) in sent.clone().enumerate() {
            let e = &mut emit[k * N_TAGS..(k + 1) * N_TAGS];
            let mut acc = [0f64; N_TAGS];
            for csr in &inst.feats {
                for &f in csr.row(i) {
                    let row = &avg.w[f as usize * N_TAGS..(f as usize + 1) * N_TAGS];
                    for (a, &b) in acc.iter_mut().zip(row) {
                        *a += b;
                    }
                }
            }
            for (x, a) in e.iter_mut().zip(acc) {
                *x = (a * SCALE).round() as i32;
            }
        }
        vit.decode(&emit, sent.len(), &tr, &mut sent_tags);
        out[sent.clone()].copy_from_slice(&sent_tags);
    }
}
