//! The `pipeline` command: CLI and glue only.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use document::DocError;
use sinks::{CsvTable, Fanout, Format, OutputSpec, RecordOptions, Sink};

/// mimalloc instead of the system allocator: memory is allocated on one
/// thread and freed on another (raw documents read by the reader thread
/// are freed by a worker; large output buffers and, for formats the
/// workers do not encode, whole documents are freed by the writer), and
/// glibc's allocator spent a few percent of a worker's
/// time on that (`malloc_consolidate`, `_int_free`); measured +10%
/// documents per second at one and two threads, when every document was
/// freed by the writer. Peak RSS
/// stays flat in the input size (and about as with glibc once `main` turns
/// transparent huge pages off).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code: every document was processed.
const EXIT_OK: u8 = 0;
/// Exit code: the run completed, but some documents became error records.
const EXIT_SOME_FAILED: u8 = 1;
/// Exit code: usage error, nothing could run (missing input, unwritable or
/// existing output), or an output failed during the run (disk full).
const EXIT_FATAL: u8 = 2;

/// Turns news articles into sentences, named entities and attributed quotes,
/// one JSON record per article.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = "Exit codes: 0 all documents processed; 1 some documents became error records; \
                  2 usage error, nothing could run (missing input, unwritable or existing output) \
                  or an output failed (disk full); no output file is then left half-written.\n\n\
                  Outputs: `--output report.html --output quotes.csv --output corpus.db` writes \
                  several formats in one run. Files appear under their names only when complete \
                  (written to a temporary file in the same folder, then renamed)."
)]
struct Args {
    /// Files or directories to read (directories recursively, in path order):
    /// .txt (one article), .jsonl (one {"id"?,"title"?,"text"} per line), either
    /// optionally .gz; `-` reads JSONL from stdin as a stream.
    #[arg(short, long, value_name = "PATH", num_args = 1.., required = true)]
    input: Vec<PathBuf>,

    /// Write results here; repeat for several outputs. `-` is stdout (the
    /// default). The format comes from the extension: .jsonl, .json, .csv,
    /// .html, .db (or .sqlite); JSONL without extension (/dev/null); or
    /// --format.
    #[arg(short, long, value_name = "PATH")]
    output: Vec<PathBuf>,

    /// Output format: jsonl, json, csv, html or sqlite. Give it once for
    /// every output, or once per --output (paired in order).
    #[arg(long, value_name = "FORMAT")]
    format: Vec<Format>,

    /// Table of a CSV output: quotes (default) or entities. Give it once for
    /// every CSV output, or once per CSV output (paired in order).
    #[arg(long, value_name = "TABLE")]
    csv_table: Vec<CsvTable>,

    /// Replace existing output files; an existing SQLite database (of this
    /// program) is updated in place instead, documents replaced by id.
    #[arg(long)]
    force: bool,

    /// Also write each sentence's tokens (`"tokens": [[start, end], ...]`)
    /// in the JSON formats.
    #[arg(long)]
    tokens: bool,

    /// How far to run: all (default), tag (segment + entities), segment, or
    /// none (read and write only, to measure the runtime).
    #[arg(long, value_name = "STAGES", default_value = "all", value_parser = parse_stages)]
    stages: pipeline::StageSet,

    /// Worker threads [default: all cores]. Output is the same for any value.
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,

    /// Skip the first N input documents: they are read but neither processed
    /// nor written (for resuming an interrupted batch run).
    #[arg(long, value_name = "N", default_value_t = 0)]
    skip_docs: usize,

    /// Documents larger than this many bytes become `too_large` error records.
    #[arg(long, value_name = "BYTES", default_value_t = reader::DEFAULT_MAX_DOC_BYTES)]
    max_doc_bytes: usize,

    /// More log output on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,

    /// Only errors on stderr: no summary, no progress.
    #[arg(short, long)]
    quiet: bool,
}

