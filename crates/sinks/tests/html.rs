//! The HTML report's markup on hand-built documents (the browser test of
//! the same page is in the workspace's `tests/sinks/browser.rs`).

mod common;

use common::outcomes;
use sinks::html::{OPEN_DOCS, PAGE_DOCS};
use sinks::{HtmlSink, Sink};

fn page(outcomes: &[Result<document::Document, document::DocError>]) -> String {
    let mut out = Vec::new();
    let mut sink = HtmlSink::new(&mut out);
    for outcome in outcomes {
        sink.write(outcome).unwrap();
    }
    sink.finish().unwrap();
    drop(sink);
    String::from_utf8(out).unwrap()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn is_one_self_contained_page() {
    let html = page(&outcomes());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(count(&html, "<style>"), 1);
    assert_eq!(count(&html, "<script"), 1, "only the report's own script");
    for remote in ["http://", "https://", "src=\"", "<link", "@import", "url("] {
        assert!(!html.contains(remote), "no network reference: {remote}");
    }
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn document_text_is_escaped_everywhere() {
    let html = page(&outcomes());
    // The text, the quote, the title and the id of the injection sample.
    assert!(html.contains("Before &lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=&quot;document.body"));
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot; title"));
    assert!(html.contains("data-doc-id=\"inj&quot;ect&lt;b&gt;\""));
    assert!(!html.contains("<b>Bold"));
    // The error message too.
    assert!(html.contains("expected value at line 1 column 1 &lt;here&gt;"));
    assert_eq!(count(&html, PWNED_ATTRIBUTE_SET), 0);
}

/// What the injected code would leave in the markup had it been parsed as
/// markup rather than text.
const PWNED_ATTRIBUTE_SET: &str = "setAttribute('data-pwned'";

#[test]
fn entities_quotes_speakers_and_cues_are_marked() {
    let html = page(&outcomes());
    let docs: Vec<_> = outcomes().into_iter().filter_map(Result::ok).collect();
    let n_entities: usize = docs.iter().map(|d| d.entities.len()).sum();
    let n_quotes: usize = docs.iter().map(|d| d.quotes.len()).sum();
    let n_parts: usize = docs
        .iter()
        .flat_map(|d| &d.quotes)
        .map(|q| q.parts.len().max(1))
        .sum();
    assert_eq!(count(&html, "<mark class=\"ent\""), n_entities);
    assert_eq!(count(&html, "<span class=\"quote\""), n_parts);
    assert_eq!(count(&html, "<span class=\"quote\" id=\"q-"), n_quotes);
    assert!(html.contains(
        "<mark class=\"ent\" data-ent=\"2\" data-label=\"PERSON\" data-cluster=\"0\">Jens Stoltenberg</mark>"
    ));
    // The split quote: two parts, one id, the same speaker cluster.
    assert!(html.contains(
        "<span class=\"quote\" id=\"q-0-1\" data-quote=\"1\" data-kind=\"direct\" \
         data-speaker=\"Jens Stoltenberg\" data-cluster=\"0\""
    ));
    assert!(html.contains(
        "<span class=\"quote\" data-quote=\"1\" data-kind=\"direct\" \
         data-speaker=\"Jens Stoltenberg\" data-cluster=\"0\""
    ));
    assert!(html.contains("<span class=\"speaker\" data-speaker-of=\"1\">he</span>"));
    assert!(html.contains("<span class=\"cue\" data-cue-of=\"1\">added</span>"));
    // An entity inside a quote nests inside it.
    assert!(html.contains("data-cluster=\"2\" title=\"Zoë Müller (indirect)\"><mark class=\"ent\" data-ent=\"10\" data-label=\"PERCENT\">76%</mark> of voters agreed</span>"));
    // The speaker mention is both the speaker and an entity.
    assert!(html.contains("<span class=\"speaker\" data-speaker-of=\"0\"><mark class=\"ent\" data-ent=\"5\" data-label=\"PERSON\" data-cluster=\"0\">Stoltenberg</mark></span>"));
    // An unresolved speaker says so.
    assert!(html.contains("data-speaker=\"Eve (unresolved)\""));
}

#[test]
fn summary_ranks_speakers_and_links_to_their_quotes() {
    let html = page(&outcomes());
    let summary = &html[html.find("<header id=\"summary\">").unwrap()..];
    assert!(summary.contains(
        "id=\"run-stats\" data-docs=\"4\" data-errors=\"1\" data-quotes=\"5\" data-entities=\"12\" data-pages=\"1\""
    ));
    let first = summary
        .find("data-speaker=\"Jens Stoltenberg\" data-quotes=\"2\"")
        .unwrap();
    let second = summary
        .find("data-speaker=\"Sergey Lavrov\" data-quotes=\"1\"")
        .unwrap();
    assert!(first < second, "ranked by quotes");
    assert!(summary.contains("<a href=\"#q-0-0\">"));
    assert!(summary.contains("<a href=\"#q-0-1\">"));
    assert!(summary.contains("1 quote has no resolved speaker"));
    assert!(summary.contains("<span class=\"swatch\" data-label=\"PERSON\">PERSON <b>5</b></span>"));
    // Every link has its target.
    for link in summary.split("href=\"#").skip(1) {
        let id = &link[..link.find('"').unwrap()];
        assert!(html.contains(&format!("id=\"{id}\"")), "target of #{id}");
    }
}

#[test]
fn failed_documents_are_shown_with_their_error() {
    let html = page(&outcomes());
    assert!(html.contains(
        "<details class=\"doc error\" id=\"d-2\" data-doc=\"2\" data-doc-id=\"broken:3\" \
         data-error-kind=\"malformed_json\""
    ));
    assert!(html.contains("feed.jsonl:3: expected value"));
}

#[test]
fn large_runs_are_paged_and_collapsed() {
    let n = PAGE_DOCS * 2 + 3;
    let outcomes: Vec<_> = (0..n)
        .map(|i| {
            let mut doc = common::nato();
            doc.id = format!("doc-{i}");
            Ok(doc)
        })
        .collect();
    let html = page(&outcomes);
    assert_eq!(count(&html, "<section class=\"page\""), 3);
    assert!(html.contains("<section class=\"page\" id=\"page-1\" data-page=\"1\">"));
    assert!(html.contains(
        "<section class=\"page\" id=\"page-3\" data-page=\"3\" hidden></section>\n\
         <script type=\"text/html\" class=\"page-src\" data-page=\"3\">\n<details class=\"doc\" id=\"d-100\""
    ));
    // Pages 2 and 3 wait as inert text, closed by their own end tag only.
    assert_eq!(count(&html, "<script"), 3);
    assert_eq!(count(&html, "</script>"), 3);
    assert_eq!(count(&html, "<details class=\"doc\""), n);
    assert_eq!(count(&html, "data-entities=\"11\" open>"), OPEN_DOCS);
    assert!(html.contains("<nav id=\"pager\" data-pages=\"3\">"));
    // Document numbers run across pages.
    assert!(html.contains(&format!("id=\"q-{}-3\"", n - 1)));
    let summary = &html[html.find("<header id=\"summary\">").unwrap()..];
    assert!(summary.contains(&format!("data-quotes=\"{}\"><td>1</td>", 2 * n)));
}

#[test]
fn an_empty_run_is_still_a_page() {
    let html = page(&[]);
    assert!(html.contains("No documents."));
    assert!(html.contains("No quotes found."));
    assert!(html.contains("data-docs=\"0\""));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn broken_spans_from_a_stage_do_not_break_the_page() {
    let mut doc = common::nato();
    doc.entities[0].span = document::Span::new(5000, 5004); // past the end
    doc.quotes[3].span = document::Span::new(1, 0x7fff_ffff);
    doc.quotes[2].cluster = Some(99);
    let html = page(&[Ok(doc.clone())]);
    assert_eq!(count(&html, "<mark class=\"ent\""), doc.entities.len() - 1);
    assert!(!html.contains("data-cluster=\"99\""));
}
