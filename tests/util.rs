//! Helpers for running the `pipeline` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `pipeline` binary cargo built for these tests.
pub fn pipeline() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pipeline"));
    cmd.current_dir(root()).stdin(Stdio::null());
    cmd
}

/// Runs the pipeline on `inputs` with extra `args`, returning the output.
pub fn run_on(inputs: &[&Path], args: &[&str]) -> Output {
    let mut cmd = pipeline();
    cmd.arg("--input").args(inputs).args(args);
    cmd.output().expect("run pipeline")
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture under `tests/data/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests").join("data").join(name)
}

/// Output lines of a run, parsed.
pub fn records(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .expect("output is UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each output line is JSON"))
        .collect()
}

/// The stderr of a run, for assertion messages.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that a run was refused with exit code 2 (a usage or sink error)
/// and that its message says `needle`; returns the message.
#[track_caller]
pub fn assert_refused(output: &Output, needle: &str) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    err
}

/// The `error.kind` of a record, or `None` for a result record.
pub fn error_kind(record: &serde_json::Value) -> Option<&str> {
    record
        .get("error")
        .map(|e| e["kind"].as_str().expect("error kind"))
}
