//! BILOU tags over the four learned types and Viterbi decoding with the
//! tag-sequence constraints built in.

use document::Label;

/// Number of learned entity types (PER, ORG, LOC, MISC).
pub(crate) const N_TYPES: usize = 4;
/// Number of tags: `O` plus B, I, L, U for each type.
pub(crate) const N_TAGS: usize = 1 + 4 * N_TYPES;

/// The tag `O`.
pub(crate) const O: u8 = 0;

/// Position of a tag inside its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Outside,
    Begin,
    Inside,
    Last,
    Unit,
}

/// The learned types, in tag order.
pub(crate) const TYPES: [Label; N_TYPES] = [Label::Person, Label::Org, Label::Loc, Label::Misc];

#[cfg_attr(not(feature = "train"), allow(dead_code))]
/// Type index of a label, if it is a learned one.
pub(crate) fn type_index(label: Label) -> Option<usize> {
    TYPES.iter().position(|&l| l == label)
}

/// The tag for `part` of type `ty`.
#[inline]
pub(crate) fn tag(part: Part, ty: usize) -> u8 {
    let base = 1 + 4 * ty as u8;
    match part {
        Part::Outside => O,
        Part::Begin => base,
        Part::Inside => base + 1,
        Part::Last => base + 2,
        Part::Unit => base + 3,
    }
}

/// The part and type index of a tag.
#[inline]
pub(crate) fn split(tag: u8) -> (Part, usize) {
    if tag == O {
        return (Part::Outside, 0);
    }
    let t = tag - 1;
    let part = match t % 4 {
        0 => Part::Begin,
        1 => Part::Inside,
        2 => Part::Last,
        _ => Part::Unit,
    };
    (part, (t / 4) as usize)
}

/// Whether `next` may follow `prev` (`None` = sentence start).
pub(crate) fn allowed(prev: Option<u8>, next: u8) -> bool {
    let (np, nt) = split(next);
    let open = match prev {
        None => None,
        Some(p) => match split(p) {
            (Part::Begin | Part::Inside, t) => Some(t),
            _ => None,
        },
    };
    match open {
        Some(t) => matches!(np, Part::Inside | Part::Last) && nt == t,
        None => matches!(np, Part::Outside | Part::Begin | Part::Unit),
    }
}

/// Whether a sentence may end after `tag`.
pub(crate) fn may_end(tag: u8) -> bool {
    matches!(split(tag).0, Part::Outside | Part::Last | Part::Unit)
}

#[cfg_attr(not(feature = "train"), allow(dead_code))]
/// Tags of entity spans (token indices, end exclusive) over `n` tokens.
pub(crate) fn encode(n: usize, spans: &[(usize, usize, usize)], out: &mut Vec<u8>) {
    out.clear();
    out.resize(n, O);
    for &(a, b, ty) in spans {
        if b == a + 1 {
            out[a] = tag(Part::Unit, ty);
        } else if b > a + 1 {
            out[a] = tag(Part::Begin, ty);
            for t in &mut out[a + 1..b - 1] {
                *t = tag(Part::Inside, ty);
            }
            out[b - 1] = tag(Part::Last, ty);
        }
    }
}

/// Entity spans `(start, end, type)` of a well-formed tag sequence; a
/// malformed one is repaired leniently (an unfinished entity ends where the
/// next one starts).
pub(crate) fn spans(tags: &[u8], mut f: impl FnMut(usize, usize, usize)) {
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let (part, ty) = split(t);
        match part {
            Part::Outside => {
                if let Some((s, oty)) = open.take() {
                    f(s, i, oty);
                }
            }
            Part::Begin | Part::Unit => {
                if let Some((s, oty)) = open.take() {
                    f(s, i, oty);
                }
                if part == Part::Unit {
                    f(i, i + 1, ty);
                } else {
                    open = Some((i, ty));
                }
            }
            Part::Inside | Part::Last => {
                match open {
                    Some((_, oty)) if oty == ty => {}
                    Some((s, oty)) => {
                        f(s, i, oty);
                        open = Some((i, ty));
                    }
                    None => open = Some((i, ty)),
                }
                if part == Part::Last {
                    if let Some((s, oty)) = open.take() {
                        f(s, i + 1, oty);
                    }
                }
            }
        }
    }
    if let Some((s, oty)) = open {
        f(s, tags.len(), oty);
    }
}

