//! Casing augmentation. News is carefully cased; web text is not: whole
//! posts in lower case (names too), reviews in Title Case, single words in
//! capitals for emphasis. Re-cased copies of the training documents teach
//! the model what casing is worth in each kind of sentence (the sentence
//! casing is a feature, so news keeps its own weights).

use super::conll::LabeledDoc;
use crate::text::mix;

/// How training documents are re-cased.
#[derive(Debug, Clone, Copy)]
pub struct AugmentConfig {
    /// Re-cased copies of each training document (0: none).
    pub copies: usize,
    /// Share of a copy's sentences written all in lower case.
    pub lower: f64,
    /// Share written in Title Case.
    pub title: f64,
    /// Share with a few common words in capitals or capitalised.
    pub emphasis: f64,
}

impl Default for AugmentConfig {
    fn default() -> Self {
        AugmentConfig {
            copies: 1,
            lower: 0.2,
            title: 0.15,
            emphasis: 0.15,
        }
    }
}

/// A deterministic stream of uniform numbers in [0, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = mix(self.0.wrapping_add(0x9e37_79b9_7f4a_7c15));
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn capitalise(w: &str) -> String {
    let mut cs = w.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// A re-cased copy of `doc` (same tokens, same entities). A sentence is
/// written in lower case only if `known` holds for every word of its
/// names: a name in lower case is recognisable only from what is known
/// about the word (gazetteers, corpus casing), so a lower-case sentence
/// with a name nobody could know would teach guessing.
pub fn recase(
    doc: &LabeledDoc,
    cfg: &AugmentConfig,
    seed: u64,
    known: &dyn Fn(&str) -> bool,
) -> LabeledDoc {
    let mut rng = Rng(seed);
    let mut out = doc.clone();
    let mut in_entity = vec![false; doc.words.len()];
    for &(a, b, _) in &doc.entities {
        in_entity[a..b].iter_mut().for_each(|x| *x = true);
    }
    for sent in &doc.sentences {
        let u = rng.next();
        let words = &mut out.words[sent.clone()];
        let knowable = || sent.clone().all(|i| !in_entity[i] || known(&doc.words[i]));
        if u < cfg.lower {
            if !knowable() {
                continue;
            }
            let keep_first = rng.next() < 0.5;
            let mut first = true;
            for w in words.iter_mut() {
                if !w.chars().any(char::is_alphabetic) {
                    continue;
                }
                let lower = w.to_lowercase();
                *w = if first && keep_first {
                    capitalise(&lower)
                } else {
                    lower
                };
                first = false;
            }
        } else if u < cfg.lower + cfg.title {
            for w in words.iter_mut() {
                if w.starts_with(char::is_lowercase) {
                    *w = capitalise(w);
                }
            }
        } else if u < cfg.lower + cfg.title + cfg.emphasis {
            for (w, &named) in words.iter_mut().zip(&in_entity[sent.clone()]).skip(1) {
                if named || w.chars().count() < 2 || !w.chars().all(char::is_lowercase) {
                    continue;
                }
                let r = rng.next();
                if r < 0.1 {
                    *w = w.to_uppercase();
                } else if r < 0.2 {
                    *w = capitalise(w);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recasing_keeps_tokens_and_entities() {
        let doc = LabeledDoc {
            words: "Ada Lovelace visited the old Paris office today"
                .split(' ')
                .map(String::from)
                .collect(),
            sentences: std::iter::once(0..8).collect(),
            entities: vec![(0, 2, 0), (5, 6, 2)],
        };
        let all_lower = AugmentConfig {
            copies: 1,
            lower: 1.0,
            title: 0.0,
            emphasis: 0.0,
        };
        let copy = recase(&doc, &all_lower, 7, &|_| true);
        assert_eq!(copy.entities, doc.entities);
        assert_eq!(
            copy.words[1..],
            ["lovelace", "visited", "the", "old", "paris", "office", "today"]
        );
        let all_title = AugmentConfig {
            lower: 0.0,
            title: 1.0,
            ..all_lower
        };
        let copy = recase(&doc, &all_title, 7, &|_| true);
        assert_eq!(
            recase(&doc, &all_lower, 7, &|w| w != "Paris").words,
            doc.words
        );
        assert_eq!(
            copy.words.join(" "),
            "Ada Lovelace Visited The Old Paris Office Today"
        );
    }
}
