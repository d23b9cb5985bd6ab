//! Paragraphs and the meaning of a line break.
//!
//! A blank line (or a paragraph separator, U+2029, or a form feed) always ends
//! a paragraph. A single line break ends one too (news feeds put one
//! paragraph, headline or dateline on each line; the CoNLL files one sentence
//! on each line) unless it only wraps a line:
//!
//! * in a *hard-wrapped block*: at least three lines, all but the last of
//!   about the same width (the widest between 30 and 160 chars, 80% of them
//!   at least 60% as wide), and at least one in five breaks followed by a
//!   lower-case letter. Its line breaks are spaces.
//! * before a lower-case letter, after a line that does not end in `.`, `!`,
//!   `?`, `:` or `;`, when that line ends in a space or the block is prose
//!   (some line in it ends a sentence). A list of lower-case items without
//!   final punctuation stays one item per line.

use document::Span;

use crate::chars::{
    char_at, char_before, is_closer, is_lower, is_terminal, skip_space, skip_space_back, swar,
};

/// One non-blank line of a block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    /// Start of the content (first non-whitespace byte).
    start: usize,
    /// End of the content (past the last non-whitespace byte).
    end: usize,
    /// Whitespace follows the content before the line break.
    ends_space: bool,
    /// The content starts with a lower-case letter.
    starts_lower: bool,
    /// The content ends in `.`, `!`, `?` (possibly inside closing quotes or
    /// brackets): a sentence ends here.
    ends_sentence: bool,
    /// The content ends in sentence punctuation, a colon or a semicolon.
    ends_clause: bool,
}

/// What ends a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    /// A line break: `\n`, `\r\n`, `\r`, VT, NEL, LS.
    Line,
    /// A paragraph break: form feed, PS.
    Paragraph,
    /// The end of the text.
    End,
}

/// What the paragraph scan does at a byte.
mod stop {
    /// It may start a line or paragraph break.
    pub(super) const BREAK: u8 = 1;
    /// It may start a sentence-final mark or a bullet: its position is
    /// collected for the sentence splitter.
    pub(super) const TRIGGER: u8 = 2;
}

/// The [`stop`] flags of every byte.
static STOPS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if crate::sentence::TRIGGERS[b] {
            table[b] |= stop::TRIGGER;
        }
        b += 1;
    }
    table[b'\n' as usize] |= stop::BREAK;
    table[b'\r' as usize] |= stop::BREAK;
    table[0x0B] |= stop::BREAK;
    table[0x0C] |= stop::BREAK;
    table[0xC2] |= stop::BREAK; // U+0085 NEL
    table[0xE2] |= stop::BREAK; // U+2028 LS, U+2029 PS
    table
};

/// Positions collected without a branch per byte: each stop writes its
/// position into the slot past the last one and keeps it only if it is a
/// trigger.
struct Collector<'a> {
    slots: &'a mut Vec<u32>,
    len: usize,
}

impl Collector<'_> {
    /// Records `at` if `keep` is 1 (`keep` is 0 or 1).
    #[inline(always)]
    fn offer(&mut self, at: usize, keep: u8) {
        if self.len == self.slots.len() {
            self.slots.resize(self.slots.len() * 2 + 64, 0);
        }
        self.slots[self.len] = at as u32;
        self.len += usize::from(keep);
    }
}

/// The next break at or after `i`: (its start, its end, its kind). Collects
/// the positions of the sentence triggers before it (and of the break's first
/// byte, when it is one).
#[inline]
fn next_break(text: &str, mut i: usize, triggers: &mut Collector<'_>) -> (usize, usize, Break) {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        // Most bytes are letters, digits and spaces: skip them by eights.
        while i + 8 <= bytes.len() {
            let lanes = swar::not_alnum_or_space(swar::load(bytes, i));
            if lanes != 0 {
                i += lanes.trailing_zeros() as usize / 8;
                break;
            }
            i += 8;
        }
        if i >= bytes.len() {
            break;
        }
        let stops = STOPS[bytes[i] as usize];
        triggers.offer(i, (stops & stop::TRIGGER) >> 1);
        if stops & stop::BREAK != 0 {
            match bytes[i] {
                b'\n' | 0x0B => return (i, i + 1, Break::Line),
                b'\r' => {
                    let len = if bytes.get(i + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    return (i, i + len, Break::Line);
                }
                0x0C => return (i, i + 1, Break::Paragraph),
                0xC2 if bytes.get(i + 1) == Some(&0x85) => return (i, i + 2, Break::Line),
                0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
                    Some(0xA8) => return (i, i + 3, Break::Line),
                    Some(0xA9) => return (i, i + 3, Break::Paragraph),
                    _ => {}
                },
                _ => {}
            }
        }
        i += 1;
    }
    (bytes.len(), bytes.len(), Break::End)
}