/// Transition scores of a model: `trans[prev * N_TAGS + next]`, plus start
/// and end scores. Forbidden transitions are never taken whatever the score.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Transitions {
    pub trans: Vec<i32>,
    pub start: Vec<i32>,
    pub end: Vec<i32>,
}

impl Transitions {
    /// The scores of each tag after an `O`.
    pub(crate) fn after_o(&self) -> [i32; N_TAGS] {
        std::array::from_fn(|t| self.trans[t])
    }

    /// The scores of each tag before an `O`.
    pub(crate) fn before_o(&self) -> [i32; N_TAGS] {
        std::array::from_fn(|t| self.trans[t * N_TAGS])
    }

    pub(crate) fn zero() -> Self {
        Transitions {
            trans: vec![0; N_TAGS * N_TAGS],
            start: vec![0; N_TAGS],
            end: vec![0; N_TAGS],
        }
    }
}

/// Reusable Viterbi buffers.
#[derive(Debug, Default)]
pub(crate) struct Viterbi {
    back: Vec<u8>,
}

/// Score of an impossible state: far below any real score, yet safe to add
/// transition and emission scores to.
const NEG: i64 = -(1 << 50);

/// Allowed transitions, allowed first tags, allowed last tags.
type Allowed = ([[bool; N_TAGS]; N_TAGS], [bool; N_TAGS], [bool; N_TAGS]);

/// Tables of allowed transitions, computed once.
fn allowed_tables() -> &'static Allowed {
    use std::sync::OnceLock;
    static TABLES: OnceLock<Allowed> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut trans = [[false; N_TAGS]; N_TAGS];
        let mut start = [false; N_TAGS];
        let mut end = [false; N_TAGS];
        for next in 0..N_TAGS as u8 {
            start[next as usize] = allowed(None, next);
            end[next as usize] = may_end(next);
            for prev in 0..N_TAGS as u8 {
                trans[prev as usize][next as usize] = allowed(Some(prev), next);
            }
        }
        (trans, start, end)
    })
}

/// Tags after which an entity is closed: O, L-x, U-x.
const CLOSED: [usize; 9] = [0, 3, 4, 7, 8, 11, 12, 15, 16];
/// Tags that may follow a closed one: O, B-x, U-x.
const OPENERS: [usize; 9] = [0, 1, 4, 5, 8, 9, 12, 13, 16];

/// What the Viterbi passes need of a set of transitions, made once per set,
/// not per run (a run is often one to three tokens): the scores of a run's
/// first and last tag, and those of the transitions into the tags that
/// follow a closed one (81 transitions).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecodeTables {
    /// The score of each opener after `O`.
    from_o: [i64; OPENERS.len()],
    /// The most any transition into an opener beats the one from `O`.
    reach: i64,
    /// The score of each first tag of a run at the start of a sentence
    /// (index 0) or after an `O` (index 1); [`NEG`] where none may start.
    start: [[i64; N_TAGS]; 2],
    /// The score of each last tag of a run at the end of a sentence (index
    /// 0) or before an `O` (index 1).
    end: [[i64; N_TAGS]; 2],
    /// The start and end scores of the tag of a run of one token (the
    /// most common run), by `2 * after_o + before_o`; [`NEG`] for a tag
    /// that may not both start and end.
    single: [[i64; N_TAGS]; 4],
}

impl DecodeTables {
    pub(crate) fn of(tr: &Transitions) -> DecodeTables {
        let (_, ok_start, ok_end) = allowed_tables();
        let start = [&tr.start[..], &tr.after_o()[..]].map(|scores| {
            std::array::from_fn(|t| {
                if ok_start[t] {
                    i64::from(scores[t])
                } else {
                    NEG
                }
            })
        });
        let end: [[i64; N_TAGS]; 2] = [&tr.end[..], &tr.before_o()[..]]
            .map(|scores| std::array::from_fn(|t| i64::from(scores[t])));
        let single = std::array::from_fn(|k| {
            let (start, end) = (&start[k / 2], &end[k % 2]);
            std::array::from_fn(|t| {
                if start[t] > NEG && ok_end[t] {
                    start[t] + end[t]
                } else {
                    NEG
                }
            })
        });
        let from_o: [i64; OPENERS.len()] = OPENERS.map(|next| i64::from(tr.trans[next]));
        let reach = OPENERS
            .iter()
            .zip(&from_o)
            .map(|(&next, &o)| {
                CLOSED
                    .iter()
                    .map(|&p| i64::from(tr.trans[p * N_TAGS + next]))
                    .max()
                    .unwrap_or(0)
                    - o
            })
            .max()
            .unwrap_or(0);
        DecodeTables {
            from_o,
            reach,
            start,
            end,
            single,
        }
    }
}

