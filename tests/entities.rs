//! Entities and clusters in the JSON records of the real binary: the seed
//! article and a fixture written for these tests.

use std::collections::HashMap;

use serde_json::Value;

use crate::util::{fixture, pipeline, records};

fn run(input: &str) -> Value {
    let out = pipeline()
        .args(["--input", input, "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut recs = records(&out);
    assert_eq!(recs.len(), 1);
    recs.remove(0)
}

/// Clusters by name; of two with one name (`NATO` the ORG and `NATO` in
/// `NATO countries`), the one with more mentions.
fn clusters_by_name(rec: &Value) -> HashMap<String, Value> {
    let mut out: HashMap<String, Value> = HashMap::new();
    for c in rec["clusters"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap().to_string();
        let n = c["mentions"].as_array().unwrap().len();
        if out
            .get(&name)
            .map_or(true, |o| o["mentions"].as_array().unwrap().len() < n)
        {
            out.insert(name, c.clone());
        }
    }
    out
}

fn titles(c: &Value) -> Vec<&str> {
    c["titles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect()
}

fn mention_texts<'a>(rec: &'a Value, c: &Value) -> Vec<&'a str> {
    let id = c["id"].as_u64().unwrap();
    rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["cluster"].as_u64() == Some(id))
        .map(|e| e["text"].as_str().unwrap())
        .collect()
}

/// Entities are ordered, disjoint, inside a sentence, and each cluster's
/// mentions are exactly the entities pointing at it.
fn check_contract(rec: &Value) {
    let sentences: Vec<(u64, u64)> = rec["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap()))
        .collect();
    let entities = rec["entities"].as_array().unwrap();
    let mut last_end = 0;
    for e in entities {
        let (a, b) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
        assert!(a < b && a >= last_end, "ordered and disjoint: {e}");
        last_end = b;
        assert!(
            sentences.iter().any(|&(s, t)| s <= a && b <= t),
            "inside a sentence: {e}"
        );
        let label = e["label"].as_str().unwrap();
        assert!(
            ["PERSON", "ORG", "LOC", "MISC", "DATE", "TIME", "MONEY", "PERCENT"].contains(&label)
        );
    }
    for c in rec["clusters"].as_array().unwrap() {
        let id = c["id"].as_u64().unwrap();
        let mentions: Vec<(u64, u64)> = c["mentions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m[0].as_u64().unwrap(), m[1].as_u64().unwrap()))
            .collect();
        let pointing: Vec<(u64, u64)> = entities
            .iter()
            .filter(|e| e["cluster"].as_u64() == Some(id))
            .map(|e| (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap()))
            .collect();
        assert_eq!(mentions, pointing, "cluster {c}");
        assert!(c["titles"].is_array());
    }
}

#[test]
fn seed_people_have_clusters_with_titles() {
    let rec = run("seeds");
    check_contract(&rec);
    let clusters = clusters_by_name(&rec);
    let stoltenberg = &clusters["Jens Stoltenberg"];
    assert_eq!(stoltenberg["label"], "PERSON");
    let t = titles(stoltenberg);
    assert!(
        t.contains(&"NATO Secretary General") && t.contains(&"Alliance Secretary General"),
        "{t:?}"
    );
    assert_eq!(
        titles(&clusters["Sergey Lavrov"]),
        ["Russian Foreign Minister"]
    );
    assert_eq!(titles(&clusters["Vladimir Putin"]), ["Russian President"]);
    assert!(mention_texts(&rec, &clusters["Sergey Lavrov"]).contains(&"Lavrov"));
    assert_eq!(clusters["NATO"]["label"], "ORG");
    assert_eq!(clusters["Anders Breivik"]["label"], "PERSON");
}

#[test]
fn fixture_people_places_and_numbers() {
    let rec = run(fixture("entities/summit.jsonl").to_str().unwrap());
    check_contract(&rec);
    let clusters = clusters_by_name(&rec);
    let scholz = &clusters["Olaf Scholz"];
    assert_eq!(scholz["label"], "PERSON");
    assert_eq!(
        titles(scholz),
        ["German Chancellor", "Chancellor"],
        "{scholz}"
    );
    assert!(mention_texts(&rec, scholz).contains(&"Scholz"));
    let macron = &clusters["Emmanuel Macron"];
    assert!(titles(macron).contains(&"French President"), "{macron}");
    assert_eq!(clusters["Berlin"]["label"], "LOC");
    assert_eq!(clusters["European Union"]["label"], "ORG");
    let labels: Vec<(&str, &str)> = rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["text"].as_str().unwrap(), e["label"].as_str().unwrap()))
        .collect();
    for want in [
        ("Germany", "LOC"),
        ("Rome", "LOC"),
        ("Paris", "LOC"),
        ("Scholz", "PERSON"),
        ("Tuesday", "DATE"),
        ("March 2025", "DATE"),
        ("2%", "PERCENT"),
    ] {
        assert!(labels.contains(&want), "{want:?} in {labels:?}");
    }
}
