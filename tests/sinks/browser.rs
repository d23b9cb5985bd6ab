//! The HTML report in a real headless browser (Chromium): highlighted
//! entities and quotes are in the rendered DOM, the report's script runs,
//! selecting a quote highlights its speaker, and markup inside an article
//! never runs.
//!
//! `.ci/chromium.sh` finds Chromium or installs Debian's package. Only when
//! that fails are these tests skipped, with a SKIPPED line on stderr that
//! bypasses the test harness's capture; with `REQUIRE_CHROMIUM=1` they fail
//! instead.

#[path = "../../crates/sinks/tests/common/mod.rs"]
mod sample;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sinks::{HtmlSink, Sink};

use crate::util::{fixture, pipeline, records, root};

/// The longest a browser run may take before the test fails.
const BROWSER_DEADLINE: Duration = Duration::from_secs(180);

/// Chromium's path, installing it if needed; `None` (said loudly) when it
/// cannot be had.
fn chromium(test: &str) -> Option<&'static Path> {
    static BROWSER: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = BROWSER.get_or_init(|| {
        let out = Command::new("bash")
            .arg(root().join(".ci/chromium.sh"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run .ci/chromium.sh: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout.lines().last() {
            Some(path) if out.status.success() => Ok(PathBuf::from(path.trim())),
            _ => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        }
    });
    match found {
        Ok(path) => Some(path),
        Err(why) => {
            let message = format!(
                "\n########## SKIPPED {test}: no Chromium and it cannot be installed ##########\n\
                 {why}\nThe HTML report was NOT checked in a browser.\n"
            );
            if std::env::var_os("REQUIRE_CHROMIUM").is_some_and(|v| v == "1") {
                panic!("{message}(REQUIRE_CHROMIUM=1)");
            }
            // Straight to stderr: the harness captures eprintln! of passing tests.
            let _ = std::io::stderr().write_all(message.as_bytes());
            None
        }
    }
}

/// Runs headless Chromium on `url` with `args` and returns its stdout.
fn browse(browser: &Path, args: &[String], url: &str) -> String {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let profile = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "chromium-profile-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&profile);
    // Without the background-networking flags Chromium keeps trying a
    // network that is not there.
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).unwrap();
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = String::new();
        let _ = stderr.read_to_string(&mut err);
        err
    });
    let deadline = Instant::now() + BROWSER_DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {BROWSER_DEADLINE:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().unwrap();
    let err = err_reader.join().unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        status.success(),
        "chromium failed ({status}) on {url}:\n{err}"
    );
    out
}

fn dump_dom(browser: &Path, file: &Path, hash: &str) -> String {
    let url = format!("file://{}{hash}", file.display());
    let dom = browse(browser, &["--dump-dom".to_string()], &url);
    assert!(dom.contains("</html>"), "a whole DOM for {url}: {dom:.300}");
    dom
}

fn screenshot(browser: &Path, file: &Path, png: &Path) {
    let _ = std::fs::remove_file(png);
    browse(
        browser,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,1600".to_string(),
        ],
        &format!("file://{}", file.display()),
    );
    let bytes = std::fs::read(png).expect("chromium wrote the screenshot");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        bytes.len() > 10_000,
        "a rendered page, not a blank one: {} bytes",
        bytes.len()
    );
}

fn write_report(outcomes: &[sinks::Outcome], path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut sink = HtmlSink::new(file);
    for outcome in outcomes {
        sink.write(outcome).unwrap();
    }
    sink.finish().unwrap();
}

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("browser-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The element (start tag) with `id`.
fn start_tag<'a>(dom: &'a str, id: &str) -> &'a str {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} in the DOM"));
    let start = dom[..at].rfind('<').unwrap();
    &dom[start..start + dom[start..].find('>').unwrap() + 1]
}

