//! A small PTB-like tokenizer for unlabeled text and gazetteer entries
//! (training only: the pipeline's tokens come from the segmenter).

/// Splits `text` into tokens: punctuation split off, `'s` and `n't` split,
/// inner periods, hyphens and apostrophes kept (`U.S.`, `right-wing`).
pub fn tokenize(text: &str, out: &mut Vec<String>) {
    for chunk in text.split_whitespace() {
        split_chunk(chunk, out);
    }
}

fn is_edge_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2018}'
            | '\u{2019}'
            | '.'
            | '*'
            | '<'
            | '>'
            | '\u{2013}'
            | '\u{2014}'
    )
}

fn split_chunk(chunk: &str, out: &mut Vec<String>) {
    let mut s = chunk;
    // Leading punctuation.
    while let Some(c) = s.chars().next() {
        if is_edge_punct(c) && s.len() > c.len_utf8() {
            out.push(c.to_string());
            s = &s[c.len_utf8()..];
        } else {
            break;
        }
    }
    // Trailing punctuation, kept in order.
    let mut tail = Vec::new();
    while let Some(c) = s.chars().next_back() {
        if s.len() <= c.len_utf8() || !is_edge_punct(c) {
            break;
        }
        if c == '.' {
            let body = &s[..s.len() - 1];
            // `U.S.`, `Corp.`-style abbreviations keep their period when the
            // body has an inner period or is one capital letter.
            if body.contains('.')
                || (body.chars().count() == 1 && body.chars().all(char::is_uppercase))
            {
                break;
            }
        }
        tail.push(c.to_string());
        s = &s[..s.len() - c.len_utf8()];
    }
    if !s.is_empty() {
        let lower = s.to_lowercase();
        if lower.len() > 2 && (lower.ends_with("'s") || lower.ends_with("\u{2019}s")) {
            let cut = s.len() - if lower.ends_with("'s") { 2 } else { 4 };
            out.push(s[..cut].to_string());
            out.push(s[cut..].to_string());
        } else if lower.len() > 3 && lower.ends_with("n't") {
            out.push(s[..s.len() - 3].to_string());
            out.push(s[s.len() - 3..].to_string());
        } else {
            out.push(s.to_string());
        }
    }
    out.extend(tail.into_iter().rev());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_punctuation_and_clitics() {
        let mut out = Vec::new();
        tokenize(
            "\"NATO's U.S. allies (Oslo), right-wing.\" Don't!",
            &mut out,
        );
        assert_eq!(
            out,
            [
                "\"",
                "NATO",
                "'s",
                "U.S.",
                "allies",
                "(",
                "Oslo",
                ")",
                ",",
                "right-wing",
                ".",
                "\"",
                "Do",
                "n't",
                "!"
            ]
        );
    }
}
