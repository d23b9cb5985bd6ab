//! Byte offsets inside Rust, code-point offsets in JSON.

/// Converts byte offsets of one text into Unicode code-point offsets.
///
/// Building it costs one pass over the text; for ASCII text it stores
/// nothing. Otherwise it records, for each multi-byte character, how many
/// extra bytes precede its end, and a lookup is a binary search.
///
/// ```
/// use document::CharOffsets;
///
/// let text = "€5 and 6";
/// let offsets = CharOffsets::new(text);
/// assert_eq!(offsets.char_offset(3), 1); // the byte after '€'
/// assert_eq!(offsets.char_offset(text.len()), 8);
/// ```
#[derive(Debug, Clone)]
pub struct CharOffsets {
    /// `(byte offset just past a multi-byte char, extra bytes up to there)`,
    /// sorted by byte offset. Empty for ASCII text.
    marks: Vec<(u32, u32)>,
}

impl CharOffsets {
    /// Indexes `text`.
    pub fn new(text: &str) -> CharOffsets {
        let mut marks = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0u32;
            for (at, ch) in text.char_indices() {
                let width = ch.len_utf8() as u32;
                if width > 1 {
                    extra += width - 1;
                    marks.push((at as u32 + width, extra));
                }
            }
        }
        CharOffsets { marks }
    }

    /// The code-point offset of byte offset `byte`, which must be on a char
    /// boundary.
    #[inline]
    pub fn char_offset(&self, byte: usize) -> usize {
        if self.marks.is_empty() {
            return byte;
        }
        // Marks at or before `byte` count; a mark sits just past its char.
        let n_before = self.marks.partition_point(|&(end, _)| end as usize <= byte);
        match n_before {
            0 => byte,
            k => byte - self.marks[k - 1].1 as usize,
        }
    }

    /// A span's `(start, end)` in code points.
    #[inline]
    pub fn span(&self, span: crate::Span) -> (usize, usize) {
        (
            self.char_offset(span.start as usize),
            self.char_offset(span.end as usize),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_char_indices() {
        let text = "aé€😀b\u{301}c";
        let offsets = CharOffsets::new(text);
        for (cp, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.char_offset(byte), cp, "byte {byte}");
        }
        assert_eq!(offsets.char_offset(text.len()), text.chars().count());
    }

    #[test]
    fn ascii_is_identity() {
        let offsets = CharOffsets::new("plain ascii");
        assert_eq!(offsets.char_offset(6), 6);
    }
}
