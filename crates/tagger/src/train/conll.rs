//! Readers of labelled data: CoNLL-2003 columns and UNER-style IOB2.

use std::ops::Range;
use std::path::Path;

use super::TrainError;
use crate::decode::{encode, type_index};

/// One labelled document.
#[derive(Debug, Clone, Default)]
pub struct LabeledDoc {
    /// Every token of the document.
    pub words: Vec<String>,
    /// Sentences as token index ranges.
    pub sentences: Vec<Range<usize>>,
    /// Gold entity spans `(start, end, type index)` over `words`.
    pub entities: Vec<(usize, usize, usize)>,
}

impl LabeledDoc {
    /// Gold BILOU tags of every token.
    pub fn tags(&self) -> Vec<u8> {
        let mut out = Vec::new();
        encode(self.words.len(), &self.entities, &mut out);
        out
    }
}

/// Which column layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `word POS chunk NER`, `-DOCSTART-` between documents.
    Conll,
    /// `idx<TAB>word<TAB>IOB2...`, `# newdoc id` comments between documents.
    Iob2,
}

impl Format {
    /// Guesses the format from the first lines of a file.
    pub fn sniff(text: &str) -> Format {
        for line in text.lines().take(50) {
            if line.starts_with("# ") || line.split('\t').count() >= 3 {
                return Format::Iob2;
            }
            if line.starts_with("-DOCSTART-") {
                return Format::Conll;
            }
        }
        Format::Conll
    }
}

/// Reads a labelled file in either format (sniffed).
pub fn read_file(path: &Path) -> Result<Vec<LabeledDoc>, TrainError> {
    let text = std::fs::read_to_string(path).map_err(|e| TrainError::io(path, e))?;
    parse(&text, Format::sniff(&text))
        .map_err(|msg| TrainError::Data(format!("{}: {msg}", path.display())))
}

/// Parses labelled text. Unknown entity types are ignored (left outside).
pub fn parse(text: &str, format: Format) -> Result<Vec<LabeledDoc>, String> {
    let mut docs = Vec::new();
    let mut doc = LabeledDoc::default();
    let mut sent_words: Vec<String> = Vec::new();
    let mut sent_tags: Vec<String> = Vec::new();
    let flush_sentence = |doc: &mut LabeledDoc, words: &mut Vec<String>, tags: &mut Vec<String>| {
        if words.is_empty() {
            return;
        }
        let base = doc.words.len();
        for (a, b, ty) in iob_spans(tags) {
            doc.entities.push((base + a, base + b, ty));
        }
        doc.words.append(words);
        doc.sentences.push(base..doc.words.len());
        tags.clear();
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        match format {
            Format::Conll => {
                if line.starts_with("-DOCSTART-") {
                    flush_sentence(&mut doc, &mut sent_words, &mut sent_tags);
                    if !doc.words.is_empty() {
                        docs.push(std::mem::take(&mut doc));
                    }
                    continue;
                }
                if line.trim().is_empty() {
                    flush_sentence(&mut doc, &mut sent_words, &mut sent_tags);
                    continue;
                }
                let cols: Vec<&str> = line.split_whitespace().collect();
                if cols.len() < 2 {
                    return Err(format!("line {}: expected `word ... tag`", n + 1));
                }
                sent_words.push(cols[0].to_string());
                sent_tags.push(cols[cols.len() - 1].to_string());
            }
            Format::Iob2 => {
                if line.starts_with('#') {
                    if line.starts_with("# newdoc") {
                        flush_sentence(&mut doc, &mut sent_words, &mut sent_tags);
                        if !doc.words.is_empty() {
                            docs.push(std::mem::take(&mut doc));
                        }
                    }
                    continue;
                }
                if line.trim().is_empty() {
                    flush_sentence(&mut doc, &mut sent_words, &mut sent_tags);
                    continue;
                }
                let cols: Vec<&str> = line.split('\t').collect();
                if cols.len() < 3 {
                    return Err(format!("line {}: expected `idx<TAB>word<TAB>tag`", n + 1));
                }
                sent_words.push(cols[1].to_string());
                sent_tags.push(cols[2].to_string());
            }
        }
    }
    flush_sentence(&mut doc, &mut sent_words, &mut sent_tags);
    if !doc.words.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// IOB2 (or IOB1) tags -> spans with a learned type; an `I-` that does not
/// continue an entity of its type starts one.
fn iob_spans(tags: &[String]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, &str)> = None;
    for (i, t) in tags.iter().enumerate() {
        let (kind, ty) = match t.split_once('-') {
            Some((k, ty)) if k == "B" || k == "I" => (k, ty),
            _ => ("O", ""),
        };
        if let Some((s, cty)) = cur {
            if kind != "I" || ty != cty {
                push_span(&mut out, s, i, cty);
                cur = None;
            }
        }
        if kind != "O" && cur.is_none() {
            cur = Some((i, ty));
        }
    }
    if let Some((s, cty)) = cur {
        push_span(&mut out, s, tags.len(), cty);
    }
    out
}

fn push_span(out: &mut Vec<(usize, usize, usize)>, a: usize, b: usize, ty: &str) {
    if let Some(t) = document::Label::parse(ty).and_then(type_index) {
        out.push((a, b, t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_conll_documents_and_spans() {
        let text = "-DOCSTART- -X- -X- O\n\nAda NNP B-NP B-PER\nLovelace NNP I-NP I-PER\nvisited VBD B-VP O\nParis NNP B-NP B-LOC\n\nOk UH O O\n\n-DOCSTART- -X- -X- O\n\nIBM NNP B-NP B-ORG\n";
        let docs = parse(text, Format::sniff(text)).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences, vec![0..4, 4..5]);
        assert_eq!(docs[0].entities, vec![(0, 2, 0), (3, 4, 2)]);
        assert_eq!(docs[1].entities, vec![(0, 1, 1)]);
    }

    #[test]
    fn reads_iob2_with_comments() {
        let text = "# newdoc id = a\n# text = Ada met Bob\n1\tAda\tB-PER\t-\t-\n2\tmet\tO\t-\t-\n3\tBob\tI-PER\t-\t-\n\n# newdoc id = b\n1\tX\tO\t-\t-\n";
        let docs = parse(text, Format::sniff(text)).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].entities, vec![(0, 1, 0), (2, 3, 0)]);
    }
}
