//! A JSONL line of the usual shape, read in one pass.
//!
//! Nearly every line of a corpus is `{"id": "..", "title": "..", "text":
//! ".."}`. Building a `serde_json::Value` map for it costs a scan of the text
//! in eight-byte words, a copy through serde_json's scratch buffer and a
//! map; this reader finds the end of each string run with `memchr` and
//! unescapes straight into the field's own buffer.
//!
//! It accepts only what serde_json accepts, and reads it to the same fields:
//! anything else (another key, which becomes `meta`; a repeated key; an `id`
//! that is a number; any syntax error, control character, invalid UTF-8 or
//! lone surrogate) gives `None`, and the line goes through serde_json,
//! which also words the errors.

use crate::decode::JsonFields;

/// The fields of `bytes` (a line without its BOM) when it is an object whose
/// keys are only `"text"` (a string), `"id"` and `"title"` (each a string or
/// null), each at most once and spelled without escapes; `None` otherwise.
pub(crate) fn decode_plain(bytes: &[u8]) -> Option<JsonFields> {
    let mut line = Cursor { bytes, at: 0 };
    line.skip_whitespace();
    line.eat(b'{')?;
    let mut id: Option<Option<String>> = None;
    let mut title: Option<Option<String>> = None;
    let mut text: Option<String> = None;
    loop {
        line.skip_whitespace();
        let key = line.plain_key()?;
        line.skip_whitespace();
        line.eat(b':')?;
        line.skip_whitespace();
        match key {
            b"text" if text.is_none() => text = Some(line.string(true)?),
            b"id" if id.is_none() => id = Some(line.string_or_null()?),
            b"title" if title.is_none() => title = Some(line.string_or_null()?),
            _ => return None,
        }
        line.skip_whitespace();
        match line.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    line.skip_whitespace();
    if line.at != bytes.len() {
        return None;
    }
    Some(JsonFields {
        id: id.flatten(),
        title: title.flatten(),
        text: text?,
        meta: None,
    })
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn next(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn eat(&mut self, expected: u8) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// A key's bytes, if it is a string without escapes or control
    /// characters.
    fn plain_key(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let rest: &'a [u8] = &self.bytes[self.at..];
        let len = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[len] != b'"' || has_control(&rest[..len]) {
            return None;
        }
        self.at += len + 1;
        Some(&rest[..len])
    }

    /// `null` as `None`, a string as `Some`.
    fn string_or_null(&mut self) -> Option<Option<String>> {
        if self.bytes[self.at..].starts_with(b"null") {
            self.at += 4;
            return Some(None);
        }
        self.string(false).map(Some)
    }

    /// A string value, unescaped. `long` says it probably takes most of
    /// the rest of the line (the text): its buffer is sized for that at
    /// once.
    fn string(&mut self, long: bool) -> Option<String> {
        self.eat(b'"')?;
        let rest = &self.bytes[self.at..];
        let run = memchr::memchr2(b'"', b'\\', rest)?;
        if has_control(&rest[..run]) {
            return None;
        }
        if rest[run] == b'"' {
            // No escape: one copy.
            self.at += run + 1;
            return String::from_utf8(rest[..run].to_vec()).ok();
        }
        let mut out = Vec::with_capacity(if long { rest.len() } else { 2 * run + 16 });
        out.extend_from_slice(&rest[..run]);
        self.at += run;
        loop {
            // At a backslash.
            self.at += 1;
            match self.next()? {
                b'"' => out.push(b'"'),
                b'\\' => out.push(b'\\'),
                b'/' => out.push(b'/'),
                b'b' => out.push(0x08),
                b'f' => out.push(0x0C),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'u' => {
                    let ch = self.unicode_escape()?;
                    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                }
                _ => return None,
            }
            let rest = &self.bytes[self.at..];
            let run = memchr::memchr2(b'"', b'\\', rest)?;
            if has_control(&rest[..run]) {
                return None;
            }
            out.extend_from_slice(&rest[..run]);
            self.at += run;
            if rest[run] == b'"' {
                self.at += 1;
                return String::from_utf8(out).ok();
            }
        }
    }

    /// The character of a `\u` escape (after the `u`): a code point outside
    /// the surrogates, or a leading surrogate with its trailing one in a
    /// second escape. A lone surrogate gives `None` (serde_json decides).
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                self.eat(b'\\')?;
                self.eat(b'u')?;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return None,
            _ => first,
        };
        char::from_u32(code)
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        self.at += 4;
        digits.iter().try_fold(0, |code, &digit| {
            Some(code * 16 + (digit as char).to_digit(16)?)
        })
    }
}

