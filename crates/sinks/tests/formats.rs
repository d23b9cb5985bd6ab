//! JSONL, JSON and CSV on hand-built documents: each format gives back what
//! went in.

mod common;

use common::{cp, outcomes};
use document::Document;
use serde_json::Value;
use sinks::{CsvSink, CsvTable, JsonSink, JsonlSink, RecordOptions, Sink};

fn write_all(sink: &mut dyn Sink) {
    for outcome in outcomes() {
        sink.write(&outcome).unwrap();
        sink.flush().unwrap();
    }
    sink.finish().unwrap();
}

fn jsonl(options: RecordOptions) -> Vec<Value> {
    let mut out = Vec::new();
    write_all(&mut JsonlSink::new(&mut out).with_options(options));
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn json(options: RecordOptions) -> Value {
    let mut out = Vec::new();
    write_all(&mut JsonSink::new(&mut out).with_options(options));
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn json_array_equals_the_jsonl_records() {
    for tokens in [false, true] {
        let options = RecordOptions { tokens };
        let lines = jsonl(options);
        assert_eq!(lines.len(), outcomes().len());
        assert_eq!(json(options), Value::Array(lines.clone()));
        assert_eq!(lines[0]["sentences"][0]["tokens"].is_array(), tokens);
    }
}

#[test]
fn jsonl_records_carry_the_annotations_in_code_points() {
    let lines = jsonl(RecordOptions::default());
    let nato = common::nato();
    let rec = &lines[0];
    assert_eq!(rec["quotes"].as_array().unwrap().len(), 4);
    let q = &rec["quotes"][3];
    assert_eq!(q["speaker_name"], "Zo\u{eb} M\u{fc}ller");
    assert_eq!(q["start"], cp(&nato.text, nato.quotes[3].span.start));
    assert_eq!(rec["quotes"][1]["parts"].as_array().unwrap().len(), 2);
    assert_eq!(lines[2]["error"]["kind"], "malformed_json");
}

fn csv_rows(table: CsvTable, bom: bool) -> (Vec<u8>, Vec<csv::StringRecord>, csv::StringRecord) {
    let mut out = Vec::new();
    write_all(&mut CsvSink::new(&mut out, table).with_bom(bom));
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header = reader.headers().unwrap().clone();
    let rows = reader.records().map(Result::unwrap).collect();
    (out, rows, header)
}

fn field<'a>(header: &csv::StringRecord, row: &'a csv::StringRecord, name: &str) -> &'a str {
    let at = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("column {name}"));
    &row[at]
}

#[test]
fn csv_quotes_parse_back_to_the_same_quotes() {
    let (bytes, rows, header) = csv_rows(CsvTable::Quotes, true);
    assert!(
        bytes.starts_with("\u{feff}doc_id,".as_bytes()),
        "BOM, then the header"
    );
    assert_eq!(header.iter().collect::<Vec<_>>(), sinks::QUOTE_COLUMNS);

    let docs: Vec<Document> = outcomes().into_iter().filter_map(Result::ok).collect();
    let quote_rows: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| field(&header, r, "error").is_empty())
        .collect();
    let expected: Vec<(&Document, usize)> = docs
        .iter()
        .flat_map(|d| (0..d.quotes.len()).map(move |k| (d, k)))
        .collect();
    assert_eq!(quote_rows.len(), expected.len());
    for (row, (doc, k)) in quote_rows.iter().zip(expected) {
        let q = &doc.quotes[k];
        let text = |s: document::Span| &doc.text[s.range()];
        let f = |name| field(&header, row, name);
        assert_eq!(f("doc_id"), doc.id);
        assert_eq!(f("title"), doc.title.as_deref().unwrap_or(""));
        assert_eq!(f("quote_idx"), k.to_string());
        assert_eq!(f("speaker_name"), q.speaker_name.as_deref().unwrap_or(""));
        assert_eq!(f("speaker"), q.speaker.map_or("", text));
        assert_eq!(f("cue"), q.cue.map_or("", text));
        assert_eq!(f("kind"), q.kind.as_str());
        assert_eq!(f("text"), text(q.span));
        assert_eq!(f("start"), cp(&doc.text, q.span.start).to_string());
        assert_eq!(f("end"), cp(&doc.text, q.span.end).to_string());
        let speaker = q.speaker.unwrap();
        assert_eq!(f("speaker_start"), cp(&doc.text, speaker.start).to_string());
        assert_eq!(f("cue_end"), cp(&doc.text, q.cue.unwrap().end).to_string());
        assert_eq!(
            f("cluster"),
            q.cluster.map(|c| c.to_string()).unwrap_or_default()
        );
    }
    // The offsets select the quote text in code points.
    let nato = &docs[0];
    let row = quote_rows[3];
    let (start, end): (usize, usize) = (
        field(&header, row, "start").parse().unwrap(),
        field(&header, row, "end").parse().unwrap(),
    );
    let by_chars: String = nato.text.chars().skip(start).take(end - start).collect();
    assert_eq!(by_chars, field(&header, row, "text"));
}

