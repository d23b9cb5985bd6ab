//! How often each kind of reporting cue is an attribution: statistics learned
//! from annotated news (PolNeAR train), used to keep or drop cues without
//! quote marks.
//!
//! A cue candidate is described by a [`CueKey`]: its lemma, its form (`said`
//! is past, `saying` a gerund), the pattern that gave its content (`that`
//! clause, bare clause, content before the cue, ...) and whether the content
//! holds quoted words. The statistics count, per key, how many candidates
//! matched an annotated attribution (`tp`) and how many did not (`fp`).
//! A candidate is kept when its smoothed precision reaches the table's
//! threshold, looking first at the full key and backing off to coarser ones
//! (lemma and pattern; lemma) when a key is rare. Cues the table does not
//! cover fall back to the lexicon's rules.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use crate::lexicon::{CueTag, Lexicon};

/// The statistics bundled with the crate.
const BUNDLED: &str = include_str!("../data/cue_stats.tsv");

/// A key needs this many candidates before its counts are trusted.
const MIN_COUNT: u32 = 6;

/// How a cue's content was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// A clause after the cue introduced by `that` or a wh-word.
    That,
    /// A clause right after the cue (`He added Moscow should ...`).
    Bare,
    /// A clause after a colon.
    Colon,
    /// The content before the cue (`..., Nefzi said.`).
    Back,
    /// Content before an inverted cue (`..., said Smith.`).
    Inverted,
    /// `according to X`.
    According,
    /// `X revealed this`: the previous sentence.
    Anaphor,
}

impl Pattern {
    const ALL: [Pattern; 7] = [
        Pattern::That,
        Pattern::Bare,
        Pattern::Colon,
        Pattern::Back,
        Pattern::Inverted,
        Pattern::According,
        Pattern::Anaphor,
    ];

    /// The name used in the statistics file.
    pub fn as_str(self) -> &'static str {
        match self {
            Pattern::That => "that",
            Pattern::Bare => "bare",
            Pattern::Colon => "colon",
            Pattern::Back => "back",
            Pattern::Inverted => "inverted",
            Pattern::According => "according",
            Pattern::Anaphor => "anaphor",
        }
    }

    fn parse(name: &str) -> Option<Pattern> {
        Pattern::ALL.into_iter().find(|p| p.as_str() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

pub(crate) fn tag_name(tag: CueTag) -> &'static str {
    match tag {
        CueTag::Base => "base",
        CueTag::Present => "present",
        CueTag::Past => "past",
        CueTag::Gerund => "gerund",
        CueTag::Multiword => "multiword",
    }
}

/// What describes one indirect or mixed attribution candidate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CueKey {
    /// The cue's lemma (`say`, `according to`).
    pub lemma: String,
    /// The cue's form: `base`, `present`, `past`, `gerund` or `multiword`.
    pub tag: &'static str,
    /// How the content was found.
    pub pattern: Pattern,
    /// Whether the content holds quoted words (a mixed quote).
    pub quoted: bool,
}

/// Per-key counts of candidates that were (`tp`) and were not (`fp`)
/// annotated attributions, with the precision threshold for keeping a cue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CueStats {
    counts: HashMap<CueKey, (u32, u32)>,
    threshold: f64,
}

/// A statistics file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cue statistics, line {line}: {message}")]
pub struct CueStatsError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl CueStats {
    /// The statistics bundled with the crate.
    pub fn bundled() -> CueStats {
        CueStats::parse(BUNDLED).expect("bundled cue statistics parse")
    }

    /// No statistics: every cue is decided by the lexicon's rules.
    pub fn empty() -> CueStats {
        CueStats::default()
    }

    /// Statistics from counts and a threshold.
    pub fn from_counts(
        counts: impl IntoIterator<Item = (CueKey, (u32, u32))>,
        threshold: f64,
    ) -> CueStats {
        CueStats {
            counts: counts.into_iter().collect(),
            threshold,
        }
    }

