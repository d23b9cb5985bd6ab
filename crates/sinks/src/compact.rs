//! The JSON contract written straight into a line buffer.
//!
//! [`JsonlSink`](crate::JsonlSink) is the pipeline's single writer thread, so
//! its cost caps the run's thread scaling. This writer produces exactly the
//! bytes `serde_json::to_writer(record_with(..))` produces (same key order,
//! number formatting and string escaping; `meta` still goes through
//! serde_json), without serde's generic map and sequence machinery: strings
//! are escaped by copying whole runs of bytes that need no escape, and byte
//! offsets become code points by counting forward from the previous span
//! rather than by a binary search per offset.

use document::{Document, Span};

use crate::record::RecordOptions;
use crate::Outcome;

/// Buffers reused from one record to the next.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Each entity's `(start, end)` in code points, for cluster mentions.
    entity_offsets: Vec<(usize, usize)>,
    /// The document's multi-byte characters, see [`index_multibyte`].
    multibyte: Vec<(usize, usize)>,
}

/// Appends `outcome`'s record (without a newline) to `out`.
pub(crate) fn write_record(
    out: &mut Vec<u8>,
    outcome: &Outcome,
    options: RecordOptions,
    scratch: &mut Scratch,
) -> Result<(), serde_json::Error> {
    match outcome {
        Ok(doc) => write_doc(out, doc, options, scratch),
        Err(err) => {
            out.extend_from_slice(b"{\"id\":");
            write_str(out, &err.id);
            out.extend_from_slice(b",\"source\":");
            write_str(out, &err.source);
            out.extend_from_slice(b",\"error\":{\"kind\":");
            write_str(out, &err.kind);
            out.extend_from_slice(b",\"message\":");
            write_str(out, &err.message);
            out.extend_from_slice(b"}}");
            Ok(())
        }
    }
}

