//! Decoding arbitrary bytes never panics: every raw record becomes a
//! document or a clear error.

use proptest::prelude::*;
use reader::{decode, Body, RawDoc};

fn raw(body: Body) -> RawDoc {
    RawDoc {
        id: "x:1".into(),
        source: "x.jsonl:1".into(),
        body,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn text_bodies_decode_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        match decode(raw(Body::Text(bytes.clone()))) {
            Ok(doc) => {
                let expected = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                prop_assert_eq!(doc.text.as_bytes(), expected);
            }
            Err(err) => prop_assert!(["binary", "invalid_utf8"].contains(&err.kind.as_str())),
        }
    }

    #[test]
    fn json_lines_decode_or_fail_cleanly(line in "\\PC{0,200}") {
        if let Err(err) = decode(raw(Body::JsonLine(line.into_bytes()))) {
            prop_assert!(["malformed_json", "missing_text"].contains(&err.kind.as_str()));
            prop_assert!(err.message.starts_with("line 1:"));
        }
    }

    #[test]
    fn json_records_keep_their_text(text in "\\PC{0,200}", id in "[a-z0-9]{1,8}") {
        let line = serde_json::json!({"id": id, "text": text, "extra": 1}).to_string();
        let doc = decode(raw(Body::JsonLine(line.into_bytes()))).unwrap();
        prop_assert_eq!(doc.text, text);
        prop_assert_eq!(doc.id, id);
        prop_assert!(doc.meta.is_some());
    }
}