    /// The precision a candidate needs to be kept.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The same counts with another threshold.
    pub fn with_threshold(mut self, threshold: f64) -> CueStats {
        self.threshold = threshold;
        self
    }

    /// Reads the TSV format written by [`CueStats::to_tsv`].
    pub fn parse(tsv: &str) -> Result<CueStats, CueStatsError> {
        let mut stats = CueStats::default();
        let err = |line: usize, message: &str| CueStatsError {
            line: line + 1,
            message: message.to_string(),
        };
        for (n, line) in tsv.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            if let Some(comment) = line.strip_prefix('#') {
                if let Some(value) = comment.trim().strip_prefix("threshold") {
                    stats.threshold = value
                        .trim()
                        .parse()
                        .map_err(|_| err(n, "threshold is not a number"))?;
                }
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 6 {
                return Err(err(n, "expected 6 tab-separated columns"));
            }
            if cols[0] == "lemma" {
                continue;
            }
            let tag = ["base", "present", "past", "gerund", "multiword"]
                .into_iter()
                .find(|t| *t == cols[1])
                .ok_or_else(|| err(n, "unknown tag"))?;
            let pattern = Pattern::parse(cols[2]).ok_or_else(|| err(n, "unknown pattern"))?;
            let quoted = match cols[3] {
                "0" => false,
                "1" => true,
                _ => return Err(err(n, "quoted must be 0 or 1")),
            };
            let tp = cols[4].parse().map_err(|_| err(n, "tp is not a count"))?;
            let fp = cols[5].parse().map_err(|_| err(n, "fp is not a count"))?;
            stats.counts.insert(
                CueKey {
                    lemma: cols[0].to_string(),
                    tag,
                    pattern,
                    quoted,
                },
                (tp, fp),
            );
        }
        Ok(stats)
    }

    /// The TSV form: a header comment with the threshold, then one line per
    /// key (`lemma tag pattern quoted tp fp`), sorted.
    pub fn to_tsv(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# Cue statistics for the quote stage: per cue key, candidates that matched (tp) and did\n\
             # not match (fp) an annotated attribution in PolNeAR train. Counts only, no text.\n\
             # Regenerate with `cargo xtask train-quotes`.\n",
        );
        let _ = writeln!(out, "# threshold {:.3}", self.threshold);
        out.push_str("lemma\ttag\tpattern\tquoted\ttp\tfp\n");
        let mut rows: Vec<_> = self.counts.iter().collect();
        rows.sort_by(|a, b| {
            (&a.0.lemma, a.0.tag, a.0.pattern.as_str(), a.0.quoted).cmp(&(
                &b.0.lemma,
                b.0.tag,
                b.0.pattern.as_str(),
                b.0.quoted,
            ))
        });
        for (k, (tp, fp)) in rows {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{tp}\t{fp}",
                k.lemma,
                k.tag,
                k.pattern.as_str(),
                u8::from(k.quoted)
            );
        }
        out
    }

    /// Decisions for every cue form of the lexicon, pattern and quoting.
    pub(crate) fn decisions(&self, lex: &Lexicon) -> Decisions {
        let n_patterns = Pattern::ALL.len();
        let mut table = vec![Decision::Rules; lex.cues.len() * n_patterns * 2];
        if self.counts.is_empty() {
            return Decisions { table };
        }
        // Coarser levels, summed once.
        let mut by_lemma_pattern: HashMap<(&str, Pattern, bool), (u32, u32)> = HashMap::new();
        let mut by_lemma: HashMap<(&str, bool), (u32, u32)> = HashMap::new();
        for (k, c) in &self.counts {
            let e = by_lemma_pattern
                .entry((&k.lemma, k.pattern, k.quoted))
                .or_default();
            e.0 += c.0;
            e.1 += c.1;
            let e = by_lemma.entry((&k.lemma, k.quoted)).or_default();
            e.0 += c.0;
            e.1 += c.1;
        }
        for (id, cue) in lex.cues.iter().enumerate() {
            let lemma = lex.lemma(id as u16);
            let tag = tag_name(cue.tag);
            for pattern in Pattern::ALL {
                for quoted in [false, true] {
                    let key = CueKey {
                        lemma: lemma.to_string(),
                        tag,
                        pattern,
                        quoted,
                    };
                    let levels = [
                        self.counts.get(&key).copied(),
                        by_lemma_pattern.get(&(lemma, pattern, quoted)).copied(),
                        by_lemma.get(&(lemma, quoted)).copied(),
                    ];
                    let decision = levels
                        .into_iter()
                        .flatten()
                        .find(|(tp, fp)| tp + fp >= MIN_COUNT)
                        .map_or(Decision::Rules, |(tp, fp)| {
                            let precision = (f64::from(tp) + 1.0) / (f64::from(tp + fp) + 2.0);
                            if precision >= self.threshold {
                                Decision::Keep
                            } else {
                                Decision::Drop
                            }
                        });
                    table[Decisions::index(id as u16, pattern, quoted)] = decision;
                }
            }
        }
        Decisions { table }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the statistics say about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Precise enough: keep it.
    Keep,
    /// Not precise enough: drop it.
    Drop,
    /// Too rare to tell: the lexicon's rules decide.
    Rules,
}

