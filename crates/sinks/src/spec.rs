//! What to write where: formats, command-line pairing, opening.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::{
    CsvSink, CsvTable, HtmlSink, JsonSink, JsonlSink, Output, RecordOptions, Sink, SinkError,
    SqliteSink,
};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One JSON object per line: the contract.
    Jsonl,
    /// One pretty-printed JSON array of the same objects.
    Json,
    /// A CSV table of quotes or entities.
    Csv,
    /// A self-contained HTML report.
    Html,
    /// A SQLite database.
    Sqlite,
}

impl Format {
    /// Every format, in the order the help lists them.
    pub const ALL: [Format; 5] = [
        Format::Jsonl,
        Format::Json,
        Format::Csv,
        Format::Html,
        Format::Sqlite,
    ];

    /// The format's name (`jsonl`, `json`, `csv`, `html`, `sqlite`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Sqlite => "sqlite",
        }
    }

    /// The format a file name's extension implies: `.jsonl`/`.ndjson`,
    /// `.json`, `.csv`, `.html`/`.htm`, `.db`/`.sqlite`/`.sqlite3`
    /// (case-insensitive).
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jsonl" | "ndjson" => Format::Jsonl,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "html" | "htm" => Format::Html,
            "db" | "sqlite" | "sqlite3" => Format::Sqlite,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                format!("unknown format {name:?} (expected jsonl, json, csv, html or sqlite)")
            })
    }
}

/// One output: where, in which format, with which options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// The file to write; `None` is standard output.
    pub path: Option<PathBuf>,
    /// The format.
    pub format: Format,
    /// The table of a CSV output.
    pub csv_table: CsvTable,
    /// Whether an existing file may be replaced (or, for SQLite, updated).
    pub overwrite: bool,
    /// Extra fields of the JSON formats.
    pub record: RecordOptions,
}

impl OutputSpec {
    /// The output's name for messages: its path or `stdout`.
    pub fn name(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => "stdout".into(),
        }
    }
}

/// The command-line choices do not make a set of outputs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

/// Turns command-line choices into output specs.
///
/// * `paths`: the outputs, `-` for stdout; none means JSONL (or the one
///   `--format`) to stdout.
/// * `formats`: none (each output's extension decides; stdout and a path
///   without extension are JSONL), one (applies to every output), or one per
///   output (paired in order).
/// * `tables`: likewise for the CSV outputs only: none (quotes), one (every
///   CSV output), or one per CSV output in order.
///
/// Refuses an output named twice, stdout twice, SQLite on stdout, and an
/// extension it does not know (`.txt`) without `--format`.
///
/// ```
/// use std::path::PathBuf;
/// use sinks::{plan_outputs, CsvTable, Format, RecordOptions};
///
/// let paths = [PathBuf::from("q.csv"), PathBuf::from("e.csv"), PathBuf::from("r.html")];
/// let tables = [CsvTable::Quotes, CsvTable::Entities];
/// let specs = plan_outputs(&paths, &[], &tables, false, RecordOptions::default())?;
/// assert_eq!(specs[1].csv_table, CsvTable::Entities);
/// assert_eq!(specs[2].format, Format::Html);
/// # Ok::<(), sinks::PlanError>(())
/// ```
pub fn plan_outputs(
    paths: &[PathBuf],
    formats: &[Format],
    tables: &[CsvTable],
    overwrite: bool,
    record: RecordOptions,
) -> Result<Vec<OutputSpec>, PlanError> {
    let stdout = [PathBuf::from("-")];
    let paths = if paths.is_empty() { &stdout[..] } else { paths };
    if formats.len() > 1 && formats.len() != paths.len() {
        return Err(PlanError(format!(
            "--format was given {} times for {} outputs: give it once (for every output) \
             or once per --output, in the same order",
            formats.len(),
            paths.len()
        )));
    }
    let mut specs = Vec::with_capacity(paths.len());
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut n_stdout = 0;
    for (i, path) in paths.iter().enumerate() {
        let is_stdout = path.as_os_str() == "-";
        let format = match formats {
            // No extension (`out`, `/dev/null`): the contract's format.
            [] if is_stdout || path.extension().is_none() => Format::Jsonl,
            [] => Format::from_extension(path).ok_or_else(|| {
                PlanError(format!(
                    "cannot tell the format of {} from its extension; name it .jsonl, .json, \
                     .csv, .html or .db, or pass --format (jsonl, json, csv, html, sqlite)",
                    path.display()
                ))
            })?,
            [one] => *one,
            many => many[i],
        };
        if is_stdout {
            n_stdout += 1;
            if n_stdout > 1 {
                return Err(PlanError("stdout (-) is given as an output twice".into()));
            }
            if format == Format::Sqlite {
                return Err(PlanError(
                    "a SQLite database cannot be written to stdout; give a file name".into(),
                ));
            }
        } else {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            if seen.contains(&absolute) {
                return Err(PlanError(format!(
                    "{} is given as an output twice",
                    path.display()
                )));
            }
            seen.push(absolute);
        }
        specs.push(OutputSpec {
            path: (!is_stdout).then(|| path.clone()),
            format,
            csv_table: CsvTable::Quotes,
            overwrite,
            record,
        });
    }
    let n_csv = specs.iter().filter(|s| s.format == Format::Csv).count();
    match (tables, n_csv) {
        ([], _) => {}
        (_, 0) => {
            return Err(PlanError(
                "--csv-table needs a CSV output (a .csv file or --format csv)".into(),
            ))
        }
        ([one], _) => specs
            .iter_mut()
            .filter(|s| s.format == Format::Csv)
            .for_each(|s| s.csv_table = *one),
        (many, n) if many.len() == n => specs
            .iter_mut()
            .filter(|s| s.format == Format::Csv)
            .zip(many)
            .for_each(|(s, table)| s.csv_table = *table),
        (many, n) => {
            return Err(PlanError(format!(
                "--csv-table was given {} times for {n} CSV outputs: give it once (for every \
                 CSV output) or once per CSV output, in the same order",
                many.len()
            )))
        }
    }
    Ok(specs)
}

