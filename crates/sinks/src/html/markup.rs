//! HTML escaping and the nesting of overlapping annotations.

use document::Span;

/// Appends `s` to `out` with `&`, `<`, `>`, `"` and `'` escaped: safe both
/// as element text and inside a quoted attribute value.
pub fn push_escaped(out: &mut String, s: &str) {
    let mut last = 0;
    for (at, byte) in s.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..at]);
        out.push_str(entity);
        last = at + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped as [`push_escaped`] does.
///
/// ```
/// assert_eq!(
///     sinks::html::escape(r#"<script>alert("x & y")</script>"#),
///     "&lt;script&gt;alert(&quot;x &amp; y&quot;)&lt;/script&gt;"
/// );
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    push_escaped(&mut out, s);
    out
}

/// `s` cut to at most `max_chars` characters, with `…` when cut.
pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}…", s[..at].trim_end()),
        None => s.to_string(),
    }
}

/// An element to wrap around a span of the text.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    /// What it covers (byte offsets).
    pub span: Span,
    /// Nesting level: marks of layer 0 contain those of layer 1, and so on.
    /// Marks of one layer must not overlap (later ones are clipped).
    pub layer: usize,
    /// The opening tag, attributes escaped.
    pub open: String,
    /// The closing tag.
    pub close: &'static str,
}

/// Appends `text`, escaped, with every mark wrapped around its span.
///
/// Marks that do not fit the text (out of range, empty, off a character
/// boundary) are dropped: a stage's bug must not break the page. An inner
/// mark that crosses an outer one's edge is split in two, each piece
/// carrying the same tag, so the elements always nest.
pub(crate) fn render(out: &mut String, text: &str, marks: Vec<Mark>) {
    let n_layers = marks.iter().map(|m| m.layer + 1).max().unwrap_or(0);
    let mut layers: Vec<Vec<Mark>> = vec![Vec::new(); n_layers];
    for mark in marks {
        let (start, end) = (mark.span.start as usize, mark.span.end as usize);
        if start < end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
        {
            layers[mark.layer].push(mark);
        }
    }
    let mut cuts = vec![0, text.len()];
    for layer in &mut layers {
        layer.sort_by_key(|m| (m.span.start, std::cmp::Reverse(m.span.end)));
        let mut kept: Vec<Mark> = Vec::with_capacity(layer.len());
        for mut mark in layer.drain(..) {
            if let Some(prev) = kept.last() {
                if mark.span.end <= prev.span.end {
                    continue;
                }
                mark.span.start = mark.span.start.max(prev.span.end);
            }
            cuts.push(mark.span.start as usize);
            cuts.push(mark.span.end as usize);
            kept.push(mark);
        }
        *layer = kept;
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut cursor = vec![0usize; layers.len()];
    // Open elements as (layer, index in layer), outermost first.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut wanted: Vec<(usize, usize)> = Vec::new();
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        wanted.clear();
        for (l, layer) in layers.iter().enumerate() {
            while cursor[l] < layer.len() && (layer[cursor[l]].span.end as usize) <= a {
                cursor[l] += 1;
            }
            if let Some(mark) = layer.get(cursor[l]) {
                if (mark.span.start as usize) <= a {
                    wanted.push((l, cursor[l]));
                }
            }
        }
        let same = open.iter().zip(&wanted).take_while(|(x, y)| x == y).count();
        while open.len() > same {
            let (l, i) = open.pop().expect("non-empty");
            out.push_str(layers[l][i].close);
        }
        for &(l, i) in &wanted[same..] {
            out.push_str(&layers[l][i].open);
            open.push((l, i));
        }
        push_escaped(out, &text[a..b]);
    }
    while let Some((l, i)) = open.pop() {
        out.push_str(layers[l][i].close);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(start: usize, end: usize, layer: usize, name: &str) -> Mark {
        Mark {
            span: Span::new(start, end),
            layer,
            open: format!("<{name}>"),
            close: match name {
                "q" => "</q>",
                "s" => "</s>",
                _ => "</e>",
            },
        }
    }

    fn rendered(text: &str, marks: Vec<Mark>) -> String {
        let mut out = String::new();
        render(&mut out, text, marks);
        out
    }

    #[test]
    fn escapes_everything_that_could_open_markup() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("Zoë “hi”"), "Zoë “hi”");
        assert_eq!(
            rendered("<script>alert(1)</script>", vec![]),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
    }

    #[test]
    fn nests_inner_marks_inside_outer_ones() {
        let text = "He said: NATO must win.";
        let out = rendered(
            text,
            vec![mark(9, 23, 0, "q"), mark(9, 13, 2, "e"), mark(3, 7, 1, "s")],
        );
        assert_eq!(out, "He <s>said</s>: <q><e>NATO</e> must win.</q>");
    }

    #[test]
    fn splits_an_inner_mark_that_crosses_an_outer_edge() {
        let out = rendered("abcdef", vec![mark(0, 3, 0, "q"), mark(2, 5, 2, "e")]);
        assert_eq!(out, "<q>ab<e>c</e></q><e>de</e>f");
    }

    #[test]
    fn clips_overlaps_within_a_layer_and_drops_bad_spans() {
        let out = rendered(
            "abcdef",
            vec![
                mark(0, 3, 0, "q"),
                mark(1, 2, 0, "q"), // inside the first: dropped
                mark(2, 5, 0, "q"), // overlapping: clipped to 3..5
                mark(4, 9, 1, "s"), // past the end: dropped
            ],
        );
        assert_eq!(out, "<q>abc</q><q>de</q>f");
        // Off a character boundary (inside 'ë'): dropped, no panic.
        assert_eq!(rendered("Zoë", vec![mark(0, 3, 0, "q")]), "Zoë");
    }

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate("Zoë said", 3), "Zoë…");
        assert_eq!(truncate("short", 10), "short");
    }
}
