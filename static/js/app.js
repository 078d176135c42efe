// Progressive enhancements; every page works without this file.
(function () {
  "use strict";
  var body = document.body;
  var owner = body.hasAttribute("data-owner");

  // Theme toggle: remembered in localStorage, otherwise follows prefers-color-scheme.
  function currentTheme() {
    var set = document.documentElement.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("#theme-toggle");
    if (!toggle) return;
    var next = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try { localStorage.setItem("theme", next); } catch (e) { /* ignore */ }
  });

  // Copy buttons: <button data-copy-target="id"> copies that element's text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target || !navigator.clipboard) return;
    var text = target.value !== undefined ? target.value : target.textContent;
    navigator.clipboard.writeText(text).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1200);
    });
  });

  // --- Matching: the same rule as core/search.py (same points, same order) -------------------
  // (tests/test_palette_js.py runs this section in node and compares it with core.search.)
  function words(text) { return text.toLowerCase().match(/[a-z0-9]+/g) || []; }
  function some(list, test) {
    for (var i = 0; i < list.length; i++) if (test(list[i])) return true;
    return false;
  }
  function scattered(token, word) {
    if (word.charAt(0) !== token.charAt(0)) return false;
    for (var i = 0, at = 0; i < token.length; i++, at++) {
      at = word.indexOf(token.charAt(i), at);
      if (at < 0) return false;
    }
    return true;
  }
  function scoreToken(t, e) {
    var prefix = function (w) { return w.indexOf(t) === 0; };
    var part = function (w) { return w.indexOf(t) !== -1; };
    var loose = function (w) { return scattered(t, w); };
    if (e.names.indexOf(t) !== -1) return 100;
    if (e.keys.indexOf(t) !== -1) return 90;
    if (some(e.names, prefix)) return 80;
    if (some(e.keys, prefix)) return 60;
    if (t.length >= 2 && some(e.names, part)) return 50;
    if (t.length >= 2 && some(e.keys, part)) return 40;
    if (some(e.text, prefix)) return 30;
    if (t.length >= 3 && some(e.text, part)) return 20;
    if (t.length >= 3 && (some(e.names, loose) || some(e.keys, loose))) return 10;
    return 0;
  }
  function rank(tools, query) {
    var tokens = words(query), found = [];
    tools.forEach(function (e) {
      var total = 0;
      for (var i = 0; i < tokens.length; i++) {
        var score = scoreToken(tokens[i], e);
        if (!score) return;
        total += score;
      }
      found.push({ e: e, score: total, title: e.title.toLowerCase() });
    });
    found.sort(function (a, b) { return b.score - a.score || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0); });
    return found.map(function (f) { return f.e; });
  }

  // --- Owner's items in the palette (saved recipes): GET /tools/mine.json, never cached; none on failure ---
  function withOwnerItems(tools) {
    var url = palette.getAttribute("data-owner-index");
    if (!url) return tools;
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { tools: [] }; })
      .then(function (data) { return tools.concat(data.tools || []); }, function () { return tools; });
  }

  // The tool index (GET /tools.json?v=…, cached for a year), fetched once per page when first needed.
  var palette = document.getElementById("palette");
  var indexPromise = null;
  function loadIndex() {
    if (!indexPromise) {
      indexPromise = fetch(palette.getAttribute("data-index"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
        .then(function (data) { return data.tools; })
        .then(withOwnerItems);
      indexPromise.catch(function () { indexPromise = null; }); // try again next time
    }
    return indexPromise;
  }

  // --- Favorites and recent tools: the server keeps an owner's, localStorage a visitor's --------
  var FAVORITES = "mytools.favorites", RECENT = "mytools.recent", RECENT_LIMIT = 6;
  function readList(key) {
    try {
      var value = JSON.parse(localStorage.getItem(key));
      return Array.isArray(value) ? value.filter(function (s) { return typeof s === "string"; }) : [];
    } catch (e) { return []; }
  }
  function writeList(key, list) {
    try { localStorage.setItem(key, JSON.stringify(list)); } catch (e) { /* storage blocked */ }
  }
  function starredOnPage() {
    var slugs = [];
    document.querySelectorAll('[data-star][aria-pressed="true"]').forEach(function (b) {
      var slug = b.getAttribute("data-star");
      if (slugs.indexOf(slug) === -1) slugs.push(slug);
    });
    return slugs;
  }
  var favorites = owner ? starredOnPage() : readList(FAVORITES);

  function cardOf(slug) {
    var cards = document.querySelectorAll(".category:not([data-favorites]) [data-slug]");
    for (var i = 0; i < cards.length; i++) if (cards[i].getAttribute("data-slug") === slug) return cards[i];
    return null;
  }
  function showStars() {
    document.querySelectorAll("[data-star]").forEach(function (button) {
      var on = favorites.indexOf(button.getAttribute("data-star")) !== -1;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (button.form && button.form.elements.favorite) button.form.elements.favorite.value = on ? "false" : "true";
    });
  }
  function homeSection(attribute, needed) {
    // The home page has a section only when it has something to show; a <template> holds empty ones.
    var section = document.querySelector("[" + attribute + "]");
    var holder = document.querySelector("[data-home-sections]"), template = document.getElementById("home-sections");
    if (section || !needed || !holder || !template) return section;
    section = template.content.querySelector("[" + attribute + "]").cloneNode(true);
    if (attribute === "data-favorites") holder.insertBefore(section, holder.firstChild); else holder.appendChild(section);
    return section;
  }
  function renderFavorites() {
    var section = homeSection("data-favorites", favorites.length > 0);
    if (!section) return;
    var grid = section.querySelector("[data-favorites-grid]");
    grid.textContent = "";
    favorites.forEach(function (slug) {
      var card = cardOf(slug);
      if (!card) return;
      var copy = card.cloneNode(true), form = copy.querySelector(".star-form");
      if (form) { // an owner's star: its own form id in this section
        form.id = "star-fav-" + slug;
        copy.querySelector("[data-star]").setAttribute("form", form.id);
      }
      grid.appendChild(copy);
    });
    section.hidden = !grid.children.length;
  }
  function renderRecent(slugs) {
    var section = homeSection("data-recent", slugs.length > 0);
    if (!section) return;
    var list = section.querySelector("[data-recent-list]");
    list.textContent = "";
    slugs.forEach(function (slug) {
      var card = cardOf(slug), link = card && card.querySelector("h3 a"), icon = card && card.querySelector("h3 .icon");
      if (!link) return;
      var item = document.createElement("li"), copy = document.createElement("a");
      copy.href = link.getAttribute("href");
      copy.textContent = link.textContent;
      if (icon) copy.insertBefore(icon.cloneNode(true), copy.firstChild);
      item.appendChild(copy);
      list.appendChild(item);
    });
    section.hidden = !list.children.length;
  }
  function setFavorite(slug, on) {
    var focused = document.activeElement, at = favorites.indexOf(slug);
    if (on && at === -1) favorites.push(slug);
    if (!on && at !== -1) favorites.splice(at, 1);
    if (!owner) writeList(FAVORITES, favorites);
    renderFavorites();
    showStars();
    if (focused && !body.contains(focused)) { // the star was in a card that was just rebuilt
      var card = cardOf(slug), star = card && card.querySelector("[data-star]");
      if (star) star.focus();
    }
  }
  document.addEventListener("click", function (event) { // a visitor's star: no form, localStorage
    var button = event.target.closest("button[data-star]");
    if (button && !button.form) setFavorite(button.getAttribute("data-star"), button.getAttribute("aria-pressed") !== "true");
  });
  document.addEventListener("submit", function (event) { // an owner's star: the same form, sent with fetch
    var form = event.target.closest(".star-form");
    if (!form) return;
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) { setFavorite(data.slug, data.favorite); })
      .catch(function () { form.submit(); }); // the plain form still works
  });

  var here = body.getAttribute("data-tool");
  if (!owner) {
    var recent = readList(RECENT);
    if (here) {
      recent = [here].concat(recent.filter(function (s) { return s !== here; })).slice(0, RECENT_LIMIT);
      writeList(RECENT, recent);
    }
    renderFavorites();
    renderRecent(recent);
  }
  showStars();

  // --- Login: a visitor's stars go with the login form (core/favorites.py merges them into the owner's);
  // on the page the login leads to, the browser forgets the stars it sent. A failed login leads back here.
  var SENT = "mytools.favorites.sent", visitorField = document.querySelector("input[data-visitor-favorites]");
  if (visitorField && !owner) {
    visitorField.form.addEventListener("submit", function () {
      visitorField.value = readList(FAVORITES).join(" ");
      try { sessionStorage.setItem(SENT, visitorField.value); } catch (e) { /* storage blocked */ }
    });
  } else {
    try {
      var sent = sessionStorage.getItem(SENT);
      sessionStorage.removeItem(SENT);
      if (sent !== null && owner) {
        var kept = readList(FAVORITES).filter(function (s) { return sent.split(" ").indexOf(s) === -1; });
        if (kept.length) writeList(FAVORITES, kept); else localStorage.removeItem(FAVORITES);
      }
    } catch (e) { /* storage blocked */ }
  }

  // --- Home page: filter the cards as you type (the form still works as a plain GET) ------------
  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-filter-tools]");
    if (!box) return;
    var query = box.value;
    loadIndex().then(function (tools) {
      if (box.value !== query) return; // a newer keystroke will answer
      var searching = words(query).length > 0, matched = {}, shown = 0;
      rank(tools, query).forEach(function (e) { matched[e.slug] = true; });
      document.querySelectorAll(".category:not([data-favorites]) [data-slug]").forEach(function (card) {
        var match = !searching || matched[card.getAttribute("data-slug")] === true;
        card.hidden = !match;
        if (match) shown++;
      });
      document.querySelectorAll(".category:not([data-favorites])").forEach(function (section) {
        section.hidden = !section.querySelector("[data-slug]:not([hidden])");
      });
      document.querySelectorAll("[data-favorites], [data-recent]").forEach(function (section) {
        var list = section.querySelector("[data-favorites-grid], [data-recent-list]");
        section.hidden = searching || !list.children.length;
      });
      var none = document.querySelector("[data-no-tools-live]");
      if (none) none.hidden = shown !== 0;
    });
  });

  // --- Live tool forms: a size limit, Ctrl+Enter, the visitor's time zone on a first load --------
  // A tool form says how much input it updates on as you type (data-live-max-bytes, Operation.live_max_bytes).
  function inputBytes(form, limit) {
    var total = 0, encoder = window.TextEncoder ? new TextEncoder() : null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || total > limit) return;
      if (el.type === "file") {
        for (var i = 0; i < el.files.length; i++) total += el.files[i].size;
      } else if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !/^(checkbox|radio|submit|button|reset|image)$/.test(el.type))) {
        var text = el.value; // its UTF-8 length, but no need to encode megabytes to know they are too many
        total += text.length > limit || !encoder ? text.length : encoder.encode(text).length;
      }
    });
    return total;
  }
  function humanBytes(n) { return n >= 1e6 ? n / 1e6 + " MB" : n >= 1e3 ? n / 1e3 + " KB" : n + " bytes"; }
  function runButton(form) { return form.querySelector("button[type=submit], button:not([type]), input[type=submit]"); }
  function liveOffNote(form, limit, show) {
    var note = form.querySelector("[data-live-off]");
    if (!note && show) {
      var button = runButton(form);
      note = document.createElement("p");
      note.className = "live-off";
      note.setAttribute("data-live-off", "");
      note.setAttribute("role", "status");
      note.textContent = "Live update is off for inputs over " + humanBytes(limit) + ": press " +
        (button ? button.textContent.trim() : "the button") + " or Ctrl+Enter.";
      var place = button ? button.closest("div, p") || button : null;
      if (place && place !== form && form.contains(place)) place.insertAdjacentElement("afterend", note);
      else form.appendChild(note);
    }
    if (note) note.hidden = !show;
  }
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt, trigger = event.detail.triggeringEvent;
    var form = elt.tagName === "FORM" ? elt : elt.form || elt.closest("form");
    var limit = form && parseInt(form.getAttribute("data-live-max-bytes"), 10);
    if (!limit) return;
    var typed = trigger && (trigger.type === "input" || trigger.type === "change");
    var over = inputBytes(form, limit) > limit;
    liveOffNote(form, limit, over);
    if (over && typed) event.preventDefault(); // the button (a click or submit) still runs it
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.altKey) return;
    var form = event.target.form, main = document.getElementById("main");
    var button = form && main && main.contains(form) ? runButton(form) : null;
    if (!button) return;
    event.preventDefault();
    button.click(); // what the first button does: an htmx request on a tool form, else the plain submit
  });
  function afterHtmx(run) { // htmx processes the page on DOMContentLoaded, before this listener
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else setTimeout(run, 0);
  }
  afterHtmx(function () {
    if (!window.htmx || !document.querySelector('#result [data-first-load="run"]')) return;
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    document.querySelectorAll("form[data-browser-zone]").forEach(function (form) {
      var field = form.elements[form.getAttribute("data-browser-zone")];
      if (!zone || !field || field.value === zone) return;
      field.value = zone;
      var button = runButton(form);
      if (button) button.click();
    });
  });

  // --- Command palette: Ctrl+K / Cmd+K, or / outside a text field ------------------------------
  var input = document.getElementById("palette-input");
  var list = document.getElementById("palette-list");
  var emptyNote = palette.querySelector(".palette-empty");
  var shownTools = [], active = -1, opener = null;

  function setActive(i) {
    var options = list.children;
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (i < 0 || !options[i]) { input.removeAttribute("aria-activedescendant"); return; }
    options[i].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[i].id);
    options[i].scrollIntoView({ block: "nearest" });
  }
  // --- Icons: the tool's icon from the sprite (core/icons.py), as the server draws it ---------------
  var SVG = "http://www.w3.org/2000/svg", sprite = palette.getAttribute("data-icons");
  function iconOf(name) {
    var svg = document.createElementNS(SVG, "svg"), use = document.createElementNS(SVG, "use");
    svg.setAttribute("class", "icon");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    use.setAttribute("href", sprite + "#i-" + name);
    svg.appendChild(use);
    return svg;
  }
  function renderPalette() {
    var query = input.value;
    loadIndex().then(function (tools) {
      if (input.value !== query) return;
      if (words(query).length) shownTools = rank(tools, query);
      else shownTools = tools.filter(function (e) { return favorites.indexOf(e.slug) !== -1; })
        .concat(tools.filter(function (e) { return favorites.indexOf(e.slug) === -1; }));
      list.textContent = "";
      active = -1;
      shownTools.forEach(function (e) {
        var option = document.createElement("li"), title = document.createElement("strong");
        var summary = document.createElement("small");
        option.id = "palette-option-" + e.slug;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        title.textContent = e.title;
        summary.textContent = e.summary;
        if (e.icon) title.insertBefore(iconOf(e.icon), title.firstChild);
        option.appendChild(title);
        option.appendChild(summary);
        list.appendChild(option);
      });
      emptyNote.textContent = "No tool matches.";
      emptyNote.hidden = shownTools.length > 0;
      setActive(shownTools.length ? 0 : -1);
    }, function () {
      emptyNote.textContent = "The tool list could not be loaded; press Enter to search.";
      emptyNote.hidden = false;
    });
  }
  function openPalette() {
    if (palette.open) return;
    opener = document.activeElement;
    input.value = "";
    palette.showModal();
    input.focus();
    renderPalette();
  }
  function go(i) {
    if (shownTools[i]) window.location.assign(shownTools[i].url);
  }
  function typingIn(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset|range|color|file|image)$/.test(el.type);
  }
  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (key === "k" || key === "K")) {
      event.preventDefault();
      if (palette.open) palette.close(); else openPalette();
    } else if (key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !palette.open && !typingIn(event.target)) {
      event.preventDefault();
      openPalette();
    }
  });
  input.addEventListener("input", renderPalette);
  input.addEventListener("keydown", function (event) {
    var count = shownTools.length;
    if (event.key === "ArrowDown" && count) setActive((active + 1) % count);
    else if (event.key === "ArrowUp" && count) setActive((active - 1 + count) % count);
    else if (event.key === "Home" && count && event.ctrlKey) setActive(0);
    else if (event.key === "End" && count && event.ctrlKey) setActive(count - 1);
    else if (event.key === "Enter" && active >= 0) go(active);
    else return; // Enter with nothing chosen submits the form: the home page search
    event.preventDefault();
  });
  list.addEventListener("click", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) go(Array.prototype.indexOf.call(list.children, option));
  });
  list.addEventListener("mousemove", function (event) {
    var option = event.target.closest("[role=option]");
    var i = option ? Array.prototype.indexOf.call(list.children, option) : -1;
    if (i >= 0 && i !== active) setActive(i);
  });
  palette.addEventListener("click", function (event) {
    if (event.target === palette) palette.close(); // a click on the backdrop
  });
  palette.addEventListener("close", function () {
    if (opener && opener.focus) opener.focus();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-palette-open]")) openPalette();
  });
})();
