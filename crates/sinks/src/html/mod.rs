//! A self-contained HTML report of a run: one file, inline CSS and
//! JavaScript, nothing fetched from the network.
//!
//! Each article is a collapsible `<details>` with its text, entities
//! highlighted by label and quotes highlighted; pointing at or clicking a
//! quote shows its speaker and highlights the speaker's mentions. A summary
//! on top counts articles, quotes and entities per label and ranks the most
//! quoted speakers with links to their quotes. Articles come in pages of
//! [`PAGE_DOCS`]: the first page is part of the document, the others are
//! inert text (`<script type="text/html" class="page-src">`) that the
//! page's script turns into elements when the page is shown, and only the
//! first [`OPEN_DOCS`] articles start expanded, so a report of thousands of
//! articles still opens quickly.
//!
//! Every piece of document text goes through [`escape`]: an article
//! containing `<script>` shows it as text.
//!
//! # Markup contract
//! Stable hooks for scripts and tests (`n`: document number in the run,
//! from 0; `k`: quote index; `i`: entity index; `c`: cluster index):
//!
//! * `details.doc#d-n[data-doc=n][data-doc-id][data-quotes][data-entities]`,
//!   plus class `error` and `data-error-kind` for a failed document;
//! * `mark.ent[data-ent=i][data-label][data-cluster=c]` (no `data-cluster`
//!   without a cluster), inside `.text`;
//! * `span.quote[data-quote=k][data-kind][data-speaker][data-cluster=c]`,
//!   one per quote part, the first with `id="q-n-k"`;
//!   `span.speaker[data-speaker-of~=k]` and `span.cue[data-cue-of~=k]`;
//! * when a quote is selected (hover, click or a `#q-n-k` link): its parts
//!   get class `active`, its speaker, cue and the cluster's entity mentions
//!   class `hl`, and the article's `.quote-info` names the speaker; a click
//!   pins the selection (hovering elsewhere comes back to it), a second click
//!   unpins; clicking an entity or a `span.chip[data-cluster][data-name]`
//!   highlights that cluster's mentions;
//! * `section.page#page-p[data-page=p]` (from 1), hidden unless shown;
//!   for `p > 1` its articles sit in `script.page-src[data-page=p]` until
//!   then (`main#articles[data-page-docs]` gives the page size);
//! * `#run-stats[data-docs][data-errors][data-quotes][data-entities][data-pages]`,
//!   `#speakers tr.speaker-row[data-speaker][data-quotes]` with links
//!   `a[href="#q-n-k"]`;
//! * `body[data-ready="1"]` once the script has run.

mod markup;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use document::{Document, Label};

pub use markup::{escape, push_escaped};
use markup::{render, truncate, Mark};

use crate::jsonl::BUFFER_BYTES;
use crate::{io_error, span_text, Outcome, Sink, SinkError, Target};

/// Articles per page.
pub const PAGE_DOCS: usize = 50;

/// Articles that start expanded (the first ones of the run).
pub const OPEN_DOCS: usize = 10;

/// Rows of the most-quoted-speakers table.
pub const TOP_SPEAKERS: usize = 50;

/// Quote links listed per speaker.
const LINKS_PER_SPEAKER: usize = 50;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Writes the HTML report. Holds only per-speaker counts and quote links
/// between documents; the articles stream to the output.
///
/// ```
/// use document::Document;
/// use sinks::{HtmlSink, Sink};
///
/// let mut out = Vec::new();
/// let mut sink = HtmlSink::new(&mut out);
/// sink.write(&Ok(Document::new("a1", "example", "<script>alert(1)</script>")))?;
/// sink.finish()?;
/// drop(sink);
/// let page = String::from_utf8(out)?;
/// assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct HtmlSink<W: Target> {
    out: BufWriter<W>,
    target: String,
    title: String,
    started: bool,
    n_docs: usize,
    n_errors: usize,
    n_quotes: u64,
    n_unattributed: u64,
    label_counts: [u64; Label::ALL.len()],
    speakers: HashMap<String, Speaker>,
    html: String,
}

/// What the summary table knows about one speaker.
#[derive(Debug, Default)]
struct Speaker {
    quotes: u64,
    articles: u64,
    last_doc: Option<usize>,
    links: Vec<QuoteLink>,
}

