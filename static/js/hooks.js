// Webhook inspector, a bin's page: new requests pushed by Server-Sent Events, the count of unseen ones in the
// tab's title, and the selected row marked. Without this file (or without EventSource) htmx polls every 2 s;
// without JavaScript the page's links and GET form do everything.
(function () {
  "use strict";
  var RETRY_CLOSED_MS = 30000; // a refused stream (503: too many, or none on this server) is tried again later
  var baseTitle = document.title;
  var seenUpTo = 0; // the newest request id the owner has had in view
  var source = null;
  var sourceKey = "";
  var retryTimer = null;

  function list() { return document.getElementById("hooks-requests"); }
  function rows() {
    var current = list();
    return current ? current.querySelectorAll("li[data-request-id]") : [];
  }
  function newestShown() {
    var newest = 0;
    Array.prototype.forEach.call(rows(), function (row) {
      newest = Math.max(newest, Number(row.getAttribute("data-request-id")));
    });
    return newest;
  }

  // --- unseen requests in the title --------------------------------------------------------
  function updateTitle() {
    if (!document.hidden) {
      seenUpTo = Math.max(seenUpTo, newestShown());
      document.title = baseTitle;
      return;
    }
    var unseen = 0;
    Array.prototype.forEach.call(rows(), function (row) {
      if (Number(row.getAttribute("data-request-id")) > seenUpTo) unseen += 1;
    });
    document.title = unseen ? "(" + unseen + ") " + baseTitle : baseTitle;
  }
  document.addEventListener("visibilitychange", updateTitle);

  // --- the live stream ------------------------------------------------------------------------
  function streamUrl() {
    var current = list();
    if (!current || !current.getAttribute("data-events-url")) return null;
    var url = new URL(current.getAttribute("data-events-url"), document.baseURI);
    url.searchParams.set("after", String(newestShown()));
    return url;
  }
  function keyOf(url) { // the stream's filter: a new one needs a new stream, a new "after" does not
    var copy = new URL(url.href);
    copy.searchParams.delete("after");
    return copy.href;
  }
  function live() { return source !== null && source.readyState === EventSource.OPEN; }

  function addRow(html) {
    var current = list();
    var ol = current && current.querySelector("ol.hooks-requests");
    if (!ol) return;
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var row = template.content.firstElementChild;
    if (!row || ol.querySelector('li[data-request-id="' + row.getAttribute("data-request-id") + '"]')) return;
    row.classList.add("hooks-new");
    ol.insertBefore(row, ol.firstChild);
    var keep = Number(current.getAttribute("data-keep")) || 100;
    while (ol.children.length > keep) ol.removeChild(ol.lastElementChild);
    var empty = current.querySelector(".hooks-empty");
    if (empty) empty.remove();
    if (window.htmx) window.htmx.process(row);
    updateTitle();
  }

  function close() {
    if (source) source.close();
    source = null;
  }
  function connect() {
    var url = streamUrl();
    if (!url || !window.EventSource) return;
    close();
    sourceKey = keyOf(url);
    source = new EventSource(url.href);
    source.addEventListener("request", function (event) { addRow(event.data); });
    source.addEventListener("gone", function (event) {
      close();
      var current = list();
      if (current) {
        current.removeAttribute("hx-trigger");
        current.textContent = "";
        var note = document.createElement("p");
        note.setAttribute("role", "alert");
        note.textContent = event.data;
        current.appendChild(note);
      }
    });
    source.addEventListener("error", function () {
      // CONNECTING: EventSource tries again by itself (htmx polls meanwhile); CLOSED: refused, try later.
      if (source && source.readyState === EventSource.CLOSED) {
        close();
        clearTimeout(retryTimer);
        retryTimer = setTimeout(connect, RETRY_CLOSED_MS);
      }
    });
  }

  // While the stream is open, htmx's 2 s poll of the list is not sent; when it drops, polling goes on.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "hooks-requests" && live()) event.preventDefault();
  });
  // A new list (the filter, or a poll while the stream was down): follow its filter, count what is new.
  document.body.addEventListener("htmx:afterSwap", function () {
    var url = streamUrl();
    if (url && keyOf(url) !== sourceKey) connect();
    else if (url && !source) connect();
    if (selectedId) markSelected();
    updateTitle();
  });

  // --- the selected row (kept when a poll or the filter redraws the list) ------------------------
  var selectedId = null;
  function markSelected() {
    Array.prototype.forEach.call(rows(), function (row) {
      var chosen = row.getAttribute("data-request-id") === selectedId;
      row.classList.toggle("hooks-selected", chosen);
      var anchor = row.querySelector("a");
      if (chosen) anchor.setAttribute("aria-current", "true");
      else anchor.removeAttribute("aria-current");
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#hooks-requests li[data-request-id] > a");
    if (!link) return;
    selectedId = link.parentNode.getAttribute("data-request-id");
    markSelected();
  });
  var initial = document.querySelector("#hooks-requests li.hooks-selected");
  if (initial) selectedId = initial.getAttribute("data-request-id");

  seenUpTo = newestShown();
  connect();
})();