fn write_doc(
    out: &mut Vec<u8>,
    doc: &Document,
    options: RecordOptions,
    scratch: &mut Scratch,
) -> Result<(), serde_json::Error> {
    let text = doc.text.as_str();
    // The text dominates the record; reserve for it and a little markup per
    // annotation so the buffer grows at most once.
    out.reserve(
        text.len()
            + 64
            + 24 * (doc.sentences.len() + doc.entities.len())
            + if options.tokens {
                16 * doc.tokens.len()
            } else {
                0
            },
    );
    out.extend_from_slice(b"{\"id\":");
    write_str(out, &doc.id);
    out.extend_from_slice(b",\"source\":");
    write_str(out, &doc.source);
    out.extend_from_slice(b",\"title\":");
    write_opt_str(out, doc.title.as_deref());
    out.extend_from_slice(b",\"text\":");
    write_str(out, text);
    if let Some(meta) = &doc.meta {
        out.extend_from_slice(b",\"meta\":");
        serde_json::to_writer(&mut *out, meta)?;
    }
    index_multibyte(text, &mut scratch.multibyte);
    let marks = scratch.multibyte.as_slice();

    out.extend_from_slice(b",\"sentences\":[");
    let mut sentence_at = CharCursor::new(marks);
    let mut token_at = CharCursor::new(marks);
    for (idx, sentence) in doc.sentences.iter().enumerate() {
        if idx > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"start\":");
        write_uint(out, sentence_at.offset(sentence.span.start));
        out.extend_from_slice(b",\"end\":");
        write_uint(out, sentence_at.offset(sentence.span.end));
        if options.tokens {
            out.extend_from_slice(b",\"tokens\":[");
            for (idx, token) in doc.sentence_tokens(sentence).iter().enumerate() {
                if idx > 0 {
                    out.push(b',');
                }
                write_pair(out, token_at.span(token.span));
            }
            out.push(b']');
        }
        out.push(b'}');
    }

    out.extend_from_slice(b"],\"entities\":[");
    let mut entity_at = CharCursor::new(marks);
    scratch.entity_offsets.clear();
    for (idx, entity) in doc.entities.iter().enumerate() {
        if idx > 0 {
            out.push(b',');
        }
        let (start, end) = entity_at.span(entity.span);
        scratch.entity_offsets.push((start, end));
        write_start_end(out, start, end);
        out.extend_from_slice(b",\"text\":");
        write_str(out, entity.span.text(text));
        out.extend_from_slice(b",\"label\":");
        write_name(out, entity.label.as_str());
        out.extend_from_slice(b",\"cluster\":");
        write_opt_uint(out, entity.cluster);
        out.push(b'}');
    }

    out.extend_from_slice(b"],\"clusters\":[");
    for (id, cluster) in doc.clusters.iter().enumerate() {
        if id > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        write_uint(out, id);
        out.extend_from_slice(b",\"name\":");
        write_str(out, &cluster.name);
        out.extend_from_slice(b",\"label\":");
        write_name(out, cluster.label.as_str());
        out.extend_from_slice(b",\"titles\":[");
        for (idx, title) in cluster.titles.iter().enumerate() {
            if idx > 0 {
                out.push(b',');
            }
            write_str(out, title);
        }
        out.extend_from_slice(b"],\"mentions\":[");
        for (idx, &mention) in cluster.mentions.iter().enumerate() {
            if idx > 0 {
                out.push(b',');
            }
            write_pair(out, scratch.entity_offsets[mention as usize]);
        }
        out.extend_from_slice(b"]}");
    }

    out.extend_from_slice(b"],\"quotes\":[");
    let mut quote_at = CharCursor::new(marks);
    for (idx, quote) in doc.quotes.iter().enumerate() {
        if idx > 0 {
            out.push(b',');
        }
        let (start, end) = quote_at.span(quote.span);
        write_start_end(out, start, end);
        out.extend_from_slice(b",\"text\":");
        write_str(out, quote.span.text(text));
        out.extend_from_slice(b",\"kind\":");
        write_name(out, quote.kind.as_str());
        if !quote.parts.is_empty() {
            out.extend_from_slice(b",\"parts\":[");
            for (idx, &part) in quote.parts.iter().enumerate() {
                if idx > 0 {
                    out.push(b',');
                }
                let (start, end) = quote_at.span(part);
                write_start_end(out, start, end);
                out.push(b'}');
            }
            out.push(b']');
        }
        out.extend_from_slice(b",\"cue\":");
        write_opt_span_text(out, quote.cue, text, &mut quote_at);
        out.extend_from_slice(b",\"speaker\":");
        write_opt_span_text(out, quote.speaker, text, &mut quote_at);
        out.extend_from_slice(b",\"cluster\":");
        write_opt_uint(out, quote.cluster);
        out.extend_from_slice(b",\"speaker_name\":");
        write_opt_str(out, quote.speaker_name.as_deref());
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

/// `{"start":s,"end":e` (the caller closes the object).
fn write_start_end(out: &mut Vec<u8>, start: usize, end: usize) {
    out.extend_from_slice(b"{\"start\":");
    write_uint(out, start);
    out.extend_from_slice(b",\"end\":");
    write_uint(out, end);
}

/// `[start,end]`.
fn write_pair(out: &mut Vec<u8>, (start, end): (usize, usize)) {
    out.push(b'[');
    write_uint(out, start);
    out.push(b',');
    write_uint(out, end);
    out.push(b']');
}

fn write_opt_span_text(out: &mut Vec<u8>, span: Option<Span>, text: &str, at: &mut CharCursor<'_>) {
    match span {
        Some(span) => {
            let (start, end) = at.span(span);
            write_start_end(out, start, end);
            out.extend_from_slice(b",\"text\":");
            write_str(out, span.text(text));
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
}

fn write_opt_str(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(value) => write_str(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

fn write_opt_uint(out: &mut Vec<u8>, value: Option<u32>) {
    match value {
        Some(value) => write_uint(out, value as usize),
        None => out.extend_from_slice(b"null"),
    }
}

/// The two decimal digits of each value below 100.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut n = 0;
    while n < 100 {
        pairs[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    pairs
};

/// `value` in decimal, as serde_json (itoa) writes it.
#[inline]
fn write_uint(out: &mut Vec<u8>, value: usize) {
    // Offsets are mostly below 10 000: copy those as fixed-size arrays,
    // which compile to a store instead of a call to memcpy.
    match value {
        0..=9 => out.push(b'0' + value as u8),
        10..=99 => out.extend_from_slice(&DIGIT_PAIRS[value]),
        100..=999 => {
            let [b, c] = DIGIT_PAIRS[value % 100];
            out.extend_from_slice(&[b'0' + (value / 100) as u8, b, c]);
        }
        1000..=9999 => {
            let [a, b] = DIGIT_PAIRS[value / 100];
            let [c, d] = DIGIT_PAIRS[value % 100];
            out.extend_from_slice(&[a, b, c, d]);
        }
        _ => write_long_uint(out, value),
    }
}

#[cold]
fn write_long_uint(out: &mut Vec<u8>, value: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    while rest >= 100 {
        at -= 2;
        digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[rest % 100]);
        rest /= 100;
    }
    if rest >= 10 {
        at -= 2;
        digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[rest]);
    } else {
        at -= 1;
        digits[at] = b'0' + rest as u8;
    }
    out.extend_from_slice(&digits[at..]);
}

/// One of the contract's fixed names (a label, a quote kind): none needs an
/// escape, so it is copied without a scan.
#[inline]
fn write_name(out: &mut Vec<u8>, name: &'static str) {
    debug_assert!(!name.bytes().any(is_escaped), "{name:?} needs no escape");
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.push(b'"');
}

/// `value` as a JSON string, escaped exactly as serde_json escapes it: `"`,
/// `\` and the control characters below U+0020 (`\b \t \n \f \r` by name,
/// the rest as `\u00xx`); everything else, `/` and non-ASCII included, as is.
#[inline]
pub(crate) fn write_str(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    // Most strings besides the text are a few words (entity names, cues)
    // without an escape: check those with at most four words and copy them
    // without entering the general loop.
    if bytes.len() < 32 && !short_needs_escape(bytes) {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    } else {
        write_escaped_str(out, bytes);
    }
}

/// Whether a string shorter than 32 bytes has a byte to escape.
#[inline]
fn short_needs_escape(bytes: &[u8]) -> bool {
    let len = bytes.len();
    if len < 8 {
        return bytes.iter().any(|&b| is_escaped(b));
    }
    let mut mask = escape_mask(word_at(bytes, len - 8));
    let mut at = 0;
    while at + 8 < len {
        mask |= escape_mask(word_at(bytes, at));
        at += 8;
    }
    mask != 0
}

/// [`write_str`] for any string.
#[inline(never)]
fn write_escaped_str(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run_start = 0;
    while let Some(at) = find_escape(bytes, run_start) {
        out.extend_from_slice(&bytes[run_start..at]);
        write_escape(out, bytes[at]);
        run_start = at + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

fn write_escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let named = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0A => b'n',
        0x0C => b'f',
        0x0D => b'r',
        _ => {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xF)],
            ]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', named]);
}

/// Needs a JSON escape.
#[inline]
fn is_escaped(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that needs an escape. A borrow only
/// starts at a byte that truly matches, so the lowest set bit is exact
/// (higher ones may be spurious); callers use only the lowest.
#[inline]
fn escape_mask(word: u64) -> u64 {
    let below_space = word.wrapping_sub(ONES * 0x20);
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    // A byte with its high bit set is never escaped; `!word` drops them.
    (below_space | quote.wrapping_sub(ONES) | backslash.wrapping_sub(ONES)) & !word & HIGHS
}

/// The eight bytes at `at` as one little-endian word.
#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

/// The first byte at or after `from` that needs an escape, 32 bytes at a
/// time (the compiler keeps the four words in two vector registers).
#[inline]
fn find_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let len = bytes.len();
    let mut at = from;
    let mut blocks = bytes[from..].chunks_exact(32);
    for block in &mut blocks {
        let words: [u64; 4] = std::array::from_fn(|i| {
            u64::from_le_bytes(block[i * 8..i * 8 + 8].try_into().expect("eight bytes"))
        });
        let masks = words.map(escape_mask);
        if masks[0] | masks[1] | masks[2] | masks[3] != 0 {
            let (i, mask) = masks
                .into_iter()
                .enumerate()
                .find(|&(_, mask)| mask != 0)
                .expect("a word with a flag");
            return Some(at + i * 8 + (mask.trailing_zeros() / 8) as usize);
        }
        at += 32;
    }
    while at + 8 <= len {
        let mask = escape_mask(word_at(bytes, at));
        if mask != 0 {
            return Some(at + (mask.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if at == len {
        return None;
    }
    if len - from >= 8 {
        // The last eight bytes overlap bytes already found clean, which
        // cannot start a borrow, so the lowest flag is still exact.
        let start = len - 8;
        let mask = escape_mask(word_at(bytes, start));
        return (mask != 0).then(|| start + (mask.trailing_zeros() / 8) as usize);
    }
    bytes[at..]
        .iter()
        .position(|&b| is_escaped(b))
        .map(|i| at + i)
}

/// `(byte offset just past a multi-byte character, extra bytes of all
/// multi-byte characters up to there)` for each multi-byte character of
/// `text`, as [`document::CharOffsets`] keeps them; empty for ASCII text.
/// ASCII is skipped eight bytes at a time.
fn index_multibyte(text: &str, marks: &mut Vec<(usize, usize)>) {
    marks.clear();
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut extra = 0;
    while at < bytes.len() {
        if at + 8 <= bytes.len() && word_at(bytes, at) & HIGHS == 0 {
            at += 8;
            continue;
        }
        let lead = bytes[at];
        // `text` is valid UTF-8, so the lead byte gives the width.
        let width = match lead {
            0..=0x7F => 1,
            0x80..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        at += width;
        if width > 1 {
            extra += width - 1;
            marks.push((at, extra));
        }
    }
}

/// Byte offsets to code-point offsets over the marks of
/// [`index_multibyte`], moving from the previous lookup: the spans of one
/// list come in (nearly) increasing order, so a lookup costs the number of
/// multi-byte characters between it and the last one, not a binary search.
///
/// Gives what [`document::CharOffsets`] gives for every offset, also one
/// inside a character or past the end.
#[derive(Debug)]
struct CharCursor<'a> {
    marks: &'a [(usize, usize)],
    /// Marks before `next` end at or before the last offset looked up.
    next: usize,
    /// The byte range `[low, high)` in which every offset has `extra`
    /// extra bytes before it: the answer without touching the marks.
    low: usize,
    high: usize,
    extra: usize,
}

impl<'a> CharCursor<'a> {
    fn new(marks: &'a [(usize, usize)]) -> Self {
        let mut cursor = CharCursor {
            marks,
            next: 0,
            low: 0,
            high: 0,
            extra: 0,
        };
        cursor.set_window();
        cursor
    }

    fn set_window(&mut self) {
        let next = self.next;
        (self.low, self.extra) = match next {
            0 => (0, 0),
            n => self.marks[n - 1],
        };
        self.high = self.marks.get(next).map_or(usize::MAX, |&(end, _)| end);
    }

    #[inline]
    fn offset(&mut self, byte: u32) -> usize {
        let byte = byte as usize;
        if byte < self.low || byte >= self.high {
            self.seek(byte);
        }
        byte - self.extra
    }

    #[cold]
    fn seek(&mut self, byte: usize) {
        let mut next = self.next;
        while next < self.marks.len() && self.marks[next].0 <= byte {
            next += 1;
        }
        while next > 0 && self.marks[next - 1].0 > byte {
            next -= 1;
        }
        self.next = next;
        self.set_window();
    }

    #[inline]
    fn span(&mut self, span: Span) -> (usize, usize) {
        (self.offset(span.start), self.offset(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::record_with;
    use document::{
        CharOffsets, Cluster, DocError, Entity, Label, Quote, QuoteKind, Sentence, Token, TokenKind,
    };

    /// Every control character, quotes, backslashes, a solidus, DEL,
    /// non-ASCII of every UTF-8 width, U+2028/U+2029, an emoji and a
    /// combining mark.
    fn tricky() -> String {
        let mut s: String = (0u8..0x20).map(char::from).collect();
        s.push_str(
            "\"q\" back\\slash /solidus/ \u{7f} café €5 \u{2028}\u{2029} 😀 e\u{301} \\u0041 ",
        );
        s
    }

    fn compact(outcome: &Outcome, options: RecordOptions) -> String {
        let mut out = Vec::new();
        write_record(&mut out, outcome, options, &mut Scratch::default()).expect("write");
        String::from_utf8(out).expect("utf-8")
    }

    fn serde(outcome: &Outcome, options: RecordOptions) -> String {
        serde_json::to_string(&record_with(outcome, options)).expect("serde")
    }

    fn assert_same(outcome: &Outcome) {
        for tokens in [false, true] {
            let options = RecordOptions { tokens };
            assert_eq!(compact(outcome, options), serde(outcome, options));
        }
    }

    /// A document whose every string field holds tricky text, with spans on
    /// both sides of multi-byte characters.
    fn tricky_doc() -> Document {
        let mut text = String::from("Héllo \"wörld\"\t😀. ");
        let sentence_two = text.len();
        text.push_str(&tricky());
        text.push_str("She said \u{201c}ça\\va\u{201d}\n end.");
        let mut doc = Document::new(tricky() + "id", tricky() + "src", text.clone());
        doc.title = Some(tricky());
        let meta = serde_json::json!({ "k\"\n": tricky(), "n": [1, 2.5, -3, null, true], "😀": {"a": "\u{2028}"} });
        doc.meta = meta.as_object().cloned();
        // Tokens: every char-boundary run of non-space bytes.
        let mut start = None;
        for (at, ch) in text.char_indices().chain([(text.len(), ' ')]) {
            match (start, ch.is_whitespace()) {
                (None, false) => start = Some(at),
                (Some(s), true) => {
                    doc.tokens.push(Token {
                        span: Span::new(s, at),
                        kind: TokenKind::Word,
                    });
                    start = None;
                }
                _ => {}
            }
        }
        let n_tokens = doc.tokens.len() as u32;
        let split = doc
            .tokens
            .iter()
            .position(|t| t.span.start as usize >= sentence_two)
            .expect("second sentence") as u32;
        doc.sentences = vec![
            Sentence {
                span: Span::new(0, sentence_two - 1),
                tokens: 0..split,
                paragraph_idx: 0,
            },
            Sentence {
                span: Span::new(sentence_two, text.len()),
                tokens: split..n_tokens,
                paragraph_idx: 0,
            },
        ];
        let find = |needle: &str| {
            let at = text.find(needle).expect("needle");
            Span::new(at, at + needle.len())
        };
        for (needle, label, cluster) in [
            ("Héllo", Label::Person, Some(0)),
            ("\"wörld\"\t😀", Label::Org, None),
            ("\u{2028}\u{2029} 😀", Label::Loc, Some(1)),
            ("She", Label::Person, Some(0)),
        ] {
            doc.entities.push(Entity {
                span: find(needle),
                label,
                tokens: 0..0,
                sentence_idx: 0,
                cluster,
            });
        }
        doc.clusters = vec![
            Cluster {
                name: tricky(),
                label: Label::Person,
                mentions: vec![0, 3],
                titles: vec![tricky(), String::new(), "Dr.".into()],
            },
            Cluster {
                name: String::new(),
                label: Label::Loc,
                mentions: vec![2],
                titles: vec![],
            },
        ];
        doc.quotes = vec![
            Quote {
                span: find("ça\\va"),
                kind: QuoteKind::Direct,
                parts: vec![find("ça"), find("va")],
                cue: Some(find("said")),
                speaker: Some(find("She")),
                cluster: Some(0),
                speaker_name: Some(tricky()),
            },
            Quote {
                span: find("\"wörld\""),
                kind: QuoteKind::Indirect,
                parts: vec![],
                cue: None,
                speaker: None,
                cluster: None,
                speaker_name: None,
            },
        ];
        doc
    }

    #[test]
    fn tricky_document_matches_serde_json() {
        assert_same(&Ok(tricky_doc()));
    }

    #[test]
    fn empty_and_ascii_documents_match_serde_json() {
        assert_same(&Ok(Document::new("", "", "")));
        let mut doc = Document::new("a1", "s", "Plain ASCII text. Two.");
        doc.sentences.push(Sentence {
            span: Span::new(0, 17),
            tokens: 0..0,
            paragraph_idx: 0,
        });
        assert_same(&Ok(doc));
    }

    #[test]
    fn error_record_matches_serde_json() {
        assert_same(&Err(DocError {
            id: tricky(),
            source: "src\u{2028}".into(),
            kind: "decode\"".into(),
            message: tricky(),
        }));
    }

    #[test]
    fn every_string_escapes_as_serde_json_does() {
        // Every one- and two-byte combination of ASCII, plus runs long
        // enough to cross the eight-byte words at every alignment.
        let mut cases: Vec<String> = vec![String::new(), tricky()];
        for a in 0u8..0x80 {
            cases.push(char::from(a).to_string());
            for b in [0u8, b'"', b'\\', b'/', b'a', 0x1f, 0x7f] {
                cases.push([char::from(a), char::from(b)].iter().collect());
            }
        }
        for pad in 0..20 {
            for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}", "é", "😀", "\u{2028}"] {
                let plain = "x".repeat(pad);
                cases.push(format!("{plain}{special}{plain}{special}"));
                cases.push(format!("{special}{}", "ÿ".repeat(pad)));
            }
        }
        // One escape at every position of strings up to 72 bytes, followed
        // by the byte its borrow would flag wrongly (`#` after `"`, `]`
        // after `\`, a space after a control character).
        for len in 1..=72 {
            for at in 0..len {
                for (special, next) in [('"', '#'), ('\\', ']'), ('\u{1f}', ' '), ('\n', '!')] {
                    let mut case: Vec<char> = vec!['x'; len];
                    case[at] = special;
                    if at + 1 < len {
                        case[at + 1] = next;
                    }
                    cases.push(case.iter().collect());
                }
            }
        }
        for case in cases {
            let mut out = Vec::new();
            write_str(&mut out, &case);
            assert_eq!(
                String::from_utf8(out).expect("utf-8"),
                serde_json::to_string(&case).expect("serde"),
                "{case:?}"
            );
        }
    }

    #[test]
    fn names_match_serde_json() {
        let labels = Label::ALL.map(Label::as_str);
        let kinds =
            [QuoteKind::Direct, QuoteKind::Mixed, QuoteKind::Indirect].map(QuoteKind::as_str);
        for name in labels.into_iter().chain(kinds) {
            let mut out = Vec::new();
            write_name(&mut out, name);
            assert_eq!(out, serde_json::to_vec(name).expect("serde"));
        }
    }

    #[test]
    fn numbers_match_serde_json() {
        for value in [
            0,
            1,
            9,
            10,
            42,
            99,
            100,
            101,
            507,
            999,
            1000,
            1009,
            9999,
            10_000,
            12345,
            100_000,
            4_294_967_295,
            usize::MAX,
        ] {
            let mut out = Vec::new();
            write_uint(&mut out, value);
            assert_eq!(out, serde_json::to_vec(&value).expect("serde"));
        }
    }

    #[test]
    fn cursor_matches_char_offsets_in_any_order() {
        // Multi-byte characters of every width, next to each other and
        // after ASCII runs longer than a word.
        let text = "aé€😀b\u{301}c ascii run of a few words€x 0123456789abcdef😀 tail";
        let reference = CharOffsets::new(text);
        let mut marks = Vec::new();
        index_multibyte(text, &mut marks);
        let mut cursor = CharCursor::new(&marks);
        // Forward, backward, inside characters and past the end.
        let order: Vec<usize> = (0..=text.len() + 3).chain((0..text.len()).rev()).collect();
        for byte in order {
            assert_eq!(
                cursor.offset(byte as u32),
                reference.char_offset(byte),
                "byte {byte}"
            );
        }
    }
}