fn main() -> ExitCode {
    // mimalloc asks for transparent huge pages. Faulting them in (perf:
    // the kernel zeroing fresh 2 MB pages) cost a run of 5 MB of news
    // anywhere from 0.01 to 0.28 s of kernel time on this project's test
    // machine (a VM); with 4 KB pages it is a steady 0.02-0.03 s, at the
    // same user time, and peak RSS drops from ~90 to ~55 MB. A hint only:
    // if the kernel refuses, nothing changes.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let args = Args::parse();
    init_logging(&args);
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

fn init_logging(args: &Args) {
    let default = match (args.quiet, args.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn run(args: &Args) -> anyhow::Result<u8> {
    let options = RecordOptions {
        tokens: args.tokens,
    };
    let specs = sinks::plan_outputs(
        &args.output,
        &args.format,
        &args.csv_table,
        args.force,
        options,
    )?;
    let inputs = reader::resolve(&args.input)?;
    let n_inputs = inputs.len();
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    tracing::info!(n_inputs, threads, "starting");
    let mut docs = reader::Reader::new(inputs, args.max_doc_bytes);
    let stages = pipeline::stages_up_to(args.stages);
    // Every output is checked and opened before any document is processed.
    let mut sink = open_outputs(&specs)?;
    if specs.iter().any(|s| s.path.is_some()) {
        remove_unfinished_outputs_on_signal()?;
    }

    let show_progress = !args.quiet && n_inputs > 1 && std::io::stderr().is_terminal();
    let mut progress = Progress::new(show_progress);
    docs.by_ref().take(args.skip_docs).for_each(drop);
    let result = pipeline::run(docs, &stages, sink.as_mut(), threads, &mut |o| {
        progress.tick(o)
    });
    progress.finish();
    let summary = match result {
        Ok(summary) => summary,
        // `| head` closed stdout: fine when stdout is all we write.
        Err(err) if err.is_broken_pipe() && specs.len() == 1 => return Ok(EXIT_OK),
        Err(err) => return Err(err.into()),
    };
    if !args.quiet {
        let peak = peak_rss_mb().map_or(String::new(), |mb| format!(", peak RSS {mb:.1} MB"));
        eprintln!(
            "{} documents, {} errors, {:.1} MB of text in {:.2} s ({:.1} MB/s{peak})",
            summary.n_docs,
            summary.n_errors,
            summary.n_bytes as f64 / 1e6,
            summary.elapsed.as_secs_f64(),
            summary.mb_per_s()
        );
    }
    Ok(if summary.n_errors > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}

/// One sink for all the outputs.
fn open_outputs(specs: &[OutputSpec]) -> anyhow::Result<Box<dyn Sink>> {
    let mut opened = Vec::with_capacity(specs.len());
    for spec in specs {
        opened.push(sinks::open(spec)?);
    }
    Ok(match opened.len() {
        1 => opened.pop().expect("one sink"),
        _ => Box::new(Fanout::new(opened)),
    })
}

/// On SIGINT, SIGTERM or SIGHUP, removes the temporary files of unfinished
/// outputs before exiting with 128 + the signal number.
fn remove_unfinished_outputs_on_signal() -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .context("cannot install the signal handler")?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let removed = sinks::remove_temp_files();
                eprintln!(
                    "interrupted (signal {signal}): removed {removed} unfinished output file(s)"
                );
                std::process::exit(128 + signal);
            }
        })
        .context("cannot start the signal thread")?;
    Ok(())
}

fn parse_stages(value: &str) -> Result<pipeline::StageSet, String> {
    use pipeline::StageSet;
    match value {
        "all" | "quotes" => Ok(StageSet::All),
        "tag" => Ok(StageSet::Tag),
        "segment" => Ok(StageSet::Segment),
        "none" => Ok(StageSet::None),
        _ => Err("expected one of: all, tag, segment, none".into()),
    }
}

/// Peak resident memory of this process so far, where the OS tells it.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// A progress line on stderr, only when it is a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} documents ({per_sec}), {msg} [{elapsed}]",
                )
                .expect("valid progress template"),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress { bar }
    }

    fn tick(&mut self, error: Option<&DocError>) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if let Some(err) = error {
                bar.set_message(format!("last error: {}", err.kind));
            }
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
