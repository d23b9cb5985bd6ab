//! Quotes: the seed article's attributions (golden), and the quote-mark
//! conventions of news text on small fixtures of our own
//! (`tests/data/quotes/cases.jsonl`).

use expect_test::{expect, Expect};
use serde_json::Value;

use crate::util::{fixture, pipeline, records};

/// One line per quote: kind | text | speaker as written | speaker name.
fn render(rec: &Value) -> String {
    let mut out = String::new();
    for q in rec["quotes"].as_array().expect("quotes is a list") {
        let text = q["text"].as_str().unwrap_or("").replace('\n', "\\n");
        let speaker = q["speaker"]["text"].as_str().unwrap_or("-");
        let name = q["speaker_name"].as_str().unwrap_or("-");
        let parts = q["parts"].as_array().map_or(0, Vec::len);
        out.push_str(&format!(
            "{} | {text} | {speaker} | {name}",
            q["kind"].as_str().unwrap_or("?")
        ));
        if parts > 0 {
            out.push_str(&format!(" | {parts} parts"));
        }
        out.push('\n');
    }
    out
}

fn seed() -> Value {
    let out = pipeline().args(["--input", "seeds"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    records(&out).remove(0)
}

fn cases() -> Vec<Value> {
    let out = pipeline()
        .args(["--input"])
        .arg(fixture("quotes/cases.jsonl"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    records(&out)
}

fn case(recs: &[Value], id: &str) -> Value {
    recs.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("case {id}"))
        .clone()
}

/// The quote whose text contains `needle`.
fn quote_with<'a>(rec: &'a Value, needle: &str) -> &'a Value {
    rec["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["text"].as_str().unwrap_or("").contains(needle))
        .unwrap_or_else(|| panic!("a quote containing {needle:?} in {}", render(rec)))
}

/// The 13 attributions a careful reader finds in the seed, with their
/// speaker as written.
const SEED_ATTRIBUTIONS: &[(&str, &str, &str)] = &[
    (
        "direct",
        "In this conflict, NATO has two tasks",
        "Stoltenberg",
    ),
    ("direct", "If Russia wins the war", "Stoltenberg"),
    ("direct", "Ukraine is forced to use these weapons", "Lavrov"),
    ("direct", "Strengthening the defenses", "he"),
    (
        "direct",
        "We have a responsibility to support Ukraine",
        "he",
    ),
    (
        "mixed",
        "the most dangerous situation in Europe",
        "The head of the military bloc",
    ),
    (
        "mixed",
        "\"pumped\"",
        "Russian Foreign Minister Sergey Lavrov",
    ),
    ("mixed", "stronger and more consolidated", "Stoltenberg"),
    ("mixed", "party to the conflict", "he"),
    (
        "mixed",
        "full-scale war",
        "Alliance Secretary General Jens Stoltenberg",
    ),
    ("indirect", "Moscow should not be allowed to win", "He"),
    (
        "indirect",
        "the alliance is under no obligation",
        "the NATO chief",
    ),
    ("indirect", "it viewed NATO's eastward expansion", "Russia"),
];

#[test]
fn seed_has_all_thirteen_attributions_with_their_speakers() {
    let rec = seed();
    for (kind, needle, speaker) in SEED_ATTRIBUTIONS {
        let q = quote_with(&rec, needle);
        assert_eq!(q["kind"], *kind, "{needle}");
        assert_eq!(q["speaker"]["text"], *speaker, "{needle}");
    }
}

/// Speakers resolve to the tagger's entity clusters: pronouns to the
/// salient person (not Putin, named in between), nominals through titles.
#[test]
fn seed_speakers_resolve_to_entities() {
    let rec = seed();
    for (_, needle, _) in SEED_ATTRIBUTIONS {
        let q = quote_with(&rec, needle);
        let want = match *needle {
            "Ukraine is forced to use these weapons" | "\"pumped\"" => "Sergey Lavrov",
            "it viewed NATO's eastward expansion" => "Russia",
            _ => "Jens Stoltenberg",
        };
        assert_eq!(q["speaker_name"], want, "{needle}");
    }
}

#[test]
fn seed_golden() {
    check_golden(
        &seed(),
        expect![[r#"
            indirect | Ukrainian President Volodymyr Zelenskyy | NATO Secretary General Jens Stoltenberg | Jens Stoltenberg
            mixed | One of NATO's main goals in the Ukraine conflict is preventing a "full-scale war" with Russia | Alliance Secretary General Jens Stoltenberg | Jens Stoltenberg
            direct | "In this conflict, NATO has two tasks: to support Ukraine and prevent the war from escalating into a full-scale war between NATO and Russia," | Stoltenberg | Jens Stoltenberg
            mixed | the Russo-Ukrainian conflict as "the most dangerous situation in Europe since the Second World War." | The head of the military bloc | Jens Stoltenberg
            indirect | Moscow should not be allowed to win | He | Jens Stoltenberg
            direct | “If Russia wins the war, Russian President Vladimir Putin will be convinced that violence will work. Then other neighboring countries might be next,” | Stoltenberg | Jens Stoltenberg
            mixed | that Ukraine was being "pumped" with Western military hardware | Russian Foreign Minister Sergey Lavrov | Sergey Lavrov
            direct | "Ukraine is forced to use these weapons in an increasingly risky manner thereby preventing Kiev from taking any constructive action." | Lavrov | Sergey Lavrov
            mixed | Putin ultimately failed to achieve his goals, because instead of NATO reducing its presence in Eastern Europe and slowing its expansion, the alliance had become "stronger and more consolidated" with the forthcoming accessions of Sweden and Finland | Stoltenberg | Jens Stoltenberg
            direct | "Strengthening the defenses on the eastern side of NATO is very important, amid efforts to prevent Russia's victory in Ukraine," | he | Jens Stoltenberg
            mixed | that NATO is not a "party to the conflict" and will not send troops to Ukraine | he | Jens Stoltenberg
            indirect | the alliance is under no obligation to intervene in conflicts because Ukraine is not a member state | the NATO chief | Jens Stoltenberg
            direct | "We have a responsibility to support Ukraine, but we also have a responsibility to maintain the security of all countries for which NATO is responsible," | he | Jens Stoltenberg
            indirect | it viewed NATO's eastward expansion as a threat to its national security | Russia | Russia
            indirect | its members and accession candidates who decide whether to join the alliance or not | NATO | NATO
        "#]],
    );
}

fn check_golden(rec: &Value, want: Expect) {
    want.assert_eq(&render(rec));
}

#[test]
fn quote_mark_conventions() {
    let recs = cases();
    let got: String = recs
        .iter()
        .map(|r| format!("## {}\n{}", r["id"].as_str().unwrap(), render(r)))
        .collect();
    expect![[r###"
        ## straight_and_curly
        direct | "We will rebuild the bridge," | Mayor Anna Kowalski | Anna Kowalski
        direct | “It will take two years,” | she | Anna Kowalski
        ## split
        direct | "The plan is sound," the finance minister said, "but the money is not there yet." | the finance minister | - | 2 parts
        ## multi_paragraph
        direct | "We have waited long enough for this road. Every winter the old one floods and the buses stop.\n\n"This year we will start the work, whatever the cost," | Reyes | Tom Reyes | 2 parts
        ## unbalanced
        indirect | more fans next week | The club | -
        direct | "Nobody expected a crowd like this," | the stadium manager, Lisa Grant | Lisa Grant
        ## apostrophes
        indirect | the '90s were over and the players' union didn't agree | Russia's envoy | -
        ## guillemets
        direct | «We will not give in to pressure,» | a spokesman for the ministry | -
        ## british_single
        direct | 'We are ready for the vote,' said Priya Patel. 'The party's members want it now.' | Priya Patel | Priya Patel | 2 parts
        ## nested
        direct | "He told me, 'Leave the building now,' and I did," | Maria Garcia | Maria Garcia
        ## mixed
        mixed | the bill as "a gift to the banks" during a speech on Tuesday | Senator Ruth Alvarez | Ruth Alvarez
        ## according_to
        indirect | The factory will close in March | a spokesman for the company | -
        ## floating
        direct | "The harvest was the worst in a decade," farmer Jon Berg said. "We lost half the wheat to the rain." | farmer Jon Berg | Jon Berg | 2 parts
        ## doubled_apostrophes
        indirect | ''We will appeal the ruling | the company's lawyer | -
        ## british_paragraphs
        direct | 'The first thing is the budget, and the budget is late.\n\n'The second thing is the schedule,' | the mayor | - | 2 parts
    "###]]
    .assert_eq(&got);
}

#[test]
fn split_quotes_have_ordered_parts_inside_the_quote() {
    let recs = cases();
    for id in [
        "split",
        "multi_paragraph",
        "british_single",
        "british_paragraphs",
        "floating",
    ] {
        let rec = case(&recs, id);
        let q = &rec["quotes"][0];
        let parts = q["parts"]
            .as_array()
            .unwrap_or_else(|| panic!("{id} has parts"));
        assert_eq!(parts.len(), 2, "{id}");
        let (start, end) = (q["start"].as_u64().unwrap(), q["end"].as_u64().unwrap());
        let mut last = start;
        for p in parts {
            let (s, e) = (p["start"].as_u64().unwrap(), p["end"].as_u64().unwrap());
            assert!(
                last <= s && s < e && e <= end,
                "{id}: parts ordered and inside"
            );
            last = e;
        }
    }
}

#[test]
fn apostrophes_are_never_quote_marks() {
    let rec = case(&cases(), "apostrophes");
    for q in rec["quotes"].as_array().unwrap() {
        assert_ne!(q["kind"], "direct", "{}", render(&rec));
        assert_ne!(q["kind"], "mixed", "{}", render(&rec));
    }
}

#[test]
fn a_stray_mark_does_not_stop_the_rest_of_the_article() {
    let rec = case(&cases(), "unbalanced");
    let q = quote_with(&rec, "Nobody expected a crowd like this");
    assert_eq!(q["kind"], "direct");
}