#[test]
fn rendered_report_highlights_entities_and_quotes_and_runs_no_injected_code() {
    let Some(browser) = chromium("rendered_report_highlights_entities_and_quotes") else {
        return;
    };
    let dir = out_dir("sample");
    let report = dir.join("report.html");
    let outcomes = sample::outcomes();
    write_report(&outcomes, &report);

    // Opened on a link to the split quote of Stoltenberg (document 0, quote 1).
    let dom = dump_dom(browser, &report, "#q-0-1");
    assert!(
        dom.contains("<body data-ready=\"1\">"),
        "the report's script ran"
    );
    assert!(!dom.contains("data-pwned="), "injected markup never ran");
    assert!(!dom.contains("<img"), "injected markup is not an element");
    assert_eq!(
        dom.matches("<script").count(),
        1,
        "only the report's script"
    );
    assert!(dom.contains(
        "Before &lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt; after"
    ));

    let docs: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    let n_entities: usize = docs.iter().map(|d| d.entities.len()).sum();
    assert_eq!(dom.matches("<mark class=\"ent").count(), n_entities);
    for label in ["PERSON", "ORG", "LOC", "MISC", "DATE", "PERCENT"] {
        assert!(
            dom.contains(&format!("data-label=\"{label}\">")),
            "{label} highlighted"
        );
    }
    assert!(dom.contains(
        "<mark class=\"ent hl\" data-ent=\"2\" data-label=\"PERSON\" data-cluster=\"0\">Jens Stoltenberg</mark>"
    ));
    // Selecting the quote: both parts active, the speaker's two mentions,
    // the speaker as written and the cue highlighted, nothing else.
    assert_eq!(dom.matches("<span class=\"quote active\"").count(), 2);
    assert_eq!(dom.matches("class=\"ent hl\"").count(), 2);
    assert!(dom.contains("<span class=\"speaker hl\" data-speaker-of=\"1\">he</span>"));
    assert!(dom.contains("<span class=\"cue hl\" data-cue-of=\"1\">added</span>"));
    assert!(dom.contains("Quote 2 (direct), speaker: Jens Stoltenberg — 2 mentions highlighted"));
    assert!(
        start_tag(&dom, "d-0").contains(" open="),
        "its article is open"
    );

    // The summary is rendered with its links.
    assert!(dom.contains("data-speaker=\"Jens Stoltenberg\" data-quotes=\"2\""));
    assert!(dom.contains("<a href=\"#q-0-1\">"));

    screenshot(browser, &report, &dir.join("report.png"));
}

/// A page that loads the report in a frame, points at and clicks its
/// quotes and chips with real DOM events, and writes what was highlighted
/// after each step into `#results` as JSON.
const INTERACTION_HARNESS: &str = r##"<!DOCTYPE html>
<html><body><pre id="results"></pre>
<iframe id="report" src="report.html" style="width:1200px;height:800px"></iframe>
<script>
document.getElementById("report").addEventListener("load", function () {
  var d = this.contentDocument;
  var out = [];
  function state(step) {
    out.push({
      step: step,
      active: Array.prototype.map.call(d.querySelectorAll(".quote.active"),
        function (e) { return e.getAttribute("data-quote"); }),
      hl: Array.prototype.map.call(d.querySelectorAll(".hl"), function (e) { return e.textContent; }),
      info: d.querySelector("#d-0 .quote-info").textContent
    });
  }
  function mouse(type, el, related) {
    el.dispatchEvent(new MouseEvent(type, { bubbles: true, relatedTarget: related || null }));
  }
  var lavrov = d.getElementById("q-0-2");
  var first = d.getElementById("q-0-0");
  mouse("mouseover", lavrov); state("hover");
  mouse("mouseout", lavrov, d.body); state("leave");
  lavrov.click(); state("click");
  mouse("mouseover", first); state("hover another");
  mouse("mouseout", first, d.body); state("leave another");
  lavrov.click(); mouse("mouseout", lavrov, d.body); state("unpin");
  d.querySelector('#d-0 .chip[data-cluster="0"]').click(); state("chip");
  document.getElementById("results").textContent = JSON.stringify(out);
});
</script></body></html>
"##;

#[test]
fn pointing_at_and_clicking_quotes_highlights_their_speakers() {
    let Some(browser) = chromium("pointing_at_and_clicking_quotes_highlights_their_speakers")
    else {
        return;
    };
    let dir = out_dir("interaction");
    write_report(&sample::outcomes(), &dir.join("report.html"));
    let harness = dir.join("harness.html");
    std::fs::write(&harness, INTERACTION_HARNESS).unwrap();
    // The harness reads the framed report's DOM: both are local files.
    let dom = browse(
        browser,
        &[
            "--allow-file-access-from-files".to_string(),
            "--dump-dom".to_string(),
        ],
        &format!("file://{}", harness.display()),
    );
    let start = dom.find("<pre id=\"results\">").expect("results") + "<pre id=\"results\">".len();
    let json = dom[start..start + dom[start..].find("</pre>").unwrap()]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let steps: Vec<serde_json::Value> = serde_json::from_str(&json).expect("the harness ran");
    let step = |name: &str| -> (Vec<String>, Vec<String>, String) {
        let s = steps.iter().find(|s| s["step"] == name).unwrap();
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect()
        };
        (
            strings(&s["active"]),
            strings(&s["hl"]),
            s["info"].as_str().unwrap().to_string(),
        )
    };
    let lavrov_hl = ["Sergey Lavrov", "Sergey Lavrov", "said"]
        .map(String::from)
        .to_vec();
    let prompt = "Point at or click a quote to see who said it.";

    let (active, hl, info) = step("hover");
    assert_eq!(active, ["2"]);
    assert_eq!(
        hl, lavrov_hl,
        "the speaker mention (an entity too) and the cue"
    );
    assert_eq!(
        info,
        "Quote 3 (mixed), speaker: Sergey Lavrov — 1 mention highlighted"
    );
    assert_eq!(step("leave"), (vec![], vec![], prompt.to_string()));
    assert_eq!(step("click").0, ["2"]);
    let (active, hl, info) = step("hover another");
    assert_eq!(active, ["0"]);
    assert_eq!(
        hl,
        ["Jens Stoltenberg", "Stoltenberg", "Stoltenberg", "said"]
    );
    assert!(
        info.contains("speaker: Jens Stoltenberg — 2 mentions"),
        "{info}"
    );
    let (active, hl, _) = step("leave another");
    assert_eq!(
        (active, hl),
        (vec!["2".to_string()], lavrov_hl),
        "back to the pinned quote"
    );
    assert_eq!(step("unpin"), (vec![], vec![], prompt.to_string()));
    let (active, hl, info) = step("chip");
    assert!(active.is_empty());
    assert_eq!(hl, ["Jens Stoltenberg", "Stoltenberg"]);
    assert_eq!(info, "Jens Stoltenberg (PERSON): 2 mentions highlighted");
}