/// Decisions per (cue form, pattern, quoted), precomputed.
#[derive(Debug, Clone)]
pub(crate) struct Decisions {
    table: Vec<Decision>,
}

impl Decisions {
    fn index(cue: u16, pattern: Pattern, quoted: bool) -> usize {
        (usize::from(cue) * Pattern::ALL.len() + pattern.index()) * 2 + usize::from(quoted)
    }

    /// The decision for one candidate.
    #[inline]
    pub fn get(&self, cue: u16, pattern: Pattern, quoted: bool) -> Decision {
        self.table
            .get(Decisions::index(cue, pattern, quoted))
            .copied()
            .unwrap_or(Decision::Rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_round_trips() {
        let stats = CueStats::from_counts(
            [(
                CueKey {
                    lemma: "say".into(),
                    tag: "past",
                    pattern: Pattern::That,
                    quoted: false,
                },
                (10, 2),
            )],
            0.4,
        );
        let back = CueStats::parse(&stats.to_tsv()).unwrap();
        assert_eq!(back, stats);
    }

    #[test]
    fn bad_lines_are_errors_with_their_number() {
        let err =
            CueStats::parse("lemma\ttag\tpattern\tquoted\ttp\tfp\nsay\tpast\tthat\t0\tx\t1\n")
                .unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn rare_keys_back_off_and_unknown_cues_follow_rules() {
        let lex = Lexicon::bundled();
        let key = |tag, pattern, tp, fp| {
            (
                CueKey {
                    lemma: "say".into(),
                    tag,
                    pattern,
                    quoted: false,
                },
                (tp, fp),
            )
        };
        // `say` + that is precise; `say` + bare is rare alone but the
        // lemma level (all patterns) is precise enough.
        let stats = CueStats::from_counts(
            [
                key("past", Pattern::That, 40, 10),
                key("past", Pattern::Bare, 1, 2),
            ],
            0.5,
        );
        let d = stats.decisions(&lex);
        let said = lex
            .cues
            .iter()
            .position(|c| c.tag == CueTag::Past && lex.lemmas[c.lemma as usize].as_ref() == "say")
            .unwrap() as u16;
        assert_eq!(d.get(said, Pattern::That, false), Decision::Keep);
        assert_eq!(d.get(said, Pattern::Bare, false), Decision::Keep);
        assert_eq!(d.get(said, Pattern::Back, true), Decision::Rules);
        let drop = CueStats::from_counts([key("past", Pattern::That, 1, 40)], 0.5);
        assert_eq!(
            drop.decisions(&lex).get(said, Pattern::That, false),
            Decision::Drop
        );
    }
}
