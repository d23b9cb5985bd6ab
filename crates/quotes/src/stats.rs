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

use crate::lexicon::{tab_fields, CueTag, FxMap, Lexicon};

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
        let mut counts = HashMap::new();
        let threshold = parse_rows(tsv, |row| {
            counts.insert(
                CueKey {
                    lemma: row.lemma.to_string(),
                    tag: row.tag,
                    pattern: row.pattern,
                    quoted: row.quoted,
                },
                row.counts,
            );
        })?;
        Ok(CueStats { counts, threshold })
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
        let mut totals = LemmaTotals::default();
        for (k, &c) in &self.counts {
            totals.add(&k.lemma, k.tag, k.pattern, k.quoted, c);
        }
        totals.decisions(lex, self.threshold)
    }
}

/// One line of a statistics file, its lemma borrowed from the text.
struct Row<'a> {
    lemma: &'a str,
    tag: &'static str,
    pattern: Pattern,
    quoted: bool,
    counts: (u32, u32),
}

/// Reads the rows of a statistics file (see [`CueStats::to_tsv`]), handing
/// each to `row`; returns the threshold.
fn parse_rows<'a>(tsv: &'a str, mut row: impl FnMut(Row<'a>)) -> Result<f64, CueStatsError> {
    let mut threshold = 0.0;
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
                threshold = value
                    .trim()
                    .parse()
                    .map_err(|_| err(n, "threshold is not a number"))?;
            }
            continue;
        }
        let cols: [&str; 6] =
            tab_fields(line).ok_or_else(|| err(n, "expected 6 tab-separated columns"))?;
        if cols[0] == "lemma" {
            continue;
        }
        let tag = TAG_NAMES
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
        row(Row {
            lemma: cols[0],
            tag,
            pattern,
            quoted,
            counts: (tp, fp),
        });
    }
    Ok(threshold)
}

/// Per lemma, the counts at the three levels of back-off, summed once. An
/// absent level reads as (0, 0), which never reaches `MIN_COUNT`, just as a
/// missing key is skipped. Each cue form then reads its lemma's arrays, with
/// no key built or hashed per form: building and hashing a `CueKey` for
/// every form, pattern and quoting was most of the stage's start-up.
#[derive(Default)]
struct LemmaTotals<'a> {
    ids: FxMap<&'a str, usize>,
    counts: Vec<LemmaCounts>,
}

impl<'a> LemmaTotals<'a> {
    /// Counts `c` for a key.
    fn add(&mut self, lemma: &'a str, tag: &str, pattern: Pattern, quoted: bool, c: (u32, u32)) {
        let counts = &mut self.counts;
        let id = *self.ids.entry(lemma).or_insert_with(|| {
            counts.push(LemmaCounts::default());
            counts.len() - 1
        });
        let lemma_counts = &mut counts[id];
        let (p, q) = (pattern.index(), usize::from(quoted));
        // A tag no cue form has counts at the coarser levels only.
        if let Some(tag) = TAG_NAMES.iter().position(|&t| t == tag) {
            add(&mut lemma_counts.by_key[tag][p][q], c);
        }
        add(&mut lemma_counts.by_pattern[p][q], c);
        add(&mut lemma_counts.by_lemma[q], c);
    }