#[derive(Debug)]
struct QuoteLink {
    doc: usize,
    quote: usize,
    doc_title: String,
    snippet: String,
}

impl<W: Target> HtmlSink<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self::with_target(out, "output")
    }

    /// Writes to `out`, naming it `target` in error messages.
    pub fn with_target(out: W, target: impl Into<String>) -> Self {
        HtmlSink {
            out: BufWriter::with_capacity(BUFFER_BYTES, out),
            target: target.into(),
            title: "News pipeline report".into(),
            started: false,
            n_docs: 0,
            n_errors: 0,
            n_quotes: 0,
            n_unattributed: 0,
            label_counts: [0; Label::ALL.len()],
            speakers: HashMap::new(),
            html: String::with_capacity(64 * 1024),
        }
    }

    /// Sets the page's title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    fn head(&self, out: &mut String) {
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // No network, ever: the page may be opened anywhere.
        out.push_str(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
        );
        out.push_str("<title>");
        push_escaped(out, &self.title);
        out.push_str("</title>\n<style>\n");
        out.push_str(STYLE);
        let _ = writeln!(
            out,
            "</style>\n</head>\n<body>\n<main id=\"articles\" data-page-docs=\"{PAGE_DOCS}\">"
        );
    }

    fn article(&mut self, outcome: &Outcome) {
        let mut html = std::mem::take(&mut self.html);
        html.clear();
        if !self.started {
            self.started = true;
            self.head(&mut html);
        }
        let n = self.n_docs;
        if n % PAGE_DOCS == 0 {
            let page = n / PAGE_DOCS + 1;
            if page == 1 {
                html.push_str("<section class=\"page\" id=\"page-1\" data-page=\"1\">\n");
            } else {
                html.push_str(close_page(page - 1));
                // Later pages stay unparsed text until shown: the browser
                // only scans a script element for its end, which cuts the
                // load time of a large report by half. Nothing in an article
                // can end it early: document text never reaches the page
                // unescaped, and the markup around it has no `</script`.
                let _ = writeln!(
                    html,
                    "<section class=\"page\" id=\"page-{page}\" data-page=\"{page}\" hidden>\
                     </section>\n<script type=\"text/html\" class=\"page-src\" data-page=\"{page}\">"
                );
            }
        }
        let open = if n < OPEN_DOCS { " open" } else { "" };
        match outcome {
            Ok(doc) => self.document(&mut html, n, doc, open),
            Err(err) => {
                self.n_errors += 1;
                let _ = write!(
                    html,
                    "<details class=\"doc error\" id=\"d-{n}\" data-doc=\"{n}\" data-doc-id=\""
                );
                push_escaped(&mut html, &err.id);
                html.push_str("\" data-error-kind=\"");
                push_escaped(&mut html, &err.kind);
                let _ = write!(html, "\"{open}>\n<summary><span class=\"doc-title\">");
                push_escaped(&mut html, &err.id);
                html.push_str("</span><span class=\"doc-meta\">failed: ");
                push_escaped(&mut html, &err.kind);
                html.push_str(
                    "</span></summary>\n<div class=\"doc-body\"><p class=\"error-message\">",
                );
                push_escaped(&mut html, &err.source);
                html.push_str(": ");
                push_escaped(&mut html, &err.message);
                html.push_str("</p></div>\n</details>\n");
            }
        }
        self.n_docs += 1;
        self.html = html;
    }

    fn document(&mut self, html: &mut String, n: usize, doc: &Document, open: &str) {
        let text = doc.text.as_str();
        let valid_cluster = |c: Option<u32>| c.filter(|&c| (c as usize) < doc.clusters.len());
        let title = doc.title.as_deref().filter(|t| !t.trim().is_empty());

        let _ = write!(
            html,
            "<details class=\"doc\" id=\"d-{n}\" data-doc=\"{n}\" data-doc-id=\""
        );
        push_escaped(html, &doc.id);
        let _ = write!(
            html,
            "\" data-quotes=\"{}\" data-entities=\"{}\"{open}>\n<summary><span class=\"doc-title\">",
            doc.quotes.len(),
            doc.entities.len()
        );
        push_escaped(html, title.unwrap_or(&doc.id));
        html.push_str("</span><span class=\"doc-meta\">");
        push_escaped(html, &doc.id);
        let _ = write!(
            html,
            " · {} quotes · {} entities</span></summary>\n<div class=\"doc-body\">\n",
            doc.quotes.len(),
            doc.entities.len()
        );
        if !doc.quotes.is_empty() {
            html.push_str(
                "<p class=\"quote-info\">Point at or click a quote to see who said it.</p>\n",
            );
        }

        // The text, with quotes (outermost), speakers and cues, and entities.
        let mut marks = Vec::with_capacity(doc.entities.len() + 3 * doc.quotes.len());
        for (k, q) in doc.quotes.iter().enumerate() {
            let speaker = speaker_label(doc, q);
            let cluster = valid_cluster(q.cluster);
            let parts = if q.parts.is_empty() {
                std::slice::from_ref(&q.span)
            } else {
                &q.parts[..]
            };
            for (p, part) in parts.iter().enumerate() {
                let mut open = String::from("<span class=\"quote\"");
                if p == 0 {
                    let _ = write!(open, " id=\"q-{n}-{k}\"");
                }
                let _ = write!(
                    open,
                    " data-quote=\"{k}\" data-kind=\"{}\" data-speaker=\"",
                    q.kind
                );
                push_escaped(&mut open, &speaker);
                open.push('"');
                if let Some(c) = cluster {
                    let _ = write!(open, " data-cluster=\"{c}\"");
                }
                open.push_str(" title=\"");
                push_escaped(&mut open, &speaker);
                let _ = write!(open, " ({})\">", q.kind);
                marks.push(Mark {
                    span: *part,
                    layer: 0,
                    open,
                    close: "</span>",
                });
            }
        }
        marks.extend(speaker_and_cue_marks(doc));
        for (i, e) in doc.entities.iter().enumerate() {
            let mut open = format!(
                "<mark class=\"ent\" data-ent=\"{i}\" data-label=\"{}\"",
                e.label
            );
            if let Some(c) = valid_cluster(e.cluster) {
                let _ = write!(open, " data-cluster=\"{c}\"");
            }
            open.push('>');
            marks.push(Mark {
                span: e.span,
                layer: 2,
                open,
                close: "</mark>",
            });
        }
        html.push_str("<div class=\"text\">");
        render(html, text, marks);
        html.push_str("</div>\n");

        self.clusters_line(html, doc);
        self.quotes_table(html, n, doc);
        html.push_str("</div>\n</details>\n");

        for e in &doc.entities {
            self.label_counts[label_slot(e.label)] += 1;
        }
        let doc_title = truncate(title.unwrap_or(&doc.id), 80);
        for (k, q) in doc.quotes.iter().enumerate() {
            self.n_quotes += 1;
            let Some(name) = q.speaker_name.as_deref().filter(|s| !s.trim().is_empty()) else {
                self.n_unattributed += 1;
                continue;
            };
            let speaker = self.speakers.entry(name.to_string()).or_default();
            speaker.quotes += 1;
            if speaker.last_doc != Some(n) {
                speaker.articles += 1;
                speaker.last_doc = Some(n);
            }
            if speaker.links.len() < LINKS_PER_SPEAKER {
                speaker.links.push(QuoteLink {
                    doc: n,
                    quote: k,
                    doc_title: doc_title.clone(),
                    snippet: truncate(span_text(text, q.span), 120),
                });
            }
        }
    }

    /// The article's most mentioned clusters, as chips.
    fn clusters_line(&self, html: &mut String, doc: &Document) {
        let mut clusters: Vec<(usize, &document::Cluster)> = doc
            .clusters
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.mentions.is_empty())
            .collect();
        if clusters.is_empty() {
            return;
        }
        clusters.sort_by_key(|(i, c)| (std::cmp::Reverse(c.mentions.len()), *i));
        html.push_str("<p class=\"doc-clusters\">Mentioned: ");
        for (i, c) in clusters.iter().take(15) {
            let _ = write!(
                html,
                "<span class=\"chip\" data-label=\"{}\" data-cluster=\"{i}\" data-name=\"",
                c.label
            );
            push_escaped(html, &c.name);
            html.push_str("\">");
            push_escaped(html, &c.name);
            let _ = write!(html, " <b>{}</b></span> ", c.mentions.len());
        }
        html.push_str("</p>\n");
    }

    fn quotes_table(&self, html: &mut String, n: usize, doc: &Document) {
        if doc.quotes.is_empty() {
            return;
        }
        html.push_str(
            "<table class=\"doc-quotes\"><thead><tr><th>#</th><th>Speaker</th><th>Cue</th>\
             <th>Kind</th><th>Quote</th></tr></thead><tbody>\n",
        );
        for (k, q) in doc.quotes.iter().enumerate() {
            let _ = write!(
                html,
                "<tr data-quote=\"{k}\"><td><a href=\"#q-{n}-{k}\">{}</a></td><td>",
                k + 1
            );
            push_escaped(html, &speaker_label(doc, q));
            html.push_str("</td><td>");
            push_escaped(html, q.cue.map_or("", |c| span_text(&doc.text, c)));
            let _ = write!(html, "</td><td>{}</td><td>", q.kind);
            push_escaped(html, &truncate(span_text(&doc.text, q.span), 160));
            html.push_str("</td></tr>\n");
        }
        html.push_str("</tbody></table>\n");
    }

    fn summary(&self, out: &mut String) {
        let n_pages = self.n_docs.div_ceil(PAGE_DOCS);
        let n_entities: u64 = self.label_counts.iter().sum();
        out.push_str("<header id=\"summary\">\n<h1>");
        push_escaped(out, &self.title);
        let _ = writeln!(
            out,
            "</h1>\n<p id=\"run-stats\" data-docs=\"{docs}\" data-errors=\"{errors}\" \
             data-quotes=\"{quotes}\" data-entities=\"{n_entities}\" data-pages=\"{n_pages}\">\
             {docs} articles ({errors} failed) · {quotes} quotes · {n_entities} entities</p>",
            docs = self.n_docs,
            errors = self.n_errors,
            quotes = self.n_quotes,
        );
        out.push_str("<p id=\"legend\">");
        for label in Label::ALL {
            let _ = write!(
                out,
                "<span class=\"swatch\" data-label=\"{label}\">{label} <b>{}</b></span> ",
                self.label_counts[label_slot(label)]
            );
        }
        out.push_str(
            "<span class=\"swatch-quote\">quote</span> <span class=\"swatch-speaker\">speaker\
             </span> <span class=\"swatch-cue\">cue</span></p>\n",
        );
        if n_pages > 1 {
            let _ = write!(
                out,
                "<nav id=\"pager\" data-pages=\"{n_pages}\">Pages of {PAGE_DOCS} articles: "
            );
            for page in 1..=n_pages {
                let _ = write!(
                    out,
                    "<a href=\"#page-{page}\" data-page=\"{page}\">{page}</a> "
                );
            }
            out.push_str("</nav>\n");
        }

        let mut ranked: Vec<(&String, &Speaker)> = self.speakers.iter().collect();
        ranked.sort_by(|a, b| b.1.quotes.cmp(&a.1.quotes).then_with(|| a.0.cmp(b.0)));
        out.push_str("<section id=\"speakers\">\n<h2>Most quoted speakers</h2>\n");
        if self.n_quotes == 0 {
            out.push_str("<p class=\"unattributed\">No quotes found.</p>\n</section>\n</header>\n");
            return;
        }
        if ranked.is_empty() {
            out.push_str("<p>No quote has a resolved speaker.</p>\n");
        } else {
            out.push_str(
                "<table><thead><tr><th>#</th><th>Speaker</th><th>Quotes</th><th>Articles</th>\
                 <th>Their quotes</th></tr></thead><tbody>\n",
            );
            for (rank, (name, speaker)) in ranked.iter().take(TOP_SPEAKERS).enumerate() {
                out.push_str("<tr class=\"speaker-row\" data-speaker=\"");
                push_escaped(out, name);
                let _ = write!(
                    out,
                    "\" data-quotes=\"{q}\"><td>{r}</td><td>",
                    q = speaker.quotes,
                    r = rank + 1
                );
                push_escaped(out, name);
                let _ = write!(
                    out,
                    "</td><td>{}</td><td>{}</td><td><details><summary>show</summary><ol>",
                    speaker.quotes, speaker.articles
                );
                for link in &speaker.links {
                    let _ = write!(out, "<li><a href=\"#q-{}-{}\">", link.doc, link.quote);
                    push_escaped(out, &link.doc_title);
                    out.push_str("</a>: “");
                    push_escaped(out, &link.snippet);
                    out.push_str("”</li>");
                }
                out.push_str("</ol>");
                let more = speaker.quotes - speaker.links.len() as u64;
                if more > 0 {
                    let _ = write!(out, "<p>… and {more} more.</p>");
                }
                out.push_str("</details></td></tr>\n");
            }
            out.push_str("</tbody></table>\n");
            if ranked.len() > TOP_SPEAKERS {
                let _ = writeln!(
                    out,
                    "<p>{} more speakers are not listed.</p>",
                    ranked.len() - TOP_SPEAKERS
                );
            }
        }
        let (n, verb) = match self.n_unattributed {
            1 => ("1 quote".to_string(), "has"),
            n => (format!("{n} quotes"), "have"),
        };
        let _ = writeln!(
            out,
            "<p class=\"unattributed\">{n} {verb} no resolved speaker.</p>"
        );
        out.push_str("</section>\n</header>\n");
    }
}