/// Appends the paragraphs of `text` to `out` as trimmed spans, in order, and
/// sets `triggers` to the positions of the bytes that may start a
/// sentence-final mark or a bullet ([`sentence::TRIGGERS`]), in order: they
/// all lie inside paragraphs. `lines` is scratch space.
///
/// [`sentence::TRIGGERS`]: crate::sentence::TRIGGERS
pub(crate) fn paragraphs(
    text: &str,
    lines: &mut Vec<Line>,
    triggers: &mut Vec<u32>,
    out: &mut Vec<Span>,
) {
    lines.clear();
    triggers.clear();
    let mut collector = Collector {
        slots: triggers,
        len: 0,
    };
    let mut pos = 0;
    loop {
        let (brk, next, kind) = next_break(text, pos, &mut collector);
        let start = skip_space(text, pos, brk);
        if start == brk {
            flush(text, lines, out); // a blank line
        } else {
            let end = skip_space_back(text, brk, start);
            lines.push(line(text, start, end, brk));
        }
        if kind != Break::Line {
            flush(text, lines, out);
        }
        if kind == Break::End {
            break;
        }
        pos = next;
    }
    let len = collector.len;
    collector.slots.truncate(len);
}

fn line(text: &str, start: usize, end: usize, brk: usize) -> Line {
    let mut last = end;
    while last > start {
        let (c, len) = char_before(text, last);
        if !is_closer(c) {
            break;
        }
        last -= len;
    }
    let final_char = (last > start).then(|| char_before(text, last).0);
    let ends_sentence = final_char.is_some_and(is_terminal);
    Line {
        start,
        end,
        ends_space: end < brk,
        starts_lower: is_lower(char_at(text, start).0),
        ends_sentence,
        ends_clause: ends_sentence || matches!(final_char, Some(':' | ';')),
    }
}

/// Turns one block (lines between blank lines) into paragraphs.
fn flush(text: &str, lines: &mut Vec<Line>, out: &mut Vec<Span>) {
    let Some(first) = lines.first() else {
        return;
    };
    let wrapped = is_hard_wrapped(text, lines);
    let prose = lines.iter().any(|l| l.ends_sentence);
    let mut start = first.start;
    for pair in lines.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let continues = after.starts_lower && !before.ends_clause && (before.ends_space || prose);
        if !(wrapped || continues) {
            out.push(Span::new(start, before.end));
            start = after.start;
        }
    }
    out.push(Span::new(start, lines[lines.len() - 1].end));
    lines.clear();
}

/// Whether a block looks like text wrapped at a fixed width.
fn is_hard_wrapped(text: &str, lines: &[Line]) -> bool {
    if lines.len() < 3 {
        return false;
    }
    let breaks = lines.len() - 1;
    let lower_breaks = lines[1..].iter().filter(|l| l.starts_lower).count();
    if lower_breaks == 0 || lower_breaks * 5 < breaks {
        return false;
    }
    let width = |l: &Line| {
        text.as_bytes()[l.start..l.end]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count()
    };
    let body = &lines[..breaks];
    let widest = body.iter().map(width).max().unwrap_or(0);
    if !(30..=160).contains(&widest) {
        return false;
    }
    let full = body.iter().filter(|l| width(l) * 10 >= widest * 6).count();
    full * 10 >= body.len() * 8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        paragraphs(text, &mut Vec::new(), &mut Vec::new(), &mut out);
        out.iter().map(|s| s.text(text)).collect()
    }

    #[test]
    fn triggers_are_collected_on_the_way() {
        for text in [
            "",
            "One. Two!\n\nThree? \"Four.\" Five",
            "a\r\nb.\rc\u{2029}d\u{2028}e\u{85}f\u{c}g... \u{2026} \u{2022} x",
            "*** -- == ~~ __ ## ;) :-( 12:30 a=b",
            "Ca\u{f1}\u{f3}n \u{3002}\u{ff01}\u{ff1f}\u{ff61}\u{61f}\u{964}\u{965} \u{203c}\u{25cf}.",
            "\u{0}\u{10}\u{19}\u{1f}\u{7f} long words without any mark at all ending here!",
        ] {
            let (mut lines, mut got, mut out) = (Vec::new(), Vec::new(), Vec::new());
            paragraphs(text, &mut lines, &mut got, &mut out);
            let mut expected = Vec::new();
            crate::sentence::triggers(text, 0, text.len(), &mut expected);
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn blank_lines_and_single_breaks() {
        assert_eq!(
            split("One.\n\nTwo.\n \n\nThree."),
            ["One.", "Two.", "Three."]
        );
        assert_eq!(
            split("Title\nFirst line.\nSecond line."),
            ["Title", "First line.", "Second line."]
        );
        assert_eq!(split("  \n\n "), Vec::<&str>::new());
        assert_eq!(split("a\r\nb\rc\u{2029}d"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn wrapped_lines_join() {
        assert_eq!(
            split("It was a cold \nnight in the city."),
            ["It was a cold \nnight in the city."]
        );
        assert_eq!(
            split("This is a sentence\ncut off in the middle because pdf."),
            ["This is a sentence\ncut off in the middle because pdf."]
        );
        assert_eq!(
            split("features\ncontact manager\nevents, activities\n"),
            ["features", "contact manager", "events, activities"]
        );
        let wrapped = "The committee said on Tuesday that the new terminal\n\
                       would open next year, and that President Smith had\n\
                       approved the plan after a long and heated debate.\n\
                       Nobody objected.";
        assert_eq!(split(wrapped), [wrapped]);
    }

    #[test]
    fn sentence_per_line_stays_apart() {
        let text = "Japan began the defence of their title with a win .\n\
                    Two goals came late in the second half .\n\
                    China lost to Uzbekistan in the other group match .";
        assert_eq!(split(text).len(), 3);
    }
}
