//! Turning raw bytes into a [`Document`], without I/O.

use document::{DocError, Document};
use serde_json::{Map, Value};

use crate::plain_json::decode_plain;
use crate::{Body, RawDoc};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes one raw record: a `.txt` article or a JSONL line.
///
/// Fails with a [`DocError`] whose `kind` says why: `unreadable` and
/// `too_large` (from reading), `binary` (NUL bytes), `invalid_utf8`,
/// `malformed_json`, `missing_text`.
pub fn decode(raw: RawDoc) -> Result<Document, DocError> {
    let RawDoc { id, source, body } = raw;
    let fail = |id: String, source: String, kind: &str, message: String| DocError {
        id,
        source,
        kind: kind.to_string(),
        message,
    };
    match body {
        Body::Failed { kind, message } => Err(fail(id, source, kind, message)),
        Body::Text(bytes) => match decode_text(bytes) {
            Ok(text) => {
                let title = text
                    .lines()
                    .map(str::trim)
                    .find(|line| !line.is_empty())
                    .map(str::to_string);
                let mut doc = Document::new(id, source, text);
                doc.title = title;
                Ok(doc)
            }
            Err((kind, message)) => Err(fail(id, source, kind, message)),
        },
        Body::JsonLine(bytes) => match decode_json(&bytes) {
            Ok(fields) => {
                let mut doc = Document::new(fields.id.unwrap_or(id), source, fields.text);
                doc.title = fields.title;
                doc.meta = fields.meta;
                Ok(doc)
            }
            Err((kind, message)) => {
                let line = source.rsplit_once(':').map_or("?", |(_, n)| n).to_string();
                Err(fail(id, source, kind, format!("line {line}: {message}")))
            }
        },
    }
}

type Failure = (&'static str, String);

fn decode_text(mut bytes: Vec<u8>) -> Result<String, Failure> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    if let Some(at) = memchr_nul(&bytes) {
        return Err((
            "binary",
            format!("not a text file: NUL byte at offset {at}"),
        ));
    }
    String::from_utf8(bytes).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        (
            "invalid_utf8",
            format!("not valid UTF-8: invalid byte sequence at offset {at}"),
        )
    })
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// What a JSONL line gives a document.
#[derive(Debug, PartialEq)]
pub(crate) struct JsonFields {
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) text: String,
    pub(crate) meta: Option<Map<String, Value>>,
}

fn decode_json(mut bytes: &[u8]) -> Result<JsonFields, Failure> {
    if bytes.starts_with(BOM) {
        bytes = &bytes[BOM.len()..];
    }
    // The usual shape is read without serde_json's Value; the same fields
    // come out (see plain_json).
    if let Some(fields) = decode_plain(bytes) {
        return Ok(fields);
    }
    decode_json_value(bytes)
}

/// A JSONL line (without BOM) through serde_json's `Value`: any shape, and
/// the error messages.
pub(crate) fn decode_json_value(bytes: &[u8]) -> Result<JsonFields, Failure> {
    let mut map: Map<String, Value> = match serde_json::from_slice(bytes) {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            return Err((
                "malformed_json",
                format!("expected a JSON object, found {}", json_kind(&other)),
            ))
        }
        Err(err) => return Err(("malformed_json", format!("invalid JSON: {err}"))),
    };
    let text = match map.remove("text") {
        Some(Value::String(text)) => text,
        Some(other) => {
            return Err((
                "missing_text",
                format!("\"text\" must be a string, found {}", json_kind(&other)),
            ))
        }
        None => return Err(("missing_text", "the record has no \"text\" field".into())),
    };
    let id = match map.remove("id") {
        Some(Value::String(id)) => Some(id),
        Some(Value::Number(n)) => Some(n.to_string()),
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err((
                "malformed_json",
                format!(
                    "\"id\" must be a string or number, found {}",
                    json_kind(&other)
                ),
            ))
        }
    };
    let title = match map.remove("title") {
        Some(Value::String(title)) => Some(title),
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err((
                "malformed_json",
                format!("\"title\" must be a string, found {}", json_kind(&other)),
            ))
        }
    };
    let meta = (!map.is_empty()).then_some(map);
    Ok(JsonFields {
        id,
        title,
        text,
        meta,
    })
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_doc(bytes: &[u8]) -> Result<Document, DocError> {
        decode(RawDoc {
            id: "a".into(),
            source: "a.txt".into(),
            body: Body::Text(bytes.to_vec()),
        })
    }

    fn json_doc(line: &str) -> Result<Document, DocError> {
        decode(RawDoc {
            id: "feed:3".into(),
            source: "feed.jsonl:3".into(),
            body: Body::JsonLine(line.as_bytes().to_vec()),
        })
    }

    #[test]
    fn text_title_is_first_non_empty_line_and_bom_is_dropped() {
        let doc = text_doc(b"\xEF\xBB\xBF\n  Headline here \r\nBody.").unwrap();
        assert_eq!(doc.title.as_deref(), Some("Headline here"));
        assert_eq!(doc.text, "\n  Headline here \r\nBody.");
    }

    #[test]
    fn binary_and_bad_utf8_are_errors() {
        assert_eq!(text_doc(b"ab\0c").unwrap_err().kind, "binary");
        let err = text_doc(b"ok \xff\xfe").unwrap_err();
        assert_eq!(err.kind, "invalid_utf8");
        assert!(err.message.contains("offset 3"), "{}", err.message);
    }

    #[test]
    fn json_errors_name_the_line() {
        let err = json_doc("{not json").unwrap_err();
        assert_eq!(err.kind, "malformed_json");
        assert!(err.message.starts_with("line 3:"), "{}", err.message);
        assert_eq!(json_doc(r#"{"id": "x"}"#).unwrap_err().kind, "missing_text");
        assert_eq!(json_doc(r#"[1]"#).unwrap_err().kind, "malformed_json");
    }

    #[test]
    fn json_defaults_and_meta() {
        let doc = json_doc(r#"{"text": "T", "id": 7, "url": "u"}"#).unwrap();
        assert_eq!(doc.id, "7");
        assert_eq!(doc.meta.unwrap()["url"], "u");
        let doc = json_doc(r#"{"text": "T"}"#).unwrap();
        assert_eq!(doc.id, "feed:3");
        assert!(doc.meta.is_none());
    }
}