#[test]
fn csv_error_documents_get_one_row_with_the_error() {
    for table in [CsvTable::Quotes, CsvTable::Entities] {
        let (_, rows, header) = csv_rows(table, false);
        let errors: Vec<_> = rows
            .iter()
            .filter(|r| !field(&header, r, "error").is_empty())
            .collect();
        assert_eq!(errors.len(), 1, "{table:?}");
        assert_eq!(field(&header, errors[0], "doc_id"), "broken:3");
        assert_eq!(
            field(&header, errors[0], "error"),
            "malformed_json: expected value at line 1 column 1 <here>"
        );
    }
}

#[test]
fn csv_entities_parse_back_to_the_same_entities() {
    let (bytes, rows, header) = csv_rows(CsvTable::Entities, false);
    assert!(bytes.starts_with(b"doc_id,"), "no BOM unless asked");
    assert_eq!(header.iter().collect::<Vec<_>>(), sinks::ENTITY_COLUMNS);
    let docs: Vec<Document> = outcomes().into_iter().filter_map(Result::ok).collect();
    let rows: Vec<_> = rows
        .iter()
        .filter(|r| field(&header, r, "error").is_empty())
        .collect();
    let expected: Vec<(&Document, usize)> = docs
        .iter()
        .flat_map(|d| (0..d.entities.len()).map(move |i| (d, i)))
        .collect();
    assert_eq!(rows.len(), expected.len());
    for (row, (doc, i)) in rows.iter().zip(expected) {
        let e = &doc.entities[i];
        let f = |name| field(&header, row, name);
        assert_eq!(f("doc_id"), doc.id);
        assert_eq!(f("entity_idx"), i.to_string());
        assert_eq!(f("label"), e.label.as_str());
        assert_eq!(f("text"), &doc.text[e.span.range()]);
        assert_eq!(f("start"), cp(&doc.text, e.span.start).to_string());
        assert_eq!(f("end"), cp(&doc.text, e.span.end).to_string());
        assert_eq!(f("sentence_idx"), e.sentence_idx.to_string());
        let name = e.cluster.map(|c| doc.clusters[c as usize].name.as_str());
        assert_eq!(f("cluster_name"), name.unwrap_or(""));
    }
}

#[test]
fn csv_quoting_survives_commas_quotes_and_newlines() {
    let mut doc = common::Builder::new("q", Some("a, \"b\"\nc"), "x").build();
    doc.quotes.push(document::Quote {
        span: document::Span::new(0, 1),
        kind: document::QuoteKind::Direct,
        parts: vec![],
        cue: None,
        speaker: None,
        cluster: None,
        speaker_name: Some("Smith, \"Jr.\"\r\nIII".into()),
    });
    let mut out = Vec::new();
    let mut sink = CsvSink::new(&mut out, CsvTable::Quotes);
    sink.write(&Ok(doc)).unwrap();
    sink.finish().unwrap();
    drop(sink);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[1], "a, \"b\"\nc");
    assert_eq!(&row[3], "Smith, \"Jr.\"\r\nIII");
}

#[test]
fn empty_runs_are_valid_outputs() {
    let mut out = Vec::new();
    CsvSink::new(&mut out, CsvTable::Quotes).finish().unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap().trim_end(),
        sinks::QUOTE_COLUMNS.join(",")
    );
    let mut out = Vec::new();
    JsonSink::new(&mut out).finish().unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&out).unwrap(),
        Value::Array(vec![])
    );
}