impl Viterbi {
    /// The best tag sequence for emission scores `emit[i * N_TAGS + tag]`
    /// of `n` tokens, written to `out`.
    #[cfg_attr(not(feature = "train"), allow(dead_code))]
    pub(crate) fn decode(&mut self, emit: &[i32], n: usize, tr: &Transitions, out: &mut Vec<u8>) {
        self.decode_run(emit, n, tr, &DecodeTables::of(tr), (false, false), out);
    }

    /// [`Viterbi::decode`] of a run of tokens inside a sentence: a run
    /// between two tokens that can only be `O` is decoded on its own, its
    /// first tag scored as after an `O` ([`Transitions::after_o`]) unless
    /// `after_o` is false (the run starts the sentence), its last as
    /// before one ([`Transitions::before_o`]) unless `before_o` is false;
    /// the best path of the whole sentence is made of the best paths of its
    /// runs.
    pub(crate) fn decode_run(
        &mut self,
        emit: &[i32],
        n: usize,
        tr: &Transitions,
        tables: &DecodeTables,
        (after_o, before_o): (bool, bool),
        out: &mut Vec<u8>,
    ) {
        out.clear();
        if n == 0 {
            return;
        }
        if n == 1 {
            // The most common run: one token between two that are `O`.
            // `O` may start and end, so a tag that may not (NEG plus its
            // emission) never wins.
            let single = &tables.single[2 * usize::from(after_o) + usize::from(before_o)];
            let mut best = (NEG, O);
            for (t, (&s, &e)) in single.iter().zip(&emit[..N_TAGS]).enumerate() {
                let s = s + i64::from(e);
                if s > best.0 {
                    best = (s, t as u8);
                }
            }
            out.push(best.1);
            return;
        }
        let (_, _, ok_end) = allowed_tables();
        let start = &tables.start[usize::from(after_o)];
        let end = &tables.end[usize::from(before_o)];
        let trans: &[i32; N_TAGS * N_TAGS] = tr.trans[..].try_into().expect("17 x 17 scores");
        let emit = &emit[..n * N_TAGS];
        // Only the scores of the previous token are kept; the best path is
        // read from the back pointers.
        // A tag that may not start is NEG plus its emission: far below
        // any real score still.
        let mut prev: [i64; N_TAGS] = std::array::from_fn(|t| start[t] + i64::from(emit[t]));
        self.back.clear();
        self.back.resize(n * N_TAGS, 0);
        // O, B-x and U-x follow a closed tag (O, L-y, U-y). Coming from
        // `O` is the usual best; another closed tag can only do better or
        // as well when its score is within `reach` of that of `O`: the
        // most any transition into an opener beats the one from `O`.
        // Tags further below are not tried (usually all of them); the
        // result is that of the full maximum.
        let (from_o, reach) = (tables.from_o, tables.reach);
        for (em, back) in emit
            .chunks_exact(N_TAGS)
            .zip(self.back.chunks_exact_mut(N_TAGS))
            .skip(1)
        {
            let em: &[i32; N_TAGS] = em.try_into().expect("a token's scores");
            let back: &mut [u8; N_TAGS] = back.try_into().expect("a token's tags");
            let mut cur = [0i64; N_TAGS];
            // The back pointers are written in place (building them in a
            // local array and copying it cost more instructions than the
            // rest of the step).
            *back = [O; N_TAGS];
            for (&next, &o) in OPENERS.iter().zip(&from_o) {
                cur[next] = prev[0] + o;
            }
            let floor = prev[0] - reach;
            let mut others = 0u32;
            for (k, &p) in CLOSED.iter().enumerate().skip(1) {
                others |= u32::from(prev[p] >= floor) << k;
            }
            while others != 0 {
                // In increasing order, so that ties go to the lowest tag.
                let p = CLOSED[others.trailing_zeros() as usize];
                others &= others - 1;
                for next in OPENERS {
                    let s = prev[p] + i64::from(trans[p * N_TAGS + next]);
                    if s > cur[next] {
                        cur[next] = s;
                        back[next] = p as u8;
                    }
                }
            }
            // I-x and L-x follow B-x or I-x.
            for ty in 0..N_TYPES {
                let (b, inside) = (1 + 4 * ty, 2 + 4 * ty);
                for next in [inside, inside + 1] {
                    let sb = prev[b] + i64::from(trans[b * N_TAGS + next]);
                    let si = prev[inside] + i64::from(trans[inside * N_TAGS + next]);
                    let (best, from) = if si > sb { (si, inside) } else { (sb, b) };
                    cur[next] = best;
                    back[next] = from as u8;
                }
            }
            // Scores are kept relative to that of `O`: only differences
            // matter, and they stay far from overflowing (no state that
            // could end the best path is ever more than a few times
            // `2^31` away from `O`).
            let base = cur[0] + i64::from(em[0]);
            for t in 0..N_TAGS {
                prev[t] = cur[t] + i64::from(em[t]) - base;
            }
        }
        let arg = best_last(&prev, end, ok_end);
        out.resize(n, O);
        let mut tag = arg;
        for (t, back) in out.iter_mut().zip(self.back.chunks_exact(N_TAGS)).rev() {
            *t = tag;
            tag = back[usize::from(tag)];
        }
    }

