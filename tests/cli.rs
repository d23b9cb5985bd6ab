//! The command line: the seed run, inputs and formats, exit codes.

use std::io::Write;

use crate::util::{error_kind, fixture, pipeline, records, root, run_on, stderr};

#[test]
fn seed_gives_one_record_with_the_whole_text() {
    let out = pipeline().args(["--input", "seeds"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    let rec = &recs[0];
    assert_eq!(rec["id"], "000_b6b9ef57101965bf");
    assert_eq!(rec["source"], "seeds/000_b6b9ef57101965bf.txt");
    let text = std::fs::read_to_string(root().join("seeds/000_b6b9ef57101965bf.txt")).unwrap();
    assert_eq!(rec["text"], text.as_str());
    assert_eq!(
        rec["title"],
        "NATO Secretary General Jens Stoltenberg supports Ukrainian President Volodymyr Zelenskyy"
    );
    for key in ["sentences", "entities", "clusters", "quotes"] {
        assert!(rec[key].is_array(), "{key} is a list");
    }
    let summary = stderr(&out);
    assert!(summary.contains("1 documents, 0 errors"), "{summary}");
}

#[test]
fn directories_are_read_recursively_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("b/inner")).unwrap();
    std::fs::write(dir.path().join("b/inner/c.txt"), "Third.").unwrap();
    std::fs::write(dir.path().join("a.txt"), "First.").unwrap();
    std::fs::write(dir.path().join("b/a.txt"), "Second.").unwrap();
    std::fs::write(dir.path().join("notes.md"), "Not an article.").unwrap();
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let texts: Vec<String> = records(&out)
        .iter()
        .map(|r| r["text"].to_string())
        .collect();
    assert_eq!(texts, ["\"First.\"", "\"Second.\"", "\"Third.\""]);
}

#[test]
fn jsonl_fields_ids_and_meta_are_carried_through() {
    let out = run_on(&[&fixture("feed.jsonl")], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], "feed-1");
    assert_eq!(recs[0]["title"], "Rail strike ends");
    assert_eq!(recs[0]["meta"]["section"], "business");
    assert!(recs[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("feed.jsonl:1"));
    assert_eq!(recs[1]["title"], serde_json::Value::Null);
    assert!(recs[1].get("meta").is_none(), "no unknown fields, no meta");
}

#[test]
fn gzip_inputs_are_read_transparently() {
    let dir = tempfile::tempdir().unwrap();
    let gz = |name: &str, content: &[u8]| {
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        enc.write_all(content).unwrap();
        enc.finish().unwrap();
    };
    gz("a.txt.gz", b"Headline\n\nBody text.");
    gz(
        "b.jsonl.gz",
        b"{\"id\":\"x\",\"text\":\"One.\"}\n{\"id\":\"y\",\"text\":\"Two.\"}\n",
    );
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recs = records(&out);
    let ids: Vec<&str> = recs.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "x", "y"]);
    assert_eq!(recs[0]["title"], "Headline");
}

#[test]
fn offsets_are_code_points() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"u\",\"text\":\"Zoë € 😀 said hi.\\n\\nNext.\"}\n",
    )
    .unwrap();
    let out = run_on(&[&path], &[]);
    let rec = &records(&out)[0];
    let text: Vec<char> = rec["text"].as_str().unwrap().chars().collect();
    let sentences = rec["sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    for s in sentences {
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert!(start < end && end <= text.len(), "{s}");
        let span: String = text[start..end].iter().collect();
        assert_eq!(span, span.trim(), "sentence spans are trimmed");
    }
    let last = sentences.last().unwrap();
    assert_eq!(last["end"].as_u64().unwrap() as usize, text.len());
}

#[test]
fn missing_input_is_a_usage_error_naming_the_path() {
    let out = pipeline()
        .args(["--input", "seeds", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing runs");
    assert!(stderr(&out).contains("no/such/dir"), "{}", stderr(&out));
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
}

#[test]
fn some_failed_documents_exit_1_and_the_rest_are_processed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Fine.").unwrap();
    std::fs::write(dir.path().join("b.txt"), b"\xff\xfe broken").unwrap();
    std::fs::write(dir.path().join("c.txt"), "Also fine.").unwrap();
    let out = run_on(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    let kinds: Vec<Option<&str>> = recs.iter().map(error_kind).collect();
    assert_eq!(kinds, [None, Some("invalid_utf8"), None]);
    assert!(
        stderr(&out).contains("3 documents, 1 errors"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn output_file_gets_the_same_records_as_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    let to_file = pipeline()
        .args(["--input", "tests/data/articles", "--output"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(to_file.status.code(), Some(0), "{}", stderr(&to_file));
    let to_stdout = pipeline()
        .args(["--input", "tests/data/articles"])
        .output()
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), to_stdout.stdout);
}
