use document::{Document, Stage};
fn main() {
    let reps: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let text = std::fs::read_to_string("/work/shared/data/corpus/bbc.jsonl").unwrap();
    let seg = segmenter::Segmenter::new();
    let mut docs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut d = Document::new(n.to_string(), "x", v["text"].as_str().unwrap().to_string());
        seg.process(&mut d).unwrap();
        docs.push(d);
    }
    let t = tagger::Tagger::new();
    let n: usize = docs.iter().map(|d| d.tokens.len()).sum();
    for _ in 0..reps {
        for d in docs.iter_mut() {
            t.process(d).unwrap();
        }
    }
    eprintln!("{n} tokens x {reps}");
}
