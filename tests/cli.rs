//! The command line: the seed run, exit codes, usage errors.

use crate::util::{fixture, pipeline, records, root};

#[test]
fn seed_gives_one_record_with_the_whole_text() {
    let out = pipeline().args(["--input", "seeds"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    let rec = &recs[0];
    assert_eq!(rec["id"], "000_b6b9ef57101965bf");
    let text = std::fs::read_to_string(root().join("seeds/000_b6b9ef57101965bf.txt")).unwrap();
    assert_eq!(rec["text"], text.as_str());
    assert_eq!(
        rec["title"],
        "NATO Secretary General Jens Stoltenberg supports Ukrainian President Volodymyr Zelenskyy"
    );
    for key in ["sentences", "entities", "clusters", "quotes"] {
        assert!(rec[key].is_array(), "{key} is a list");
    }
}

#[test]
fn missing_input_is_a_usage_error_naming_the_path() {
    let out = pipeline()
        .args(["--input", "seeds", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/dir"), "{stderr}");
}

#[test]
fn bad_flags_exit_2() {
    let out = pipeline()
        .args(["--input", "seeds", "--threads", "many"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = pipeline().output().unwrap();
    assert_eq!(out.status.code(), Some(2), "--input is required");
    let _ = fixture("unused");
}
