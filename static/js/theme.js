// Runs before the page paints: apply the remembered theme and mark that JavaScript is on.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = localStorage.getItem("theme");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
  } catch (e) { /* storage blocked: follow prefers-color-scheme */ }
})();
