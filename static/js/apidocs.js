// API docs: the "Try it" answers the browser fetches itself. The page's forms work without this file:
// htmx (or a plain form post) gets the curl command, and the answer of a stateless tool, from the server.
// A route that needs the owner's session (notes, links, pastes, hooks) or that reports the request itself
// (whoami) comes back as a .try-send box: this sends that request to the real API and shows its answer.
(function () {
  "use strict";

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  function send(box) {
    box.classList.remove("try-send");  // once per answer
    var id = box.getAttribute("data-send-for");
    var status = document.getElementById(id + "-status");
    var answer = document.getElementById(id + "-answer");
    var init = { method: box.getAttribute("data-send-method"), credentials: "same-origin", headers: {} };
    if (box.hasAttribute("data-send-body")) {
      init.body = box.getAttribute("data-send-body");
      init.headers["Content-Type"] = "application/json";
    }
    status.parentNode.hidden = false;
    answer.hidden = false;
    fetch(box.getAttribute("data-send-url"), init)
      .then(function (response) {
        status.textContent = String(response.status);
        return response.text();
      })
      .then(function (text) { answer.textContent = pretty(text); })
      .catch(function (error) { answer.textContent = "The request failed: " + error.message; });
  }

  function sendAll(root) {
    var boxes = root.querySelectorAll(".try-send");
    for (var i = 0; i < boxes.length; i++) send(boxes[i]);
  }

  document.addEventListener("htmx:afterSettle", function (event) { sendAll(event.target); });
  sendAll(document);  // the answer page of a form sent without htmx
})();