/// Who said a quote, for people: the resolved name, else the words that
/// name the speaker, else a dash.
fn speaker_label(doc: &Document, q: &document::Quote) -> String {
    if let Some(name) = q.speaker_name.as_deref().filter(|s| !s.trim().is_empty()) {
        return name.to_string();
    }
    match q.speaker.map(|s| span_text(&doc.text, s)) {
        Some(written) if !written.is_empty() => format!("{written} (unresolved)"),
        _ => "no speaker found".into(),
    }
}

/// Speaker and cue spans, one mark per distinct span: quotes sharing a
/// speaker mention list all their indices.
fn speaker_and_cue_marks(doc: &Document) -> Vec<Mark> {
    let mut spans: Vec<(document::Span, &'static str, Vec<usize>)> = Vec::new();
    for (k, q) in doc.quotes.iter().enumerate() {
        for (span, class) in [(q.speaker, "speaker"), (q.cue, "cue")] {
            let Some(span) = span else { continue };
            match spans.iter_mut().find(|(s, c, _)| *s == span && *c == class) {
                Some((_, _, quotes)) => quotes.push(k),
                None => spans.push((span, class, vec![k])),
            }
        }
    }
    spans
        .into_iter()
        .map(|(span, class, quotes)| {
            let list: Vec<String> = quotes.iter().map(usize::to_string).collect();
            let attr = if class == "speaker" {
                "data-speaker-of"
            } else {
                "data-cue-of"
            };
            Mark {
                span,
                layer: 1,
                open: format!("<span class=\"{class}\" {attr}=\"{}\">", list.join(" ")),
                close: "</span>",
            }
        })
        .collect()
}

/// The end of page `page` (from 1): the first is a section, the others
/// the script element that holds them until shown.
fn close_page(page: usize) -> &'static str {
    if page == 1 {
        "</section>\n"
    } else {
        "</script>\n"
    }
}

fn label_slot(label: Label) -> usize {
    Label::ALL
        .iter()
        .position(|&l| l == label)
        .expect("every label is in ALL")
}

impl<W: Target> Sink for HtmlSink<W> {
    fn write(&mut self, outcome: &Outcome) -> Result<(), SinkError> {
        self.article(outcome);
        self.out
            .write_all(self.html.as_bytes())
            .map_err(io_error(&self.target))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.out.flush().map_err(io_error(&self.target))
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        let mut html = std::mem::take(&mut self.html);
        html.clear();
        if !self.started {
            self.started = true;
            self.head(&mut html);
            html.push_str("<p class=\"empty\">No documents.</p>\n");
        } else {
            html.push_str(close_page(self.n_docs.div_ceil(PAGE_DOCS)));
        }
        html.push_str("</main>\n");
        self.summary(&mut html);
        html.push_str("<script>\n");
        html.push_str(SCRIPT);
        html.push_str("</script>\n</body>\n</html>\n");
        self.out
            .write_all(html.as_bytes())
            .map_err(io_error(&self.target))?;
        self.out.flush().map_err(io_error(&self.target))?;
        self.out.get_mut().commit().map_err(io_error(&self.target))
    }
}
