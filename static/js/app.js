// Progressive enhancements; every page works without this file.
(function () {
  "use strict";

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

  // Home page: filter the tool cards as you type (the form still works as a plain GET).
  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-filter-tools]");
    if (!box) return;
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    document.querySelectorAll("[data-tool]").forEach(function (card) {
      var text = card.getAttribute("data-tool");
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      card.hidden = !match;
      if (match) shown++;
    });
    document.querySelectorAll("[data-category]").forEach(function (section) {
      section.hidden = !section.querySelector("[data-tool]:not([hidden])");
    });
    var none = document.querySelector("[data-no-tools-live]");
    if (none) none.hidden = shown !== 0;
  });
})();