#[test]
fn a_2000_article_report_opens_on_its_last_page() {
    let Some(browser) = chromium("a_2000_article_report_opens") else {
        return;
    };
    let dir = out_dir("large");
    let report = dir.join("report.html");
    let n = 2000;
    let outcomes: Vec<sinks::Outcome> = (0..n)
        .map(|i| {
            let mut doc = sample::nato();
            doc.id = format!("doc-{i}");
            Ok(doc)
        })
        .collect();
    write_report(&outcomes, &report);

    let dom = dump_dom(browser, &report, &format!("#q-{}-3", n - 1));
    assert!(dom.contains("<body data-ready=\"1\">"));
    assert_eq!(dom.matches("<details class=\"doc").count(), n);
    let pages = n.div_ceil(sinks::html::PAGE_DOCS);
    let last = start_tag(&dom, &format!("page-{pages}"));
    assert!(!last.contains("hidden"), "the linked page is shown: {last}");
    assert!(
        start_tag(&dom, "page-1").contains("hidden"),
        "the first is hidden"
    );
    assert!(start_tag(&dom, &format!("d-{}", n - 1)).contains(" open="));
    assert!(start_tag(&dom, &format!("q-{}-3", n - 1)).contains("quote active"));
    // Only the first and the shown page were parsed into elements.
    assert_eq!(
        dom.matches("<script type=\"text/html\" class=\"page-src\"")
            .count(),
        pages - 2
    );
    assert!(!dom.contains(&format!(
        "<script type=\"text/html\" class=\"page-src\" data-page=\"{pages}\""
    )));
    assert!(dom.contains(&format!(
        "<a href=\"#page-{pages}\" data-page=\"{pages}\" class=\"current\">"
    )));
}

#[test]
fn seed_report_from_the_binary_renders_every_record() {
    let Some(browser) = chromium("seed_report_from_the_binary_renders_every_record") else {
        return;
    };
    let dir = out_dir("seed");
    let report = dir.join("report.html");
    let articles = fixture("sinks/articles.jsonl");
    let out = pipeline()
        .args(["--input", "seeds"])
        .arg(&articles)
        .arg("--output")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = pipeline()
        .args(["--quiet", "--input", "seeds"])
        .arg(&articles)
        .output()
        .unwrap();
    let recs = records(&stdout);

    let dom = dump_dom(browser, &report, "");
    assert!(
        dom.contains("<body data-ready=\"1\">"),
        "the report's script ran"
    );
    assert!(
        !dom.contains("data-pwned="),
        "the fixture's <script> and onerror never ran"
    );
    assert!(!dom.contains("<img"));
    assert_eq!(dom.matches("<script").count(), 1);
    assert!(
        dom.contains("&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;")
    );

    // The same records as the JSONL output, with their annotations.
    assert_eq!(dom.matches("<details class=\"doc").count(), recs.len());
    let count = |key: &str| -> usize {
        recs.iter()
            .filter_map(|r| r.get(key).and_then(|v| v.as_array()))
            .map(Vec::len)
            .sum()
    };
    assert_eq!(dom.matches("<mark class=\"ent").count(), count("entities"));
    assert_eq!(dom.matches("<span class=\"quote").count(), {
        recs.iter()
            .filter_map(|r| r.get("quotes").and_then(|v| v.as_array()))
            .flatten()
            .map(|q| {
                q.get("parts")
                    .and_then(|p| p.as_array())
                    .map_or(1, Vec::len)
            })
            .sum::<usize>()
    });
    assert!(dom.contains(&format!(
        "data-docs=\"{}\" data-errors=\"1\" data-quotes=\"{}\" data-entities=\"{}\"",
        recs.len(),
        count("quotes"),
        count("entities")
    )));
    let seed = &recs[0];
    assert!(dom.contains(&format!(
        "<span class=\"doc-title\">{}</span>",
        seed["title"].as_str().unwrap()
    )));

    screenshot(browser, &report, &dir.join("seed.png"));
}
