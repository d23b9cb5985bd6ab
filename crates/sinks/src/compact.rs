//! The JSON contract written straight into a line buffer.
//!
//! [`JsonlSink`](crate::JsonlSink) is the pipeline's single writer thread, so
//! its cost caps the run's thread scaling. This writer produces exactly the
//! bytes `serde_json::to_writer(record_with(..))` produces (same key order,
//! number formatting and string escaping; `meta` still goes through
//! serde_json), without serde's generic map and sequence machinery:
//!
//! - the text is scanned once, and that scan notes where it had to escape a
//!   byte and where its multi-byte characters are; the texts of spans (an
//!   entity's, a quote's) are then copied without a scan of their own unless
//!   an escape lies inside them, and byte offsets become code points by
//!   counting forward from the previous span rather than by a binary search;
//! - an item's markup and numbers are written into a [`Room`], a fixed-size
//!   stretch at the end of the output, which costs one capacity check per
//!   stretch instead of one per piece.

use document::{Document, Label, QuoteKind, Span};

use crate::record::RecordOptions;
use crate::Outcome;

/// Buffers reused from one record to the next.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Each entity's `(start, end)` in code points, for cluster mentions.
    entity_offsets: Vec<(u32, u32)>,
    /// The text's multi-byte characters, see [`TextMarks::multibyte`].
    multibyte: Vec<(u32, u32)>,
    /// The text's bytes that need an escape, see [`TextMarks::escapes`].
    escapes: Vec<u32>,
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
    let Scratch {
        entity_offsets,
        multibyte,
        escapes,
    } = scratch;
    write_text(out, text, multibyte, escapes);
    let marks = TextMarks {
        text,
        multibyte,
        escapes,
    };
    if let Some(meta) = &doc.meta {
        out.extend_from_slice(b",\"meta\":");
        serde_json::to_writer(&mut *out, meta)?;
    }

    out.extend_from_slice(b",\"sentences\":[");
    let mut sentence_at = CharCursor::new(marks.multibyte);
    let mut token_at = CharCursor::new(marks.multibyte);
    for (idx, sentence) in doc.sentences.iter().enumerate() {
        let (start, end) = sentence_at.span(sentence.span);
        with_room(out, |room| {
            if idx > 0 {
                room.byte(b',');
            }
            room.start_end(start, end);
            if options.tokens {
                room.put(b",\"tokens\":[");
            } else {
                room.byte(b'}');
            }
        });
        if options.tokens {
            let tokens = doc.sentence_tokens(sentence).iter();
            write_pairs(out, tokens.map(|token| token_at.span(token.span)));
            out.extend_from_slice(b"]}");
        }
    }

    out.extend_from_slice(b"],\"entities\":[");
    let mut entity_at = CharCursor::new(marks.multibyte);
    let mut entity_escapes = EscapeCursor::default();
    entity_offsets.clear();
    for (idx, entity) in doc.entities.iter().enumerate() {
        let (start, end) = entity_at.span(entity.span);
        entity_offsets.push((start, end));
        let markup = EntityMarkup {
            first: idx == 0,
            start,
            end,
            label: entity.label,
            cluster: entity.cluster,
        };
        marks.write_span_between(out, entity.span, &mut entity_escapes, &markup);
    }

    out.extend_from_slice(b"],\"clusters\":[");
    for (id, cluster) in doc.clusters.iter().enumerate() {
        with_room(out, |room| {
            if id > 0 {
                room.byte(b',');
            }
            room.put(b"{\"id\":");
            room.uint(id as u64);
            room.put(b",\"name\":");
        });
        write_str(out, &cluster.name);
        with_room(out, |room| {
            room.put(b",\"label\":");
            room.label(cluster.label);
            room.put(b",\"titles\":[");
        });
        for (idx, title) in cluster.titles.iter().enumerate() {
            if idx > 0 {
                out.push(b',');
            }
            write_str(out, title);
        }
        out.extend_from_slice(b"],\"mentions\":[");
        let mentions = cluster.mentions.iter();
        write_pairs(out, mentions.map(|&m| entity_offsets[m as usize]));
        out.extend_from_slice(b"]}");
    }

    out.extend_from_slice(b"],\"quotes\":[");
    let mut quote_at = CharCursor::new(marks.multibyte);
    let mut quote_escapes = EscapeCursor::default();
    for (idx, quote) in doc.quotes.iter().enumerate() {
        let (start, end) = quote_at.span(quote.span);
        with_room(out, |room| {
            if idx > 0 {
                room.byte(b',');
            }
            room.start_end(start, end);
            room.put(b",\"text\":");
        });
        marks.write_span_text(out, quote.span, &mut quote_escapes);
        with_room(out, |room| {
            room.put(b",\"kind\":");
            room.kind(quote.kind);
            if !quote.parts.is_empty() {
                room.put(b",\"parts\":[");
            }
        });
        if !quote.parts.is_empty() {
            for (idx, &part) in quote.parts.iter().enumerate() {
                let (start, end) = quote_at.span(part);
                with_room(out, |room| {
                    if idx > 0 {
                        room.byte(b',');
                    }
                    room.start_end(start, end);
                    room.byte(b'}');
                });
            }
            out.push(b']');
        }
        out.extend_from_slice(b",\"cue\":");
        marks.write_opt_span(out, quote.cue, &mut quote_at, &mut quote_escapes);
        out.extend_from_slice(b",\"speaker\":");
        marks.write_opt_span(out, quote.speaker, &mut quote_at, &mut quote_escapes);
        with_room(out, |room| {
            room.put(b",\"cluster\":");
            room.opt_uint(quote.cluster);
            room.put(b",\"speaker_name\":");
        });
        write_opt_str(out, quote.speaker_name.as_deref());
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

/// `[start,end]` of each of `pairs`, comma-separated.
#[inline(always)]
fn write_pairs(out: &mut Vec<u8>, pairs: impl Iterator<Item = (u32, u32)>) {
    for (idx, (start, end)) in pairs.enumerate() {
        with_room(out, |room| {
            if idx > 0 {
                room.byte(b',');
            }
            room.pair(start, end);
        });
    }
}

/// What the scan of the text found ([`write_text`]), for writing spans.
struct TextMarks<'a> {
    text: &'a str,
    /// `(byte offset just past a multi-byte character, extra bytes of all
    /// multi-byte characters up to there)` for each multi-byte character of
    /// the text, as [`document::CharOffsets`] keeps them; empty for ASCII.
    multibyte: &'a [(u32, u32)],
    /// The byte offset of every byte of the text that needs an escape, in
    /// increasing order.
    escapes: &'a [u32],
}

