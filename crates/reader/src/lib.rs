//! Reading news articles into raw records, one per document.
//!
//! Reading is split in two so that the expensive part runs in parallel:
//! [`Reader`] does the I/O (walking directories, opening files, inflating
//! `.gz`, cutting JSONL into lines) and yields one [`RawDoc`] per document
//! without parsing it; [`decode`] turns a `RawDoc` into a
//! [`Document`](document::Document) and does no I/O.
//!
//! Every document yields exactly one `RawDoc`: a file that cannot be read, a
//! line that is too long or a directory that cannot be listed becomes a
//! `RawDoc` whose body is [`Body::Failed`], and [`decode`] turns it into the
//! document's error record.
//!
//! ```
//! use reader::{decode, Body, RawDoc};
//!
//! let line = RawDoc {
//!     id: "feed:1".into(),
//!     source: "feed.jsonl:1".into(),
//!     body: Body::JsonLine(br#"{"id": "a1", "text": "Hello.", "lang": "en"}"#.to_vec()),
//! };
//! let doc = decode(line).unwrap();
//! assert_eq!(doc.id, "a1");
//! assert_eq!(doc.text, "Hello.");
//! assert_eq!(doc.meta.unwrap()["lang"], "en");
//! ```

#![warn(missing_docs)]

mod decode;
mod frame;
mod plain_json;
mod source;

pub use decode::decode;
pub use frame::{Reader, DEFAULT_MAX_DOC_BYTES};
pub use source::{resolve, Format, Input, ResolveError};

/// One document as read, not yet decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDoc {
    /// The id to use when the record does not carry one: the file stem for
    /// `.txt`, `stem:line` for JSONL.
    pub id: String,
    /// Where it came from: the path, `path:line` for JSONL, `stdin:line`.
    pub source: String,
    /// The bytes, or why there are none.
    pub body: Body,
}

impl RawDoc {
    /// Size of the body in bytes (0 for failures).
    pub fn len(&self) -> usize {
        match &self.body {
            Body::Text(bytes) | Body::JsonLine(bytes) => bytes.len(),
            Body::Failed { .. } => 0,
        }
    }

    /// Whether the body is empty or failed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a [`RawDoc`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// The whole content of a `.txt` file: one article.
    Text(Vec<u8>),
    /// One line of a JSONL file or stream, without its line ending.
    JsonLine(Vec<u8>),
    /// The document could not be read.
    Failed {
        /// Machine-readable reason (`unreadable`, `too_large`, ...).
        kind: &'static str,
        /// Human-readable explanation.
        message: String,
    },
}
