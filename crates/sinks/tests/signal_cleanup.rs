//! `remove_temp_files` empties a process-wide registry, so it gets a test
//! binary (process) of its own: other tests' temporary files stay untouched.

use std::io::Write;

use sinks::{remove_temp_files, AtomicFile};

#[test]
fn remove_temp_files_removes_every_unfinished_output() {
    let dir = std::env::temp_dir().join(format!("sinks-signal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut first = AtomicFile::create(&dir.join("a.html")).unwrap();
    first.write_all(b"<!DOCTYPE html>").unwrap();
    let second = AtomicFile::create(&dir.join("b.csv")).unwrap();
    let temps = [
        first.temp_path().to_path_buf(),
        second.temp_path().to_path_buf(),
    ];
    assert!(temps.iter().all(|t| t.exists()));

    assert_eq!(remove_temp_files(), 2);
    assert!(temps.iter().all(|t| !t.exists()));
    assert!(!dir.join("a.html").exists() && !dir.join("b.csv").exists());
    assert_eq!(remove_temp_files(), 0, "nothing left to remove");

    drop((first, second)); // removing again is harmless
    std::fs::remove_dir_all(dir).unwrap();
}