    /// The decisions for every cue form of `lex`.
    fn decisions(&self, lex: &Lexicon, threshold: f64) -> Decisions {
        let mut table = vec![Decision::Rules; lex.cues.len() * Pattern::ALL.len() * 2];
        // Lexicon lemma index -> its counts, looked up once per lemma.
        let lemma_counts: Vec<Option<&LemmaCounts>> = lex
            .lemmas
            .iter()
            .map(|lemma| self.ids.get(lemma.as_ref()).map(|&id| &self.counts[id]))
            .collect();
        for (id, cue) in lex.cues.iter().enumerate() {
            // A lemma without counts is left to the rules at every level.
            let Some(Some(counts)) = lemma_counts.get(cue.lemma as usize) else {
                continue;
            };
            let tag = TAG_NAMES
                .iter()
                .position(|&t| t == tag_name(cue.tag))
                .expect("every tag has its name");
            for pattern in Pattern::ALL {
                let p = pattern.index();
                for quoted in [false, true] {
                    let q = usize::from(quoted);
                    let levels = [
                        counts.by_key[tag][p][q],
                        counts.by_pattern[p][q],
                        counts.by_lemma[q],
                    ];
                    let decision = levels
                        .into_iter()
                        .find(|(tp, fp)| tp + fp >= MIN_COUNT)
                        .map_or(Decision::Rules, |(tp, fp)| {
                            let precision = (f64::from(tp) + 1.0) / (f64::from(tp + fp) + 2.0);
                            if precision >= threshold {
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

/// The tag names a [`CueKey`] can have, in [`CueTag`] order.
const TAG_NAMES: [&str; 5] = ["base", "present", "past", "gerund", "multiword"];

/// One lemma's `(tp, fp)` counts at the three levels of back-off, indexed
/// by tag (position in [`TAG_NAMES`]), [`Pattern::index`] and quoting.
#[derive(Debug, Default)]
struct LemmaCounts {
    by_key: [[[(u32, u32); 2]; Pattern::ALL.len()]; TAG_NAMES.len()],
    by_pattern: [[(u32, u32); 2]; Pattern::ALL.len()],
    by_lemma: [(u32, u32); 2],
}

/// Adds counts `c` to `sum`.
fn add(sum: &mut (u32, u32), c: (u32, u32)) {
    sum.0 += c.0;
    sum.1 += c.1;
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
    /// The decisions of the bundled statistics ([`CueStats::bundled`]),
    /// read straight from their text: no key is built or hashed.
    pub fn bundled(lex: &Lexicon) -> Decisions {
        let mut totals = LemmaTotals::default();
        let threshold = parse_rows(BUNDLED, |row| {
            totals.add(row.lemma, row.tag, row.pattern, row.quoted, row.counts);
        })
        .expect("bundled cue statistics parse");
        totals.decisions(lex, threshold)
    }

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

    /// The decisions as first written: a `CueKey` built and looked up per
    /// cue form, pattern and quoting, with the coarser levels in maps.
    fn decisions_by_keys(stats: &CueStats, lex: &Lexicon) -> Vec<Decision> {
        let mut by_lemma_pattern: HashMap<(&str, Pattern, bool), (u32, u32)> = HashMap::new();
        let mut by_lemma: HashMap<(&str, bool), (u32, u32)> = HashMap::new();
        for (k, &c) in &stats.counts {
            add(
                by_lemma_pattern
                    .entry((&k.lemma, k.pattern, k.quoted))
                    .or_default(),
                c,
            );
            add(by_lemma.entry((&k.lemma, k.quoted)).or_default(), c);
        }
        let mut out = Vec::new();
        for (id, cue) in lex.cues.iter().enumerate() {
            let lemma = lex.lemma(id as u16);
            for pattern in Pattern::ALL {
                for quoted in [false, true] {
                    let key = CueKey {
                        lemma: lemma.to_string(),
                        tag: tag_name(cue.tag),
                        pattern,
                        quoted,
                    };
                    let levels = [
                        stats.counts.get(&key).copied(),
                        by_lemma_pattern.get(&(lemma, pattern, quoted)).copied(),
                        by_lemma.get(&(lemma, quoted)).copied(),
                    ];
                    out.push(
                        levels
                            .into_iter()
                            .flatten()
                            .find(|(tp, fp)| tp + fp >= MIN_COUNT)
                            .map_or(Decision::Rules, |(tp, fp)| {
                                let precision = (f64::from(tp) + 1.0) / (f64::from(tp + fp) + 2.0);
                                if precision >= stats.threshold {
                                    Decision::Keep
                                } else {
                                    Decision::Drop
                                }
                            }),
                    );
                }
            }
        }
        out
    }

    #[test]
    fn decisions_are_those_of_the_keys() {
        let lex = Lexicon::bundled();
        let bundled = CueStats::bundled();
        let d = bundled.decisions(&lex);
        assert_eq!(d.table, decisions_by_keys(&bundled, &lex));
        assert_eq!(Decisions::bundled(&lex).table, d.table);
        // The bundled table decides many forms each way.
        for want in [Decision::Keep, Decision::Drop, Decision::Rules] {
            assert!(d.table.iter().filter(|&&x| x == want).count() > 50);
        }
        // Other thresholds, a tag no cue has (counted at the lemma levels
        // only) and a lemma the lexicon lacks.
        let extra = [
            (
                CueKey {
                    lemma: "say".into(),
                    tag: "other",
                    pattern: Pattern::Colon,
                    quoted: true,
                },
                (7, 0),
            ),
            (
                CueKey {
                    lemma: "no such lemma".into(),
                    tag: "past",
                    pattern: Pattern::That,
                    quoted: false,
                },
                (9, 9),
            ),
        ];
        for threshold in [0.0, 0.3, 0.7, 1.0] {
            let stats = CueStats::from_counts(
                bundled.counts.clone().into_iter().chain(extra.clone()),
                threshold,
            );
            assert_eq!(
                stats.decisions(&lex).table,
                decisions_by_keys(&stats, &lex),
                "threshold {threshold}"
            );
        }
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
