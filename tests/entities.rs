//! Entities and clusters in the JSON records of the real binary: the seed
//! article and a fixture written for these tests.

use std::collections::HashMap;

use expect_test::expect;
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

/// The golden test: every entity of the seed article, in order, with its
/// label and cluster, and every cluster with its titles.
#[test]
fn seed_golden_entities_and_clusters() {
    let rec = run("seeds");
    let entities: Vec<String> = rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} #{}",
                e["label"].as_str().unwrap(),
                e["text"].as_str().unwrap(),
                e["cluster"]
            )
        })
        .collect();
    let clusters: Vec<String> = rec["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "#{} {} {} x{} {:?}",
                c["id"],
                c["label"].as_str().unwrap(),
                c["name"].as_str().unwrap(),
                c["mentions"].as_array().unwrap().len(),
                titles(c)
            )
        })
        .collect();
    expect![[r#"
        ORG NATO #0
        PERSON Jens Stoltenberg #1
        MISC Ukrainian #2
        PERSON Volodymyr Zelenskyy #3
        LOC Oslo #4
        ORG NATO #0
        LOC Ukraine #5
        LOC Russia #6
        ORG Alliance #7
        PERSON Jens Stoltenberg #1
        DATE Thursday #null
        DATE 4/8/2022 #null
        ORG NATO #0
        LOC Ukraine #5
        ORG NATO #0
        LOC Russia #6
        PERSON Stoltenberg #1
        LOC Norway #8
        MISC Russo-Ukrainian #9
        LOC Europe #10
        MISC Second World War #11
        LOC Moscow #12
        LOC Russia #6
        MISC Russian #13
        PERSON Vladimir Putin #14
        PERSON Stoltenberg #1
        LOC Russia #6
        DATE February 24 #null
        LOC Ukraine #5
        ORG NATO #0
        MONEY billions of dollars #null
        LOC Moscow #12
        DATE July #null
        MISC Russian #13
        PERSON Sergey Lavrov #15
        ORG RT #16
        LOC Ukraine #5
        MISC Western #17
        PERSON Lavrov #15
        LOC Ukraine #5
        LOC Kiev #18
        DATE Thursday #null
        PERSON Stoltenberg #1
        PERSON Putin #14
        ORG NATO #0
        LOC Eastern Europe #19
        LOC Sweden #20
        LOC Finland #21
        ORG NATO #0
        LOC Russia #6
        LOC Ukraine #5
        ORG NATO #0
        LOC Ukraine #5
        MISC Norwegian #22
        ORG NRK #23
        ORG NATO #0
        LOC Ukraine #5
        LOC Ukraine #5
        ORG NATO #0
        LOC Russia #6
        ORG NATO #0
        DATE December 2021 #null
        LOC Moscow #12
        LOC United States #24
        ORG NATO #0
        MISC Russian #13
        ORG NATO #0
        PERSON Stoltenberg #1
        LOC Utoya #25
        ORG Norwegian Labor Party #26
        DATE 2014 #null
        DATE 2011 #null
        MISC Norwegian #22
        PERSON Anders Breivik #27
        LOC Oslo #4

        #0 ORG NATO x13 []
        #1 PERSON Jens Stoltenberg x6 ["NATO Secretary General", "Alliance Secretary General"]
        #2 MISC Ukrainian x1 []
        #3 PERSON Volodymyr Zelenskyy x1 ["Ukrainian President"]
        #4 LOC Oslo x2 []
        #5 LOC Ukraine x9 []
        #6 LOC Russia x6 []
        #7 ORG Alliance x1 []
        #8 LOC Norway x1 []
        #9 MISC Russo-Ukrainian x1 []
        #10 LOC Europe x1 []
        #11 MISC Second World War x1 []
        #12 LOC Moscow x3 []
        #13 MISC Russian x3 []
        #14 PERSON Vladimir Putin x2 ["Russian President"]
        #15 PERSON Sergey Lavrov x2 ["Russian Foreign Minister"]
        #16 ORG RT x1 []
        #17 MISC Western x1 []
        #18 LOC Kiev x1 []
        #19 LOC Eastern Europe x1 []
        #20 LOC Sweden x1 []
        #21 LOC Finland x1 []
        #22 MISC Norwegian x2 []
        #23 ORG NRK x1 []
        #24 LOC United States x1 []
        #25 LOC Utoya x1 []
        #26 ORG Norwegian Labor Party x1 []
        #27 PERSON Anders Breivik x1 []
    "#]]
    .assert_eq(&format!(
        "{}\n\n{}\n",
        entities.join("\n"),
        clusters.join("\n")
    ));
}
