// Print view: a Print button that opens the browser's print dialogue when the reader asks.
// Never prints on load; without JavaScript the button stays hidden and the page says how.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
