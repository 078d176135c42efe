// Data converter: a submit button marked data-plain-submit (Download) skips htmx, so that the browser saves
// the answer as a file instead of htmx swapping it into the page. The page works without this file.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.hasAttribute("data-plain-submit")) {
      event.stopPropagation(); // on the way down (capture): htmx's listener on the form never sees it
    }
  }, true);
})();
