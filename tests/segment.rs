//! Sentences and tokens of the binary, as golden files (`expect-test`): run
//! with `UPDATE_EXPECT=1` to rewrite them after a deliberate change, then
//! review the diff.
//!
//! Each `*.sentences` file holds one sentence per line (a line break inside a
//! sentence shows as `\n`), each `*.tokens` file one sentence per line with its
//! tokens separated by ` | `, under a `# id` header per document.

use expect_test::expect_file;

use crate::util::{fixture, records, root, run_on, stderr};

/// Runs the binary with `--tokens` on `input`; returns the rendered
/// sentences and tokens of every record, after checking the offsets.
fn render(input: &std::path::Path) -> (String, String) {
    let out = run_on(&[input], &["--tokens"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (mut sentences, mut tokens) = (String::new(), String::new());
    for rec in records(&out) {
        let text: Vec<char> = rec["text"].as_str().unwrap().chars().collect();
        let slice = |s: &serde_json::Value, e: &serde_json::Value| -> String {
            let (s, e) = (s.as_u64().unwrap() as usize, e.as_u64().unwrap() as usize);
            assert!(s < e && e <= text.len(), "span {s}..{e} inside the text");
            text[s..e].iter().collect()
        };
        let id = rec["id"].as_str().unwrap();
        sentences.push_str(&format!("# {id}\n"));
        tokens.push_str(&format!("# {id}\n"));
        let mut covered = vec![false; text.len()];
        for sentence in rec["sentences"].as_array().unwrap() {
            let body = slice(&sentence["start"], &sentence["end"]);
            assert_eq!(body.trim(), body, "sentences are trimmed");
            sentences.push_str(&body.replace('\n', "\\n"));
            sentences.push('\n');
            let mut words = Vec::new();
            for token in sentence["tokens"].as_array().unwrap() {
                let (s, e) = (token[0].as_u64().unwrap(), token[1].as_u64().unwrap());
                assert!(
                    sentence["start"].as_u64().unwrap() <= s
                        && e <= sentence["end"].as_u64().unwrap(),
                    "tokens lie inside their sentence"
                );
                for flag in &mut covered[s as usize..e as usize] {
                    assert!(!*flag, "tokens do not overlap");
                    *flag = true;
                }
                words.push(slice(&token[0], &token[1]));
            }
            tokens.push_str(&words.join(" | "));
            tokens.push('\n');
        }
        for (c, covered) in text.iter().zip(&covered) {
            assert!(*covered || c.is_whitespace(), "{c:?} is in a token");
        }
    }
    (sentences, tokens)
}

#[test]
fn seed_article() {
    let (sentences, tokens) = render(&root().join("seeds/000_b6b9ef57101965bf.txt"));
    expect_file!["data/segment/seed.sentences"].assert_eq(&sentences);
    expect_file!["data/segment/seed.tokens"].assert_eq(&tokens);
}

#[test]
fn wire_story_abbreviations_numbers_urls() {
    let (sentences, tokens) = render(&fixture("segment/wire.txt"));
    expect_file!["data/segment/wire.sentences"].assert_eq(&sentences);
    expect_file!["data/segment/wire.tokens"].assert_eq(&tokens);
}

#[test]
fn quotes_and_multi_paragraph_quotes() {
    let (sentences, _) = render(&fixture("segment/quotes.txt"));
    expect_file!["data/segment/quotes.sentences"].assert_eq(&sentences);
}

#[test]
fn line_breaks_headlines_wrapping_lists() {
    let (sentences, _) = render(&fixture("segment/lines.jsonl"));
    expect_file!["data/segment/lines.sentences"].assert_eq(&sentences);
}
