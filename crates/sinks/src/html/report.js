(function () {
  "use strict";
  var pages = Array.prototype.slice.call(document.querySelectorAll("section.page"));
  var pagerLinks = Array.prototype.slice.call(document.querySelectorAll("#pager a[data-page]"));
  var pageDocs = Number(document.getElementById("articles").getAttribute("data-page-docs")) || 1;
  var pinned = null;

  /* Pages after the first arrive as inert text; parse one when shown. */
  function load(page) {
    var src = document.querySelector('script.page-src[data-page="' + page.getAttribute("data-page") + '"]');
    if (src) {
      page.insertAdjacentHTML("beforeend", src.textContent);
      src.remove();
    }
  }

  function showPage(page) {
    load(page);
    pages.forEach(function (p) { p.hidden = p !== page; });
    pagerLinks.forEach(function (a) {
      a.classList.toggle("current", a.getAttribute("data-page") === page.getAttribute("data-page"));
    });
  }

  /* Makes `el` visible: its page shown, its article expanded. */
  function reveal(el) {
    var page = el.closest("section.page");
    if (page && page.hidden) { showPage(page); }
    var doc = el.closest("details.doc");
    if (doc && !doc.open) { doc.open = true; }
  }

  var PROMPT = "Point at or click a quote to see who said it.";

  function clearMarks() {
    document.querySelectorAll(".quote.active").forEach(function (e) { e.classList.remove("active"); });
    document.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
  }

  function say(doc, text) {
    var info = doc && doc.querySelector(".quote-info");
    if (info) { info.textContent = text; }
  }

  function mentionsText(n) {
    return n + " mention" + (n === 1 ? "" : "s") + " highlighted";
  }

  function highlightCluster(doc, cluster) {
    var n = 0;
    doc.querySelectorAll('.text mark.ent[data-cluster="' + cluster + '"]').forEach(function (e) {
      e.classList.add("hl");
      n += 1;
    });
    return n;
  }

  /* Selects a quote: its parts, speaker, cue and the speaker's mentions.
     `last`: the quote the pointer just left, whose article gets the prompt back. */
  function select(quote, last) {
    clearMarks();
    var lastDoc = last ? last.closest("details.doc") : null;
    if (lastDoc && (!quote || quote.closest("details.doc") !== lastDoc)) { say(lastDoc, PROMPT); }
    if (!quote) { return; }
    var doc = quote.closest("details.doc");
    var k = quote.getAttribute("data-quote");
    doc.querySelectorAll('.quote[data-quote="' + k + '"]').forEach(function (e) { e.classList.add("active"); });
    doc.querySelectorAll('.speaker[data-speaker-of~="' + k + '"], .cue[data-cue-of~="' + k + '"]')
      .forEach(function (e) { e.classList.add("hl"); });
    var cluster = quote.getAttribute("data-cluster");
    var mentions = cluster === null ? 0 : highlightCluster(doc, cluster);
    var text = "Quote " + (Number(k) + 1) + " (" + quote.getAttribute("data-kind") + "), speaker: " +
      quote.getAttribute("data-speaker");
    if (mentions > 0) { text += " \u2014 " + mentionsText(mentions); }
    say(doc, text);
  }

  function quoteOf(node) {
    return node && node.closest ? node.closest(".quote") : null;
  }

  document.addEventListener("mouseover", function (event) {
    var quote = quoteOf(event.target);
    if (quote) { select(quote); }
  });
  document.addEventListener("mouseout", function (event) {
    var from = quoteOf(event.target);
    var to = quoteOf(event.relatedTarget);
    if (from && (!to || to.getAttribute("data-quote") !== from.getAttribute("data-quote"))) {
      select(pinned, from);
    }
  });
  document.addEventListener("click", function (event) {
    var quote = quoteOf(event.target);
    if (quote) {
      var same = pinned && pinned.closest("details.doc") === quote.closest("details.doc") &&
        pinned.getAttribute("data-quote") === quote.getAttribute("data-quote");
      pinned = same ? null : quote;
      select(quote);
      return;
    }
    var chip = event.target.closest ? event.target.closest(".chip[data-cluster], mark.ent[data-cluster]") : null;
    if (chip) {
      pinned = null;
      clearMarks();
      var doc = chip.closest("details.doc");
      var n = highlightCluster(doc, chip.getAttribute("data-cluster"));
      var name = chip.classList.contains("chip") ? chip.getAttribute("data-name") : chip.textContent;
      say(doc, name + " (" + chip.getAttribute("data-label") + "): " + mentionsText(n));
    }
  });

  /* `#q-n-k` selects a quote, `#page-p` shows a page, `#d-n` opens an article. */
  function follow(hash) {
    if (!hash || hash.length < 2) { return; }
    var id = decodeURIComponent(hash.slice(1));
    var el = document.getElementById(id);
    var doc = /^[qd]-(\d+)/.exec(id);
    if (!el && doc) {
      var page = document.getElementById("page-" + (Math.floor(Number(doc[1]) / pageDocs) + 1));
      if (page) { showPage(page); }
      el = document.getElementById(id);
    }
    if (!el) { return; }
    if (el.matches("section.page")) {
      showPage(el);
    } else {
      reveal(el);
      if (el.classList.contains("quote")) {
        pinned = el;
        select(el);
      }
    }
    el.scrollIntoView({ block: "center" });
  }

  window.addEventListener("hashchange", function () { follow(location.hash); });
  if (pages.length > 0) { showPage(pages[0]); }
  follow(location.hash);
  document.body.setAttribute("data-ready", "1");
})();
