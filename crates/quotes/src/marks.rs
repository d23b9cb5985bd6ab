//! Pairing quote marks into quoted spans, tolerating what news text does:
//! multi-paragraph quotes that close only in their last paragraph, stray and
//! unbalanced marks, apostrophes that look like closing single quotes.

use crate::scan::{Kind, Mark, Scan};

/// One top-level quoted span.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quoted {
    /// Token index of the opening mark, `None` when the mark is missing (a
    /// paragraph that only closes a quote).
    pub open: Option<u32>,
    /// Token index of the closing mark, `None` when the quote runs to the
    /// end of its unit.
    pub close: Option<u32>,
    /// First token inside the marks.
    pub inner_start: u32,
    /// One past the last token inside the marks.
    pub inner_end: u32,
    /// Index of the unit.
    pub unit: u32,
    /// Whether it continues an unclosed quote of the previous unit.
    pub continues: bool,
    /// Whether it stands as a quotation of its own (at a sentence start,
    /// after a colon or comma), as opposed to a fragment inside a sentence.
    pub full: bool,
    /// Whether the quoted text ends like speech: with punctuation before
    /// the closing mark, unclosed, or long.
    pub speechlike: bool,
}

/// Pairs the marks of every unit and writes the top-level quoted spans, in
/// text order, to `out` (emptied first).
pub(crate) fn pair(scan: &Scan, out: &mut Vec<Quoted>) {
    out.clear();
    let mut stack: Vec<(u32, bool)> = Vec::new();
    let mut prev_unit_open: Option<bool> = None;
    // Only quote-mark tokens have a mark: walk those.
    let mut marks = scan.marks.iter().copied().peekable();
    for (u, unit) in scan.units.iter().enumerate() {
        stack.clear();
        let first_in_unit = out.len();
        let mut seen_mark = false;
        while let Some(t) = marks.next_if(|&t| t < unit.end) {
            let tok = &scan.toks[t as usize];
            let Some(mark) = tok.mark else {
                continue;
            };
            match mark {
                Mark::DOpen => stack.push((t, true)),
                Mark::SOpen => stack.push((t, false)),
                Mark::DClose | Mark::DAmbig => {
                    if let Some(pos) = stack.iter().rposition(|&(_, d)| d) {
                        let open = stack[pos].0;
                        stack.truncate(pos);
                        if stack.is_empty() {
                            out.push(make(scan, Some(open), Some(t), u as u32));
                        }
                    } else if mark == Mark::DAmbig {
                        stack.push((t, true));
                    } else if !seen_mark && stack.is_empty() && ends_speech(scan, t) {
                        // A paragraph that only closes a quote: its opening
                        // mark is missing, or it continues the quote above.
                        out.push(make(scan, None, Some(t), u as u32));
                    }
                }
                Mark::SClose => {
                    let last_double = stack.iter().rposition(|&(_, d)| d);
                    let single = stack.iter().rposition(|&(_, d)| !d);
                    if let Some(pos) = single.filter(|&s| last_double.map_or(true, |d| s > d)) {
                        if !(is_plural_possessive(scan, t) && later_single_close(scan, t, unit.end))
                        {
                            let open = stack[pos].0;
                            stack.truncate(pos);
                            if stack.is_empty() {
                                out.push(make(scan, Some(open), Some(t), u as u32));
                            }
                        }
                    }
                }
            }
            seen_mark = true;
        }
        // Whatever is still open: a double quote runs to the end of the unit
        // (news style for a quote that goes on in the next paragraph); a
        // single one only if it opened the unit and the next unit opens
        // with one too (British style), otherwise it was an apostrophe.
        let mut unit_open = None;
        if let Some(&(open, double)) = stack.first() {
            // British style: a single quote opening the unit and going on
            // in the next one, which opens with a single mark too.
            let next_opens_single = scan.units.get(u + 1).is_some_and(|n| {
                n.start < n.end && scan.toks[n.start as usize].mark == Some(Mark::SOpen)
            });
            if double || open == unit.start && next_opens_single {
                out.push(make(scan, Some(open), None, u as u32));
                unit_open = Some(double);
            }
        }
        // A quote left open continues in the next unit if that one opens
        // with the same kind of mark (or only closes one).
        if let Some(double) = prev_unit_open {
            if let Some(q) = out.get_mut(first_in_unit) {
                let same_kind = q.open.map_or(true, |o| {
                    o == unit.start
                        && scan.toks[o as usize]
                            .mark
                            .is_some_and(|m| m.is_double() == double)
                });
                if same_kind {
                    q.continues = true;
                }
            }
        }
        prev_unit_open = unit_open;
    }
    for q in out.iter_mut() {
        classify(scan, q);
    }
}