/// Opens the sink `spec` describes. Checks the destination now, before any
/// document is processed: an existing file without `overwrite`, a missing
/// folder or an unwritable place is an error here, not after the run.
pub fn open(spec: &OutputSpec) -> Result<Box<dyn Sink>, SinkError> {
    let name = spec.name();
    if spec.format == Format::Sqlite {
        let path = spec.path.as_deref().ok_or_else(|| SinkError::Unusable {
            target: name.clone(),
            reason: "a SQLite database needs a file".into(),
        })?;
        return Ok(Box::new(SqliteSink::open(path, spec.overwrite)?));
    }
    let out = Output::open(spec.path.as_deref(), spec.overwrite)?;
    Ok(match spec.format {
        Format::Jsonl => Box::new(JsonlSink::with_target(out, name).with_options(spec.record)),
        Format::Json => Box::new(JsonSink::with_target(out, name).with_options(spec.record)),
        Format::Csv => {
            Box::new(CsvSink::with_target(out, spec.csv_table, name).with_bom(spec.path.is_some()))
        }
        Format::Html => Box::new(HtmlSink::with_target(out, name)),
        Format::Sqlite => unreachable!("handled above"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(
        paths: &[&str],
        formats: &[Format],
        tables: &[CsvTable],
    ) -> Result<Vec<OutputSpec>, PlanError> {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        plan_outputs(&paths, formats, tables, false, RecordOptions::default())
    }

    #[test]
    fn no_output_is_jsonl_on_stdout() {
        let specs = plan(&[], &[], &[]).unwrap();
        assert_eq!(specs.len(), 1);
        assert_eq!(
            (specs[0].path.clone(), specs[0].format),
            (None, Format::Jsonl)
        );
        let specs = plan(&[], &[Format::Csv], &[CsvTable::Entities]).unwrap();
        assert_eq!(specs[0].format, Format::Csv);
        assert_eq!(specs[0].csv_table, CsvTable::Entities);
    }

    #[test]
    fn extensions_decide_unless_format_is_given() {
        let specs = plan(
            &["a.JSONL", "b.json", "c.csv", "d.htm", "e.sqlite3", "-"],
            &[],
            &[],
        )
        .unwrap();
        let formats: Vec<Format> = specs.iter().map(|s| s.format).collect();
        use Format::*;
        assert_eq!(formats, [Jsonl, Json, Csv, Html, Sqlite, Jsonl]);
        let specs = plan(&["/dev/null", "out"], &[], &[]).unwrap();
        assert!(
            specs.iter().all(|s| s.format == Jsonl),
            "no extension: JSONL"
        );
        let specs = plan(&["a.out", "b.txt"], &[Json], &[]).unwrap();
        assert!(specs.iter().all(|s| s.format == Json));
        let specs = plan(&["a.out", "b.txt"], &[Html, Csv], &[]).unwrap();
        assert_eq!((specs[0].format, specs[1].format), (Html, Csv));
    }

    #[test]
    fn csv_tables_pair_with_csv_outputs_only() {
        let specs = plan(
            &["q.csv", "r.html", "e.csv"],
            &[],
            &[CsvTable::Quotes, CsvTable::Entities],
        )
        .unwrap();
        assert_eq!(specs[0].csv_table, CsvTable::Quotes);
        assert_eq!(specs[2].csv_table, CsvTable::Entities);
        let specs = plan(&["q.csv", "e.csv"], &[], &[CsvTable::Entities]).unwrap();
        assert!(specs.iter().all(|s| s.csv_table == CsvTable::Entities));
    }

    #[test]
    fn bad_combinations_say_what_is_wrong() {
        type Case<'a> = (&'a [&'a str], &'a [Format], &'a [CsvTable], &'a str);
        let cases: [Case<'_>; 7] = [
            (&["a.txt"], &[], &[], "cannot tell the format of a.txt"),
            (
                &["a.csv", "b.csv"],
                &[Format::Csv; 3],
                &[],
                "--format was given 3 times for 2",
            ),
            (
                &["a.csv", "./a.csv"],
                &[],
                &[],
                "a.csv is given as an output twice",
            ),
            (
                &["-", "-"],
                &[],
                &[],
                "stdout (-) is given as an output twice",
            ),
            (
                &["-"],
                &[Format::Sqlite],
                &[],
                "cannot be written to stdout",
            ),
            (
                &["a.json"],
                &[],
                &[CsvTable::Quotes],
                "--csv-table needs a CSV output",
            ),
            (
                &["a.csv", "b.csv"],
                &[],
                &[CsvTable::Quotes; 3],
                "given 3 times for 2 CSV",
            ),
        ];
        for (paths, formats, tables, expected) in cases {
            let err = plan(paths, formats, tables).unwrap_err();
            assert!(err.0.contains(expected), "{paths:?}: {err}");
        }
    }

    #[test]
    fn format_names_parse() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>().unwrap(), format);
        }
        assert!("xml"
            .parse::<Format>()
            .unwrap_err()
            .contains("expected jsonl"));
        assert_eq!("entities".parse::<CsvTable>().unwrap(), CsvTable::Entities);
    }
}