    /// Decodes a sentence (`emit`, its tokens' scores) whose tokens
    /// `outside` can only be `O`: each run of other tokens on its own (see
    /// [`Viterbi::decode_run`]). `tags`, the sentence's tags, must be all
    /// `O`; `run_tags` is scratch.
    pub(crate) fn decode_runs(
        &mut self,
        emit: &[i32],
        outside: &[bool],
        tr: &Transitions,
        tables: &DecodeTables,
        run_tags: &mut Vec<u8>,
        tags: &mut [u8],
    ) {
        let n = outside.len();
        let mut a = 0;
        while a < n {
            if outside[a] {
                a += 1;
                continue;
            }
            let b = outside[a..].iter().position(|&o| o).map_or(n, |k| a + k);
            self.decode_run(
                &emit[a * N_TAGS..b * N_TAGS],
                b - a,
                tr,
                tables,
                (a > 0, b < n),
                run_tags,
            );
            tags[a..b].copy_from_slice(run_tags);
            a = b;
        }
    }
}

/// The best last tag of a path whose scores up to it are `prev`.
#[inline]
fn best_last(prev: &[i64; N_TAGS], end: &[i64; N_TAGS], ok_end: &[bool; N_TAGS]) -> u8 {
    let mut best = NEG;
    let mut arg = O;
    for t in 0..N_TAGS {
        if ok_end[t] && prev[t] > NEG {
            let s = prev[t] + end[t];
            if s > best {
                best = s;
                arg = t as u8;
            }
        }
    }
    arg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_and_spans_round_trip() {
        let spans_in = vec![(0, 2, 0), (3, 4, 2), (5, 8, 1)];
        let mut tags = Vec::new();
        encode(9, &spans_in, &mut tags);
        let mut back = Vec::new();
        spans(&tags, |a, b, t| back.push((a, b, t)));
        assert_eq!(back, spans_in);
    }

    /// Viterbi by the definition: every allowed predecessor of every tag,
    /// ties to the lowest tag, scores kept relative to the best.
    fn decode_full(emit: &[i32], n: usize, tr: &Transitions) -> Vec<u8> {
        let (ok, ok_start, ok_end) = allowed_tables();
        let mut score = vec![NEG; n * N_TAGS];
        let mut back = vec![0u8; n * N_TAGS];
        for t in 0..N_TAGS {
            if ok_start[t] {
                score[t] = i64::from(tr.start[t]) + i64::from(emit[t]);
            }
        }
        for i in 1..n {
            for next in 0..N_TAGS {
                let mut best = (i64::MIN, 0);
                for p in 0..N_TAGS {
                    if ok[p][next] {
                        let s =
                            score[(i - 1) * N_TAGS + p] + i64::from(tr.trans[p * N_TAGS + next]);
                        if s > best.0 {
                            best = (s, p);
                        }
                    }
                }
                score[i * N_TAGS + next] = best.0 + i64::from(emit[i * N_TAGS + next]);
                back[i * N_TAGS + next] = best.1 as u8;
            }
            let cur = &mut score[i * N_TAGS..(i + 1) * N_TAGS];
            let top = cur.iter().copied().max().unwrap_or(0);
            for s in cur.iter_mut() {
                *s = (*s - top).max(NEG);
            }
        }
        let mut arg = O;
        let mut best = NEG;
        for t in 0..N_TAGS {
            let s = score[(n - 1) * N_TAGS + t];
            if ok_end[t] && s > NEG && s + i64::from(tr.end[t]) > best {
                best = s + i64::from(tr.end[t]);
                arg = t as u8;
            }
        }
        let mut out = vec![O; n];
        out[n - 1] = arg;
        for i in (1..n).rev() {
            out[i - 1] = back[i * N_TAGS + out[i] as usize];
        }
        out
    }

    #[test]
    fn pruned_viterbi_is_exact() {
        let mut state = 7u64;
        let mut next = |range: i64| -> i64 {
            state = crate::text::mix(state);
            (state % (2 * range as u64 + 1)) as i64 - range
        };
        let mut vit = Viterbi::default();
        let mut out = Vec::new();
        for round in 0..3000 {
            // Small ranges make ties common; large ones make every
            // predecessor matter.
            let (w, t) = [(3, 2), (40, 30), (5000, 6000), (1 << 20, 1 << 12)][round % 4];
            let mut tr = Transitions::zero();
            for x in tr.trans.iter_mut().chain(&mut tr.start).chain(&mut tr.end) {
                *x = next(t) as i32;
            }
            let n = 1 + (next(20) + 20) as usize;
            let emit: Vec<i32> = (0..n * N_TAGS)
                .map(|_| {
                    if next(10) == 10 {
                        -(1 << 28)
                    } else {
                        next(w) as i32
                    }
                })
                .collect();
            vit.decode(&emit, n, &tr, &mut out);
            assert_eq!(out, decode_full(&emit, n, &tr), "round {round}");
            // Tokens that can only be `O`: as if every other tag scored
            // far below anything else.
            let outside: Vec<bool> = (0..n).map(|_| next(2) == 2).collect();
            let mut only_o = emit.clone();
            for (i, _) in outside.iter().enumerate().filter(|(_, &o)| o) {
                only_o[i * N_TAGS + 1..(i + 1) * N_TAGS].fill(-(1 << 30));
            }
            let mut pruned = vec![O; n];
            vit.decode_runs(
                &emit,
                &outside,
                &tr,
                &DecodeTables::of(&tr),
                &mut Vec::new(),
                &mut pruned,
            );
            let full = decode_full(&only_o, n, &tr);
            // Equal, or as good where two paths tie.
            let score = |tags: &[u8]| -> i64 {
                let mut s =
                    i64::from(tr.start[tags[0] as usize]) + i64::from(tr.end[tags[n - 1] as usize]);
                for (i, &t) in tags.iter().enumerate() {
                    s += i64::from(only_o[i * N_TAGS + t as usize]);
                    if i > 0 {
                        s += i64::from(tr.trans[tags[i - 1] as usize * N_TAGS + t as usize]);
                    }
                }
                s
            };
            assert_eq!(score(&pruned), score(&full), "round {round}, pruned");
            assert!(pruned.iter().zip(&outside).all(|(&t, &o)| !o || t == O));
        }
    }

    #[test]
    fn viterbi_respects_constraints() {
        // Emissions prefer I-PER everywhere, which is not a valid sequence
        // start; the decoder must produce a well-formed sequence.
        let n = 3;
        let mut emit = vec![0i32; n * N_TAGS];
        for i in 0..n {
            emit[i * N_TAGS + tag(Part::Inside, 0) as usize] = 10;
        }
        let mut out = Vec::new();
        Viterbi::default().decode(&emit, n, &Transitions::zero(), &mut out);
        assert!(allowed(None, out[0]));
        for w in out.windows(2) {
            assert!(allowed(Some(w[0]), w[1]));
        }
        assert!(may_end(out[n - 1]));
    }
}
