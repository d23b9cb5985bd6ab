//! Hierarchical word clusters learned from unlabeled news.
//!
//! Each frequent word gets a context vector (positive PMI with the frequent
//! words one and two positions to its left and right), compressed by a
//! seeded random projection; recursive spherical k-means (4 branches per
//! level) then builds a tree whose paths play the role of Brown-cluster bit
//! strings: prefixes of several lengths are features of different
//! granularity. Single-threaded and seeded, so the result is reproducible.

use std::collections::HashMap;

use crate::table::Table;
use crate::text::{hash_exact, mix};

/// Settings of the cluster learner.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Words seen fewer times get no cluster.
    pub min_count: u32,
    /// Most frequent words clustered.
    pub max_words: usize,
    /// Context vocabulary size (lower-cased).
    pub n_contexts: usize,
    /// Projected dimension.
    pub dim: usize,
    /// Levels of the tree (2 bits each).
    pub depth: u32,
    /// Seed of the projection and k-means initialisation.
    pub seed: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            min_count: 3,
            max_words: 80_000,
            n_contexts: 2_000,
            dim: 192,
            depth: 10,
            seed: 1,
        }
    }
}

/// Learns clusters from tokenized sentences; returns word hash -> path
/// (`bits | len << 24`).
pub(crate) fn learn(sentences: &[Vec<String>], cfg: &ClusterConfig) -> Table {
    // Word and context counts.
    let mut word_count: HashMap<&str, u32> = HashMap::new();
    let mut ctx_count: HashMap<String, u32> = HashMap::new();
    for s in sentences {
        for w in s {
            *word_count.entry(w.as_str()).or_default() += 1;
            *ctx_count.entry(w.to_lowercase()).or_default() += 1;
        }
    }
    let mut words: Vec<(&str, u32)> = word_count
        .into_iter()
        .filter(|&(_, c)| c >= cfg.min_count)
        .collect();
    words.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    words.truncate(cfg.max_words);
    let word_id: HashMap<&str, u32> = words
        .iter()
        .enumerate()
        .map(|(i, &(w, _))| (w, i as u32))
        .collect();
    let mut ctxs: Vec<(String, u32)> = ctx_count.into_iter().collect();
    ctxs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ctxs.truncate(cfg.n_contexts);
    let ctx_id: HashMap<&str, u32> = ctxs
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (w.as_str(), i as u32))
        .collect();
    let n_ctx_dims = cfg.n_contexts * 4;

    // Co-occurrence pairs (word, position * n_contexts + context), counted
    // by sorting.
    let mut pairs: Vec<u64> = Vec::new();
    let mut lower_ids: Vec<u32> = Vec::new();
    for s in sentences {
        lower_ids.clear();
        lower_ids.extend(s.iter().map(|w| {
            ctx_id
                .get(w.to_lowercase().as_str())
                .copied()
                .unwrap_or(u32::MAX)
        }));
        for (i, w) in s.iter().enumerate() {
            let Some(&wid) = word_id.get(w.as_str()) else {
                continue;
            };
            for (pos, d) in [-2i64, -1, 1, 2].into_iter().enumerate() {
                let j = i as i64 + d;
                let c = if j < 0 || j >= s.len() as i64 {
                    // Sentence boundary: context 0 stands for it (the most
                    // frequent word is punctuation, which is boundary-like).
                    0
                } else {
                    lower_ids[j as usize]
                };
                if c == u32::MAX {
                    continue;
                }
                let dim = pos as u64 * cfg.n_contexts as u64 + u64::from(c);
                pairs.push((u64::from(wid) << 32) | dim);
            }
        }
    }
    pairs.sort_unstable();

    // Per-word sparse counts.
    let n_words = words.len();
    let mut rows: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n_words];
    let mut ctx_total = vec![0f64; n_ctx_dims];
    let mut i = 0;
    while i < pairs.len() {
        let p = pairs[i];
        let mut j = i;
        while j < pairs.len() && pairs[j] == p {
            j += 1;
        }
        let (w, dim) = ((p >> 32) as usize, (p & 0xffff_ffff) as u32);
        rows[w].push((dim, (j - i) as f32));
        ctx_total[dim as usize] += (j - i) as f64;
        i = j;
    }
    drop(pairs);
    // Smoothed context distribution (alpha 0.75).
    let ctx_pow: Vec<f64> = ctx_total.iter().map(|&c| c.powf(0.75)).collect();
    let ctx_pow_sum: f64 = ctx_pow.iter().sum();

    // PPMI rows, randomly projected.
    let dim = cfg.dim;
    let proj_sign = |c: u32, k: usize| -> f32 {
        if mix(cfg.seed ^ (u64::from(c) << 16) ^ k as u64) & 1 == 0 {
            1.0
        } else {
            -1.0
        }
    };
    // Precompute the projection matrix: contexts x dim signs.
    let signs: Vec<f32> = (0..n_ctx_dims as u32)
        .flat_map(|c| (0..dim).map(move |k| (c, k)))
        .map(|(c, k)| proj_sign(c, k))
        .collect();
    let mut vecs = vec![0f32; n_words * dim];
    for (w, row) in rows.iter().enumerate() {
        let total: f64 = row.iter().map(|&(_, n)| f64::from(n)).sum();
        if total == 0.0 {
            continue;
        }
        let v = &mut vecs[w * dim..(w + 1) * dim];
        for &(c, n) in row {
            let pmi = (f64::from(n) * ctx_pow_sum / (total * ctx_pow[c as usize])).ln();
            if pmi <= 0.0 {
                continue;
            }
            let s = &signs[c as usize * dim..(c as usize + 1) * dim];
            for (x, &sg) in v.iter_mut().zip(s) {
                *x += pmi as f32 * sg;
            }
        }
        normalize(v);
    }

    // Recursive 4-way spherical k-means.
    let mut paths = vec![(0u32, 0u32); n_words];
    let ids: Vec<u32> = (0..n_words as u32).collect();
    let mut stack = vec![(ids, 0u32, 0u32)];
    let mut rng = cfg.seed;
    while let Some((members, bits, len)) = stack.pop() {
        for &m in &members {
            paths[m as usize] = (bits, len);
        }
        if len / 2 >= cfg.depth || members.len() < 8 {
            continue;
        }
        let parts = kmeans4(&vecs, dim, &members, &mut rng);
        for (b, part) in parts.into_iter().enumerate() {
            if !part.is_empty() {
                stack.push((part, (bits << 2) | b as u32, len + 2));
            }
        }
    }

    let mut table = Table::with_capacity(n_words);
    for (w, &(bits, len)) in paths.iter().enumerate() {
        if len > 0 {
            table.insert(hash_exact(words[w].0), bits | (len << 24));
        }
    }
    table
}

fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v {
            *x /= norm;
        }
    }
}

/// Splits `members` into 4 groups by spherical k-means (k-means++-style
/// seeding from the seeded generator; members are in a fixed order).
fn kmeans4(vecs: &[f32], dim: usize, members: &[u32], rng: &mut u64) -> [Vec<u32>; 4] {
    const K: usize = 4;
    let v = |m: u32| &vecs[m as usize * dim..(m as usize + 1) * dim];
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    let mut next = || {
        *rng = mix(rng.wrapping_add(0x9e37_79b9_7f4a_7c15));
        *rng
    };
    let mut centers = vec![0f32; K * dim];
    // Seeding: the first center at random, the others the farthest (least
    // similar) from the chosen ones among a random sample.
    let first = members[(next() % members.len() as u64) as usize];
    centers[..dim].copy_from_slice(v(first));
    for k in 1..K {
        let mut best = (f32::INFINITY, members[0]);
        for _ in 0..64.min(members.len() * 2) {
            let m = members[(next() % members.len() as u64) as usize];
            let sim = (0..k)
                .map(|c| dot(v(m), &centers[c * dim..(c + 1) * dim]))
                .fold(f32::NEG_INFINITY, f32::max);
            if sim < best.0 {
                best = (sim, m);
            }
        }
        centers[k * dim..(k + 1) * dim].copy_from_slice(v(best.1));
    }
    let mut assign = vec![0u8; members.len()];
    for _iter in 0..12 {
        let mut changed = false;
        for (a, &m) in assign.iter_mut().zip(members) {
            let x = v(m);
            let mut best = (f32::NEG_INFINITY, 0u8);
            for c in 0..K {
                let s = dot(x, &centers[c * dim..(c + 1) * dim]);
                if s > best.0 {
                    best = (s, c as u8);
                }
            }
            if *a != best.1 {
                *a = best.1;
                changed = true;
            }
        }
        centers.fill(0.0);
        for (a, &m) in assign.iter().zip(members) {
            let c = &mut centers[*a as usize * dim..(*a as usize + 1) * dim];
            for (y, x) in c.iter_mut().zip(v(m)) {
                *y += x;
            }
        }
        for c in 0..K {
            normalize(&mut centers[c * dim..(c + 1) * dim]);
        }
        if !changed && _iter > 0 {
            break;
        }
    }
    let mut out: [Vec<u32>; 4] = Default::default();
    for (a, &m) in assign.iter().zip(members) {
        out[*a as usize].push(m);
    }
    // A degenerate split (everything in one group) ends the recursion.
    if out.iter().filter(|p| !p.is_empty()).count() < 2 {
        return [members.to_vec(), Vec::new(), Vec::new(), Vec::new()];
    }
    out
}