/// Whether `run` holds a control character, which JSON strings may hold
/// only escaped. Its least byte is found with no early exit, which the
/// compiler turns into a vector minimum (about one instruction per 16
/// bytes).
fn has_control(run: &[u8]) -> bool {
    run.iter().fold(u8::MAX, |least, &byte| least.min(byte)) < 0x20
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_json_value;
    use proptest::prelude::*;

    /// The fast reader agrees with serde_json whenever it answers.
    fn assert_agrees(line: &str) -> Option<JsonFields> {
        let plain = decode_plain(line.as_bytes());
        if let Some(plain) = &plain {
            let full = decode_json_value(line.as_bytes())
                .unwrap_or_else(|err| panic!("serde_json rejects {line:?}: {err:?}"));
            assert_eq!(plain, &full, "{line:?}");
        }
        plain
    }

    #[test]
    fn usual_lines_are_read() {
        for line in [
            r#"{"id": "a1", "title": "T", "text": "Hello."}"#,
            r#"{"text":"x"}"#,
            " \t{ \"text\" : \"a\\nb\\\"c\\\\d\\/e\\bf\\fg\\rh\\ti\" , \"id\":null,\"title\":null } \r ",
            r#"{"text": "caf\u00e9 \u00E9 \u20ac \ud83d\ude00 \u0000 end"}"#,
            r#"{"text": "raw café € 😀", "title": "\"quoted\""}"#,
            r#"{"text": ""}"#,
        ] {
            assert!(assert_agrees(line).is_some(), "{line:?}");
        }
        let fields = decode_plain(br#"{"id":"x","text":"a\ud83d\ude00\n"}"#).expect("plain");
        assert_eq!(fields.text, "a😀\n");
        assert_eq!(fields.id.as_deref(), Some("x"));
    }

    #[test]
    fn anything_unusual_is_left_to_serde_json() {
        for line in [
            r#"{"text": "a", "lang": "en"}"#,
            r#"{"text": "a", "text": "b"}"#,
            r#"{"id": 7, "text": "a"}"#,
            r#"{"te\u0078t": "a"}"#,
            r#"{"title": "t"}"#,
            r#"{}"#,
            r#"{"text": "a",}"#,
            r#"{"text": "a"} x"#,
            r#"{"text": "a""#,
            r#"{"text": "a\x"}"#,
            r#"{"text": "\ud83d"}"#,
            r#"{"text": "\ude00"}"#,
            r#"{"text": "\ud83d\u0041"}"#,
            r#"{"text": "\u12"}"#,
            "{\"text\": \"tab\there\"}",
            r#"["text"]"#,
            r#"{"text": null}"#,
            r#"{"id": nul, "text": "a"}"#,
        ] {
            assert!(assert_agrees(line).is_none(), "{line:?}");
        }
        assert!(decode_plain(b"{\"text\": \"bad \xff utf-8\"}").is_none());
        assert!(decode_plain(b"{\"text\": \"cut \xc3\\n\"}").is_none());
    }

    /// A JSON string of characters and escapes of every kind; with
    /// `broken`, also bad escapes, lone surrogates and raw control
    /// characters.
    fn string_value(broken: bool) -> impl Strategy<Value = String> {
        let good = prop_oneof![
            Just("\\n".to_string()),
            Just("\\\"".to_string()),
            Just("\\\\".to_string()),
            Just("\\/".to_string()),
            Just("\\b\\f\\r\\t".to_string()),
            Just("\\u00e9".to_string()),
            Just("\\u20AC".to_string()),
            Just("\\ud83d\\ude00".to_string()),
            any::<char>()
                .prop_filter("JSON strings hold no raw control characters", |c| *c >= ' ')
                .prop_filter("quotes and backslashes come escaped", |c| !matches!(
                    c,
                    '"' | '\\'
                ))
                .prop_map(String::from),
            "[a-zA-Z ]{0,12}",
        ];
        let bad = prop_oneof![
            Just("\\ud83d".to_string()),
            Just("\\ude00x".to_string()),
            Just("\\q".to_string()),
            Just("\\u12".to_string()),
            Just("\u{1}".to_string()),
            Just("\n".to_string()),
        ];
        let part = if broken {
            prop_oneof![4 => good, 1 => bad].boxed()
        } else {
            good.boxed()
        };
        prop::collection::vec(part, 0..8).prop_map(|parts| format!("\"{}\"", parts.concat()))
    }

    /// Pieces of lines: keys, values, whitespace and punctuation.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just(" ".to_string()),
            Just("\t".to_string()),
            Just("null".to_string()),
            Just("7".to_string()),
            Just(r#""text""#.to_string()),
            Just(r#""id""#.to_string()),
            Just(r#""title""#.to_string()),
            Just(r#""url""#.to_string()),
            string_value(true),
        ]
    }

    /// `null` or a string.
    fn string_or_null(broken: bool) -> impl Strategy<Value = String> {
        prop_oneof![1 => Just("null".to_string()), 4 => string_value(broken)]
    }

    /// Lines of the usual shape, in any key order.
    fn usual_line(broken: bool) -> impl Strategy<Value = String> {
        (
            string_or_null(broken),
            string_or_null(broken),
            string_value(broken),
            0..6usize,
        )
            .prop_map(|(id, title, text, order)| {
                let mut fields = [
                    format!(r#""id": {id}"#),
                    format!(r#""title":{title}"#),
                    format!(r#" "text" :{text} "#),
                ];
                fields.swap(0, order % 3);
                fields.swap(1, 1 + order % 2);
                format!("{{{}}}", fields.join(","))
            })
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_random_pieces(
            pieces in prop::collection::vec(piece(), 0..12)
        ) {
            assert_agrees(&pieces.concat());
        }

        #[test]
        fn reads_usual_lines_as_serde_json_does(line in usual_line(false)) {
            prop_assert!(assert_agrees(&line).is_some(), "{:?}", line);
        }

        #[test]
        fn agrees_with_serde_json_on_usual_lines_with_broken_strings(line in usual_line(true)) {
            assert_agrees(&line);
        }
    }
}
