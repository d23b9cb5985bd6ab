//! Cutting inputs into one raw record per document, with bounded memory.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::source::{stem, Format, Input};
use crate::{Body, RawDoc};

/// Default cap on one document's size in bytes (`--max-doc-bytes`): far above
/// any news article, low enough that one bad input cannot exhaust memory.
pub const DEFAULT_MAX_DOC_BYTES: usize = 16 * 1024 * 1024;

/// Size of the buffer between a file and the line splitter.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// An iterator over every document of a list of inputs, in order.
///
/// It holds at most one document in memory at a time (plus one read buffer),
/// so the caller decides how far reading runs ahead.
pub struct Reader {
    inputs: VecDeque<Input>,
    current: Option<LineSource>,
    max_doc_bytes: usize,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("inputs_left", &self.inputs.len())
            .field("max_doc_bytes", &self.max_doc_bytes)
            .finish_non_exhaustive()
    }
}

/// A JSONL file or stream being read line by line.
struct LineSource {
    lines: BufReader<Box<dyn Read + Send>>,
    /// Whether a read may wait for a writer (standard input, a pipe): then
    /// only a line already buffered is at hand.
    may_wait: bool,
    /// `stem` for ids, `path` for sources.
    stem: String,
    path: String,
    line_no: u64,
}

impl Reader {
    /// Reads `inputs` (from [`resolve`](crate::resolve)) in order; documents
    /// larger than `max_doc_bytes` become `too_large` failures.
    pub fn new(inputs: Vec<Input>, max_doc_bytes: usize) -> Reader {
        // Spans are u32 byte offsets.
        let max_doc_bytes = max_doc_bytes.min(u32::MAX as usize);
        Reader {
            inputs: inputs.into(),
            current: None,
            max_doc_bytes,
        }
    }

    /// Whether the next document is at hand: [`next`](Iterator::next)
    /// returns it without waiting for whoever writes a pipe or terminal.
    /// The next line of a regular file always is; of standard input or a
    /// pipe only when it is already buffered. A consumer that collects
    /// documents into batches hands a partial batch on when this is false,
    /// so that a stream's documents are not held back.
    pub fn next_is_ready(&self) -> bool {
        // Past the current input, reading goes on in regular files unless
        // standard input is next (a file that is a pipe is known only once
        // opened).
        let stdin_next = matches!(self.inputs.front(), Some(Input::Stdin));
        match &self.current {
            Some(src) if src.may_wait => has_document_line(src.lines.buffer()),
            // The buffer is looked at only when the file's end would lead
            // to standard input.
            Some(src) => !stdin_next || has_document_line(src.lines.buffer()),
            None => !stdin_next,
        }
    }

    fn next_line(&mut self) -> Option<RawDoc> {
        let max = self.max_doc_bytes;
        let src = self.current.as_mut()?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            src.line_no += 1;
            let id = with_line_no(&src.stem, src.line_no);
            let source = with_line_no(&src.path, src.line_no);
            let read = read_line_limited(&mut src.lines, &mut buf, max);
            let body = match read {
                Ok(Line::Eof) => {
                    self.current = None;
                    return None;
                }
                Ok(Line::Complete) => {
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        continue; // blank lines are not documents
                    }
                    Body::JsonLine(std::mem::take(&mut buf))
                }
                Ok(Line::TooLong { len }) => Body::Failed {
                    kind: "too_large",
                    message: too_large(len, max),
                },
                Err(err) => {
                    // The rest of this stream cannot be trusted; report the
                    // line we were on and move to the next input.
                    self.current = None;
                    Body::Failed {
                        kind: "unreadable",
                        message: format!("read error at line {}: {err}", line_no_of(&source)),
                    }
                }
            };
            return Some(RawDoc { id, source, body });
        }
    }

    fn open(&mut self, input: Input) -> Option<RawDoc> {
        match input {
            Input::Stdin => {
                self.current = Some(LineSource {
                    lines: BufReader::with_capacity(READ_BUFFER_BYTES, Box::new(io::stdin())),
                    may_wait: true,
                    stem: "stdin".into(),
                    path: "stdin".into(),
                    line_no: 0,
                });
                None
            }
            Input::Unlistable { path, message } => Some(RawDoc {
                id: stem(&path),
                source: path.display().to_string(),
                body: Body::Failed {
                    kind: "unreadable",
                    message: format!("cannot read {}: {message}", path.display()),
                },
            }),
            Input::File { path, format, gzip } => {
                let source = path.display().to_string();
                let opened = open_file(&path, gzip);
                match (format, opened) {
                    (_, Err(err)) => Some(RawDoc {
                        id: stem(&path),
                        body: Body::Failed {
                            kind: "unreadable",
                            message: format!("cannot read {source}: {err}"),
                        },
                        source,
                    }),
                    (Format::Text, Ok((reader, _))) => Some(RawDoc {
                        id: stem(&path),
                        body: read_whole(reader, self.max_doc_bytes, &source),
                        source,
                    }),
                    (Format::Jsonl, Ok((reader, regular))) => {
                        self.current = Some(LineSource {
                            lines: BufReader::with_capacity(READ_BUFFER_BYTES, reader),
                            may_wait: !regular,
                            stem: stem(&path),
                            path: source,
                            line_no: 0,
                        });
                        None
                    }
                }
            }
        }
    }
}

impl Iterator for Reader {
    type Item = RawDoc;