impl TextMarks<'_> {
    /// The span's text as a JSON string; copied as is, without a scan, when
    /// the text's scan found no escape inside it.
    #[inline]
    fn write_span_text(&self, out: &mut Vec<u8>, span: Span, escapes: &mut EscapeCursor) {
        let value = span.text(self.text);
        if escapes.any_in(self.escapes, span) {
            write_escaped_str(out, value.as_bytes());
        } else {
            write_plain_str(out, value.as_bytes());
        }
    }

    /// The markup's head, the span's text as a JSON string, then the
    /// markup's tail. A short text that needs no escape (a name, a cue) is
    /// copied as a fixed-size block into one wide room with the rest, not
    /// appended on its own.
    #[inline(always)]
    fn write_span_between(
        &self,
        out: &mut Vec<u8>,
        span: Span,
        escapes: &mut EscapeCursor,
        markup: &impl Markup,
    ) {
        let len = span.text(self.text).len();
        let start = span.start as usize;
        let text = self.text.as_bytes();
        if len <= SHORT_TEXT
            && start + SHORT_TEXT <= text.len()
            && !escapes.any_in(self.escapes, span)
        {
            // The block runs past the span; what follows the span's text in
            // the room overwrites that part (or is cut off with the room).
            let block: &[u8; SHORT_TEXT] = text[start..start + SHORT_TEXT]
                .try_into()
                .expect("SHORT_TEXT bytes");
            with_wide_room(out, |room| {
                markup.head(room);
                room.byte(b'"');
                room.put_prefix(block, len);
                room.byte(b'"');
                markup.tail(room);
            });
        } else {
            with_room(out, |room| markup.head(room));
            self.write_span_text(out, span, escapes);
            with_room(out, |room| markup.tail(room));
        }
    }

    /// `{"start":s,"end":e,"text":"..."}` or `null`.
    fn write_opt_span(
        &self,
        out: &mut Vec<u8>,
        span: Option<Span>,
        at: &mut CharCursor<'_>,
        escapes: &mut EscapeCursor,
    ) {
        match span {
            Some(span) => {
                let (start, end) = at.span(span);
                self.write_span_between(out, span, escapes, &SpanMarkup { start, end });
            }
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// What goes around a span's text in a record.
trait Markup {
    /// Up to the text's opening quote (at most 46 bytes).
    fn head(&self, room: &mut Room<'_>);
    /// After the text's closing quote (at most 40 bytes).
    fn tail(&self, room: &mut Room<'_>);
}

/// An entity: `{"start":s,"end":e,"text":` and `,"label":..,"cluster":..}`
/// (after a comma unless first).
struct EntityMarkup {
    first: bool,
    start: u32,
    end: u32,
    label: Label,
    cluster: Option<u32>,
}

impl Markup for EntityMarkup {
    #[inline(always)]
    fn head(&self, room: &mut Room<'_>) {
        if !self.first {
            room.byte(b',');
        }
        room.start_end(self.start, self.end);
        room.put(b",\"text\":");
    }

    #[inline(always)]
    fn tail(&self, room: &mut Room<'_>) {
        room.put(b",\"label\":");
        room.label(self.label);
        room.put(b",\"cluster\":");
        room.opt_uint(self.cluster);
        room.byte(b'}');
    }
}

/// A quote's cue or speaker: `{"start":s,"end":e,"text":` and `}`.
struct SpanMarkup {
    start: u32,
    end: u32,
}

impl Markup for SpanMarkup {
    #[inline(always)]
    fn head(&self, room: &mut Room<'_>) {
        room.start_end(self.start, self.end);
        room.put(b",\"text\":");
    }

    #[inline(always)]
    fn tail(&self, room: &mut Room<'_>) {
        room.byte(b'}');
    }
}

/// Where a walk over spans is in [`TextMarks::escapes`]: spans come in
/// (nearly) increasing order, so finding whether one holds an escape costs
/// a comparison or two rather than a search.
#[derive(Debug, Default)]
struct EscapeCursor {
    /// The first escape at or after the start of the last span asked about.
    next: usize,
}

impl EscapeCursor {
    /// Whether an escaped byte lies inside `span`.
    #[inline]
    fn any_in(&mut self, escapes: &[u32], span: Span) -> bool {
        let mut next = self.next;
        while next < escapes.len() && escapes[next] < span.start {
            next += 1;
        }
        while next > 0 && escapes[next - 1] >= span.start {
            next -= 1;
        }
        self.next = next;
        next < escapes.len() && escapes[next] < span.end
    }
}

/// Room for any one piece written through [`with_room`]: the longest is a
/// sentence's `,{"start":s,"end":e,"tokens":[` with two ten-digit offsets
/// (48 bytes).
const ROOM: usize = 64;

/// Room for an entity written whole through [`with_wide_room`]: head (at
/// most 47 bytes with the opening quote), text ([`SHORT_TEXT`]), closing
/// quote and tail (at most 41).
const WIDE_ROOM: usize = 128;

/// The longest span text copied as one block into a wide room.
const SHORT_TEXT: usize = 32;

/// A fixed-size stretch at the end of the output being filled from its
/// start; what is not filled is cut off again by [`with_room`].
struct Room<'a> {
    buf: &'a mut [u8],
    at: usize,
}

/// Lets `fill` write up to [`ROOM`] bytes at the end of `out`.
#[inline(always)]
fn with_room(out: &mut Vec<u8>, fill: impl FnOnce(&mut Room<'_>)) {
    fill_room::<ROOM>(out, fill);
}

/// Lets `fill` write up to [`WIDE_ROOM`] bytes at the end of `out`.
#[inline(always)]
fn with_wide_room(out: &mut Vec<u8>, fill: impl FnOnce(&mut Room<'_>)) {
    fill_room::<WIDE_ROOM>(out, fill);
}

/// Lets `fill` write up to `SIZE` bytes at the end of `out`. The stretch is
/// zeroed first (a few vector stores), so the writes are checked against a
/// size the compiler knows rather than against the vector's capacity each.
#[inline(always)]
fn fill_room<const SIZE: usize>(out: &mut Vec<u8>, fill: impl FnOnce(&mut Room<'_>)) {
    let start = out.len();
    out.extend_from_slice(&[0; SIZE]);
    let mut room = Room {
        buf: &mut out[start..start + SIZE],
        at: 0,
    };
    fill(&mut room);
    let end = start + room.at;
    out.truncate(end);
}

impl Room<'_> {
    /// The first `len` bytes of `block`; the rest of it is written too but
    /// left past the end, for what comes next to overwrite.
    #[inline(always)]
    fn put_prefix<const N: usize>(&mut self, block: &[u8; N], len: usize) {
        debug_assert!(len <= N);
        self.put(block);
        self.at -= N - len;
    }

    #[inline(always)]
    fn byte(&mut self, byte: u8) {
        self.buf[self.at] = byte;
        self.at += 1;
    }

    #[inline(always)]
    fn put<const N: usize>(&mut self, bytes: &[u8; N]) {
        self.buf[self.at..self.at + N].copy_from_slice(bytes);
        self.at += N;
    }

    /// `{"start":s,"end":e` (the caller closes the object).
    #[inline(always)]
    fn start_end(&mut self, start: u32, end: u32) {
        self.put(b"{\"start\":");
        self.uint(u64::from(start));
        self.put(b",\"end\":");
        self.uint(u64::from(end));
    }

    /// `[start,end]`.
    #[inline(always)]
    fn pair(&mut self, start: u32, end: u32) {
        self.byte(b'[');
        self.uint(u64::from(start));
        self.byte(b',');
        self.uint(u64::from(end));
        self.byte(b']');
    }

    #[inline(always)]
    fn opt_uint(&mut self, value: Option<u32>) {
        match value {
            Some(value) => self.uint(u64::from(value)),
            None => self.put(b"null"),
        }
    }

    /// `value` in decimal, as serde_json (itoa) writes it.
    #[inline(always)]
    fn uint(&mut self, value: u64) {
        // Offsets are mostly below 10 000: those are written as fixed-size
        // arrays, which compile to a store or two.
        match value {
            0..=9 => self.byte(b'0' + value as u8),
            10..=99 => self.put(&DIGIT_PAIRS[value as usize]),
            100..=999 => {
                let [b, c] = DIGIT_PAIRS[(value % 100) as usize];
                self.put(&[b'0' + (value / 100) as u8, b, c]);
            }
            1000..=9999 => {
                let [a, b] = DIGIT_PAIRS[(value / 100) as usize];
                let [c, d] = DIGIT_PAIRS[(value % 100) as usize];
                self.put(&[a, b, c, d]);
            }
            _ => self.long_uint(value),
        }
    }

    #[cold]
    fn long_uint(&mut self, value: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = value;
        while rest >= 100 {
            at -= 2;
            digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[(rest % 100) as usize]);
            rest /= 100;
        }
        if rest >= 10 {
            at -= 2;
            digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[rest as usize]);
        } else {
            at -= 1;
            digits[at] = b'0' + rest as u8;
        }
        let len = digits.len() - at;
        self.buf[self.at..self.at + len].copy_from_slice(&digits[at..]);
        self.at += len;
    }

    /// The label's name as a JSON string; each arm is a fixed-size store.
    /// (A test checks these against [`Label::as_str`].)
    #[inline(always)]
    fn label(&mut self, label: Label) {
        match label {
            Label::Person => self.put(b"\"PERSON\""),
            Label::Org => self.put(b"\"ORG\""),
            Label::Loc => self.put(b"\"LOC\""),
            Label::Misc => self.put(b"\"MISC\""),
            Label::Date => self.put(b"\"DATE\""),
            Label::Time => self.put(b"\"TIME\""),
            Label::Money => self.put(b"\"MONEY\""),
            Label::Percent => self.put(b"\"PERCENT\""),
        }
    }

    /// The quote kind's name as a JSON string, as [`Room::label`].
    #[inline(always)]
    fn kind(&mut self, kind: QuoteKind) {
        match kind {
            QuoteKind::Direct => self.put(b"\"direct\""),
            QuoteKind::Mixed => self.put(b"\"mixed\""),
            QuoteKind::Indirect => self.put(b"\"indirect\""),
        }
    }
}

fn write_opt_str(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(value) => write_str(out, value),
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
        write_plain_str(out, bytes);
    } else {
        write_escaped_str(out, bytes);
    }
}

/// `bytes`, which need no escape, as a JSON string.
#[inline]
fn write_plain_str(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    out.extend_from_slice(bytes);
    out.push(b'"');
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
    while let Some(at) = find_flagged(bytes, run_start, escape_mask) {
        out.extend_from_slice(&bytes[run_start..at]);
        write_escape(out, bytes[at]);
        run_start = at + 1;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

/// The document's text as [`write_str`] writes it, noting on the way the
/// offset of every escaped byte in `escapes` and every multi-byte character
/// in `multibyte` (see [`TextMarks`]): one pass over the text for all three.
fn write_text(
    out: &mut Vec<u8>,
    text: &str,
    multibyte: &mut Vec<(u32, u32)>,
    escapes: &mut Vec<u32>,
) {
    multibyte.clear();
    escapes.clear();
    let bytes = text.as_bytes();
    // Offsets fit u32: documents are capped below 4 GiB (spans are u32).
    let offset = |at: usize| u32::try_from(at).expect("text offsets fit u32");
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run_start = 0;
    let mut extra = 0;
    let mut from = 0;
    while let Some(at) = find_flagged(bytes, from, escape_or_multibyte_mask) {
        let byte = bytes[at];
        if byte < 0x80 {
            out.extend_from_slice(&bytes[run_start..at]);
            write_escape(out, byte);
            escapes.push(offset(at));
            run_start = at + 1;
            from = run_start;
            continue;
        }
        // A run of multi-byte characters is walked here, not searched for
        // one character at a time.
        let mut next = at;
        while next < bytes.len() && bytes[next] >= 0x80 {
            // `text` is valid UTF-8, so the lead byte gives the width.
            let width = match bytes[next] {
                0x80..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            next += width;
            extra += width - 1;
            multibyte.push((offset(next), offset(extra)));
        }
        from = next;
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

/// [`escape_mask`] plus the high bit of each non-ASCII byte; the lowest set
/// bit is still exact.
#[inline]
fn escape_or_multibyte_mask(word: u64) -> u64 {
    escape_mask(word) | (word & HIGHS)
}

/// The eight bytes at `at` as one little-endian word.
#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

/// The first byte at or after `from` whose flag `mask` sets, 32 bytes at a
/// time (the compiler keeps the four words in two vector registers).
/// `mask` gives the high bit of each flagged byte of a word, exact for the
/// lowest and set only at or above a byte that is truly flagged.
#[inline(always)]
fn find_flagged(bytes: &[u8], from: usize, mask: impl Fn(u64) -> u64) -> Option<usize> {
    let len = bytes.len();
    let mut at = from;
    let mut blocks = bytes[from..].chunks_exact(32);
    for block in &mut blocks {
        let words: [u64; 4] = std::array::from_fn(|i| {
            u64::from_le_bytes(block[i * 8..i * 8 + 8].try_into().expect("eight bytes"))
        });
        let masks = words.map(&mask);
        if masks[0] | masks[1] | masks[2] | masks[3] != 0 {
            let (i, flags) = masks
                .into_iter()
                .enumerate()
                .find(|&(_, flags)| flags != 0)
                .expect("a word with a flag");
            return Some(at + i * 8 + (flags.trailing_zeros() / 8) as usize);
        }
        at += 32;
    }
    while at + 8 <= len {
        let flags = mask(word_at(bytes, at));
        if flags != 0 {
            return Some(at + (flags.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if at == len {
        return None;
    }
    if len - from >= 8 {
        // The last eight bytes overlap bytes already found clean (all at or
        // after `from`), which cannot start a borrow, so the lowest flag is
        // still exact.
        let start = len - 8;
        let flags = mask(word_at(bytes, start));
        return (flags != 0).then(|| start + (flags.trailing_zeros() / 8) as usize);
    }
    // Fewer than eight bytes: pad them with a byte no mask flags.
    let mut tail = [b'a'; 8];
    tail[..len - at].copy_from_slice(&bytes[at..]);
    let flags = mask(u64::from_le_bytes(tail));
    (flags != 0).then(|| at + (flags.trailing_zeros() / 8) as usize)
}

/// Byte offsets to code-point offsets over [`TextMarks::multibyte`], moving
/// from the previous lookup: the spans of one list come in (nearly)
/// increasing order, so a lookup costs the number of multi-byte characters
/// between it and the last one, not a binary search.
///
/// Gives what [`document::CharOffsets`] gives for every offset, also one
/// inside a character or past the end.
#[derive(Debug)]
struct CharCursor<'a> {
    marks: &'a [(u32, u32)],
    /// Marks before `next` end at or before the last offset looked up.
    next: usize,
    /// The byte range `[low, high)` in which every offset has `extra`
    /// extra bytes before it: the answer without touching the marks.
    low: u32,
    high: u32,
    extra: u32,
}

impl<'a> CharCursor<'a> {
    fn new(marks: &'a [(u32, u32)]) -> Self {
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
        self.high = self.marks.get(next).map_or(u32::MAX, |&(end, _)| end);
    }

    #[inline]
    fn offset(&mut self, byte: u32) -> u32 {
        // `high` is u32::MAX past the last mark, so the offset u32::MAX
        // itself always seeks; that finds the last mark again.
        if byte < self.low || byte >= self.high {
            self.seek(byte);
        }
        byte - self.extra
    }

    #[cold]
    fn seek(&mut self, byte: u32) {
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
    fn span(&mut self, span: Span) -> (u32, u32) {
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
    fn every_short_span_matches_serde_json() {
        // Spans of every length up to past the block size, starting
        // everywhere: with and without an escape inside, across multi-byte
        // characters, and ending at or near the end of the text.
        let text = "Mr \"Smith\" said\n\ncafé €5 to Ann-Marie O'Neil, 😀 chief of Acme\tCorp. tail";
        let mut doc = Document::new("d", "s", text);
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .collect();
        for (i, &start) in boundaries.iter().enumerate() {
            for &end in boundaries[i..].iter().take(40) {
                let span = Span::new(start, end);
                doc.entities.push(Entity {
                    span,
                    label: Label::ALL[start % Label::ALL.len()],
                    tokens: 0..0,
                    sentence_idx: 0,
                    cluster: (end % 3 == 0).then_some(end as u32),
                });
                doc.quotes.push(Quote {
                    span,
                    kind: QuoteKind::Direct,
                    parts: vec![],
                    cue: Some(span),
                    speaker: (start % 2 == 0).then_some(span),
                    cluster: None,
                    speaker_name: None,
                });
            }
        }
        assert_same(&Ok(doc));
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
        for label in Label::ALL {
            let mut out = Vec::new();
            with_room(&mut out, |room| room.label(label));
            assert_eq!(out, serde_json::to_vec(label.as_str()).expect("serde"));
        }
        for kind in [QuoteKind::Direct, QuoteKind::Mixed, QuoteKind::Indirect] {
            let mut out = Vec::new();
            with_room(&mut out, |room| room.kind(kind));
            assert_eq!(out, serde_json::to_vec(kind.as_str()).expect("serde"));
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
            u64::MAX,
        ] {
            let mut out = b"x".to_vec();
            with_room(&mut out, |room| room.uint(value));
            assert_eq!(
                out[1..],
                serde_json::to_vec(&value).expect("serde"),
                "{value}"
            );
            assert_eq!(out[0], b'x');
        }
    }

    /// Texts with escapes and multi-byte characters at every position
    /// relative to the eight-byte words, runs of each, and short texts.
    fn scanned_texts() -> Vec<String> {
        let mut texts = vec![String::new(), tricky(), "a".into(), "é".into(), "\n".into()];
        for pad in 0..40 {
            let plain = "x".repeat(pad);
            for special in ["\"", "\n\n", "é", "€😀é", "\u{1}é\"", "😀\n"] {
                texts.push(format!("{plain}{special}"));
                texts.push(format!("{special}{plain}{special}{plain}"));
            }
        }
        texts
    }

    #[test]
    fn text_scan_writes_as_serde_json_and_finds_every_escape_and_character() {
        for text in scanned_texts() {
            let (mut multibyte, mut escapes) = (Vec::new(), Vec::new());
            let mut out = Vec::new();
            write_text(&mut out, &text, &mut multibyte, &mut escapes);
            assert_eq!(out, serde_json::to_vec(&text).expect("serde"), "{text:?}");
            let expected_escapes: Vec<u32> = (0..text.len())
                .filter(|&at| is_escaped(text.as_bytes()[at]))
                .map(|at| at as u32)
                .collect();
            assert_eq!(escapes, expected_escapes, "{text:?}");
            let mut extra = 0;
            let mut expected_multibyte = Vec::new();
            for (at, ch) in text.char_indices().filter(|(_, ch)| ch.len_utf8() > 1) {
                extra += ch.len_utf8() as u32 - 1;
                expected_multibyte.push(((at + ch.len_utf8()) as u32, extra));
            }
            assert_eq!(multibyte, expected_multibyte, "{text:?}");
        }
    }

    #[test]
    fn escape_cursor_finds_escapes_in_spans_in_any_order() {
        let text = "a\"b\n\ncd \"quoted\" plain words\tx\"";
        let (mut multibyte, mut escapes) = (Vec::new(), Vec::new());
        write_text(&mut Vec::new(), text, &mut multibyte, &mut escapes);
        let mut spans = Vec::new();
        for start in 0..=text.len() {
            for end in start..=text.len() {
                spans.push(Span::new(start, end));
            }
        }
        let backward: Vec<Span> = spans.iter().rev().copied().collect();
        let mut cursor = EscapeCursor::default();
        for span in spans.into_iter().chain(backward) {
            let expected = span.text(text).bytes().any(is_escaped);
            assert_eq!(cursor.any_in(&escapes, span), expected, "{span:?}");
        }
    }

    #[test]
    fn cursor_matches_char_offsets_in_any_order() {
        // Multi-byte characters of every width, next to each other and
        // after ASCII runs longer than a word.
        let text = "aé€😀b\u{301}c ascii run of a few words€x 0123456789abcdef😀 tail";
        let reference = CharOffsets::new(text);
        let (mut marks, mut escapes) = (Vec::new(), Vec::new());
        write_text(&mut Vec::new(), text, &mut marks, &mut escapes);
        let mut cursor = CharCursor::new(&marks);
        // Forward, backward, inside characters and past the end.
        let order: Vec<usize> = (0..=text.len() + 3).chain((0..text.len()).rev()).collect();
        for byte in order {
            assert_eq!(
                cursor.offset(byte as u32) as usize,
                reference.char_offset(byte),
                "byte {byte}"
            );
        }
    }
}