fn make(scan: &Scan, open: Option<u32>, close: Option<u32>, unit: u32) -> Quoted {
    let u = &scan.units[unit as usize];
    let inner_start = open.map_or(u.start, |o| o + 1);
    let inner_end = close.unwrap_or(u.end);
    Quoted {
        open,
        close,
        inner_start,
        inner_end: inner_end.max(inner_start),
        unit,
        continues: false,
        full: false,
        speechlike: false,
    }
}

/// Whether the token before a closing mark ends a stretch of speech
/// (`,” he said`, `.”`).
fn ends_speech(scan: &Scan, close: u32) -> bool {
    close > 0 && {
        let prev = &scan.toks[close as usize - 1];
        prev.unit == scan.toks[close as usize].unit
            && prev.kind == Kind::Punct
            && matches!(prev.ch, ',' | '.' | '?' | '!' | '…')
    }
}

/// `players’ union`: an `s` then the mark then a lowercase word.
fn is_plural_possessive(scan: &Scan, t: u32) -> bool {
    let t = t as usize;
    t > 0
        && scan.toks[t - 1].end == scan.toks[t].start
        && scan.toks[t - 1].kind == Kind::Word
        && scan.toks[t - 1].span().len() > 1
        && scan
            .toks
            .get(t + 1)
            .is_some_and(|n| n.kind == Kind::Word && !n.cap())
}

fn later_single_close(scan: &Scan, t: u32, end: u32) -> bool {
    scan.toks[t as usize + 1..end as usize]
        .iter()
        .take_while(|x| x.mark != Some(Mark::SOpen))
        .any(|x| x.mark == Some(Mark::SClose))
}

fn classify(scan: &Scan, q: &mut Quoted) {
    let toks = &scan.toks;
    let inner = &toks[q.inner_start as usize..q.inner_end as usize];
    let first_word = inner.iter().find(|t| t.kind != Kind::Quote);
    let starts_cap = first_word.is_some_and(|t| t.cap() || t.kind == Kind::Number);
    let n_words = inner.iter().filter(|t| t.kind == Kind::Word).count();
    q.full = match q.open {
        None => true,
        Some(o) => {
            let unit_start = scan.units[q.unit as usize].start;
            if o == unit_start {
                true
            } else {
                let prev = &toks[o as usize - 1];
                match prev.kind {
                    Kind::Punct => match prev.ch {
                        '.' | '!' | '?' | '…' | ':' | ';' | '(' | '[' | '—' | '–' | '-' => {
                            true
                        }
                        ',' => starts_cap || o >= 2 && toks[o as usize - 2].kind == Kind::Quote,
                        _ => false,
                    },
                    Kind::Quote => true,
                    Kind::Word | Kind::Number => {
                        // `said “We ...`: a reporting verb right before; or a
                        // sentence ending in an abbreviation (`in Santa
                        // Monica, Calif. “The ...`).
                        starts_cap
                            && (prev.abbr() || prev.is(crate::lexicon::class::CUE) && n_words >= 3)
                    }
                }
            }
        }
    };
    let before_close = q
        .close
        .and_then(|c| c.checked_sub(1))
        .map(|c| &toks[c as usize]);
    q.speechlike = q.close.is_none()
        || before_close.is_some_and(|t| {
            t.kind == Kind::Punct && matches!(t.ch, ',' | '.' | '?' | '!' | '…' | '—' | '-' | '–')
        })
        || n_words >= 8;
}