    fn next(&mut self) -> Option<RawDoc> {
        loop {
            if self.current.is_some() {
                if let Some(doc) = self.next_line() {
                    return Some(doc);
                }
                continue;
            }
            let input = self.inputs.pop_front()?;
            if let Some(doc) = self.open(input) {
                return Some(doc);
            }
        }
    }
}

/// The file's bytes, inflated if `gzip`, and whether it is a regular file
/// (not a pipe or device, whose reads may wait for a writer).
fn open_file(path: &Path, gzip: bool) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::other("is a directory"));
    }
    let bytes: Box<dyn Read + Send> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    };
    Ok((bytes, meta.is_file()))
}

/// Whether `buffered` holds a whole line with content: the next document
/// (blank lines are skipped) can be read from it alone.
fn has_document_line(buffered: &[u8]) -> bool {
    buffered
        .split_inclusive(|&b| b == b'\n')
        .take_while(|line| line.ends_with(b"\n"))
        .any(|line| !line.iter().all(u8::is_ascii_whitespace))
}

fn read_whole(reader: impl Read, max: usize, source: &str) -> Body {
    let mut bytes = Vec::new();
    match reader.take(max as u64 + 1).read_to_end(&mut bytes) {
        Ok(len) if len > max => Body::Failed {
            kind: "too_large",
            message: format!("{source}: {}", too_large_at_least(max)),
        },
        Ok(_) => Body::Text(bytes),
        Err(err) => Body::Failed {
            kind: "unreadable",
            message: format!("cannot read {source}: {err}"),
        },
    }
}

fn too_large(len: usize, max: usize) -> String {
    format!(
        "document is {len} bytes, over the limit of {max} bytes (raise it with --max-doc-bytes)"
    )
}

fn too_large_at_least(max: usize) -> String {
    format!("document is over the limit of {max} bytes (raise it with --max-doc-bytes)")
}

/// `{name}:{line_no}`, as `format!` writes it, without the formatting
/// machinery (two of these per line were an eighth of the reader thread).
fn with_line_no(name: &str, line_no: u64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = line_no;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let digits = std::str::from_utf8(&digits[at..]).expect("ASCII digits");
    let mut out = String::with_capacity(name.len() + 1 + digits.len());
    out.push_str(name);
    out.push(':');
    out.push_str(digits);
    out
}

fn line_no_of(source: &str) -> &str {
    source.rsplit_once(':').map_or("?", |(_, n)| n)
}

#[derive(Debug, PartialEq, Eq)]
enum Line {
    Eof,
    Complete,
    /// The line was longer than the limit; its bytes were skipped.
    TooLong {
        len: usize,
    },
}

/// Reads one line into `buf` without its `\n` or `\r\n`, keeping at most
/// `max` bytes: a longer line is consumed but not stored. A last line without
/// a newline counts as a line.
fn read_line_limited(reader: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Line> {
    let mut len = 0usize;
    let mut saw_any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if chunk.is_empty() {
            break;
        }
        saw_any = true;
        // memchr compares 16 or 32 bytes an instruction; a byte loop here
        // cost the reader thread six instructions per input byte.
        let (piece, done) = match memchr::memchr(b'\n', chunk) {
            Some(at) => (&chunk[..at], Some(at + 1)),
            None => (chunk, None),
        };
        len += piece.len();
        if len <= max {
            buf.extend_from_slice(piece);
        } else {
            buf.clear();
            buf.shrink_to(READ_BUFFER_BYTES);
        }
        let consumed = done.unwrap_or(chunk.len());
        reader.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !saw_any {
        return Ok(Line::Eof);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
        len = len.saturating_sub(1);
    }
    if len > max {
        return Ok(Line::TooLong { len });
    }
    Ok(Line::Complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(Line, Vec<u8>)> {
        let mut reader = io::Cursor::new(input.to_vec());
        let mut out = Vec::new();
        loop {
            let mut buf = Vec::new();
            let line = read_line_limited(&mut reader, &mut buf, max).unwrap();
            if line == Line::Eof {
                return out;
            }
            out.push((line, buf));
        }
    }

    #[test]
    fn a_document_line_is_whole_and_not_blank() {
        assert!(has_document_line(b"{\"text\":\"a\"}\n{\"te"));
        assert!(has_document_line(b"\n  \r\n{}\n"));
        assert!(!has_document_line(b"{\"text\":\"a\"}"));
        assert!(!has_document_line(b"\n \n{\"te"));
        assert!(!has_document_line(b""));
    }

    #[test]
    fn names_with_line_numbers_read_as_format_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u64::MAX] {
            assert_eq!(with_line_no("feed", n), format!("feed:{n}"));
        }
        assert_eq!(with_line_no("", 7), ":7");
    }

    #[test]
    fn splits_lines_and_strips_crlf() {
        let got = lines(b"a\r\nbb\n\nc", 10);
        let texts: Vec<&[u8]> = got.iter().map(|(_, b)| b.as_slice()).collect();
        assert_eq!(texts, [&b"a"[..], b"bb", b"", b"c"]);
    }

    #[test]
    fn long_lines_are_skipped_not_stored() {
        let got = lines(b"short\nthis one is long\nok\n", 6);
        assert_eq!(got[0], (Line::Complete, b"short".to_vec()));
        assert_eq!(got[1].0, Line::TooLong { len: 16 });
        assert_eq!(got[2], (Line::Complete, b"ok".to_vec()));
    }
}
