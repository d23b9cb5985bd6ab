//! `cargo xtask lexicons`: derives the quote stage's compact lexicons from
//! the shared gazetteers, so that the repository holds only what the stage
//! reads, not copies of the gazetteer files.
//!
//! ```text
//! cargo xtask lexicons [--data DIR]   (default ../shared/data/gazetteers)
//! ```
//!
//! Writes into `crates/quotes/data/`:
//! * `cues.tsv` (`form`, `lemma`, `tag`, `core`): the reporting cues of
//!   `reporting_verbs.tsv` the stage uses: every single-word form, and only
//!   the multiword cues that are not a verb plus an adjunct (`said in a
//!   statement` and `told reporters` are handled by the grammar of the single
//!   verb);
//! * `role_nouns.txt`: the role nouns of nominal speakers, the last word of
//!   every person title in `honorifics_titles.tsv` (`Press Secretary` ->
//!   `secretary`), lower-cased, first occurrence first.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The multiword cues of the shared list that are cues of their own.
const MULTIWORD_CUES: [&str; 4] = ["according to", "point out", "go on", "quoted as saying"];

/// Title categories that are not roles a speaker can be named by.
const NOT_ROLES: [&str; 4] = ["honorific", "honorific_abbrev", "name_suffix", "modifier"];

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut data = root.join("../shared/data/gazetteers");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => data = PathBuf::from(args.next().context("--data needs a folder")?),
            other => bail!("unknown lexicons option {other:?} (known: --data DIR)"),
        }
    }
    let read = |name: &str| {
        let path = data.join(name);
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
    };
    let out = root.join("crates/quotes/data");
    let cues = cues(&read("reporting_verbs.tsv")?)?;
    std::fs::write(out.join("cues.tsv"), cues)?;
    let roles = role_nouns(&read("honorifics_titles.tsv")?);
    std::fs::write(out.join("role_nouns.txt"), roles)?;
    eprintln!("wrote {}/cues.tsv and role_nouns.txt", out.display());
    Ok(())
}

/// `reporting_verbs.tsv` (`form`, `lemma`, `tag`, `sources`, `core`) ->
/// the rows the stage uses, without their sources.
fn cues(tsv: &str) -> Result<String> {
    let mut out = String::from("form\tlemma\ttag\tcore\n");
    for (n, line) in tsv.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [form, lemma, tag, _sources, core] = cols[..] else {
            bail!("reporting_verbs.tsv line {}: expected 5 columns", n + 1);
        };
        if tag == "MWE" && !MULTIWORD_CUES.contains(&lemma) {
            continue;
        }
        writeln!(out, "{form}\t{lemma}\t{tag}\t{core}")?;
    }
    Ok(out)
}

/// `honorifics_titles.tsv` (`title`, `category`, ...) -> the last word of
/// each title that names a role, one per line.
fn role_nouns(tsv: &str) -> String {
    let mut seen = HashSet::new();
    let mut out = String::new();
    for line in tsv.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(title), Some(category)) = (cols.next(), cols.next()) else {
            continue;
        };
        if NOT_ROLES.contains(&category) {
            continue;
        }
        let Some(last) = title.split([' ', '-']).next_back() else {
            continue;
        };
        if last.len() < 3 || !last.chars().all(char::is_alphabetic) {
            continue;
        }
        let last = last.to_lowercase();
        if seen.insert(last.clone()) {
            out.push_str(&last);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_keep_single_words_and_true_multiword_cues() {
        let tsv = "form\tlemma\ttag\tsources\tcore\n\
                   said\tsay\tVBD|VBN\tx\tyes\n\
                   according to\taccording to\tMWE\tx\t\n\
                   told reporters\ttell reporters\tMWE\tx\t\n";
        assert_eq!(
            cues(tsv).unwrap(),
            "form\tlemma\ttag\tcore\nsaid\tsay\tVBD|VBN\tyes\naccording to\taccording to\tMWE\t\n"
        );
        assert!(cues("h\nsaid\tsay\n").is_err());
    }

    #[test]
    fn role_nouns_are_last_words_of_role_titles_once() {
        let tsv = "title\tcategory\nMr.\thonorific\nPress Secretary\tgovernment\n\
                   Foreign Secretary\tgovernment\nVice-Chancellor\tgovernment\nCEO\tbusiness\n";
        assert_eq!(role_nouns(tsv), "secretary\nchancellor\nceo\n");
    }
}
