// Share: the browser's own share sheet where there is one, and copying the link.
// The plain share links in the page work without this script.
(function () {
  "use strict";
  var bar = document.querySelector("[data-share]");
  if (!bar) { return; }
  var url = bar.getAttribute("data-url");
  var title = bar.getAttribute("data-title");
  var native = bar.querySelector("[data-share-native]");
  var copy = bar.querySelector("[data-share-copy]");
  var status = bar.querySelector("[data-share-status]");

  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: title, url: url }).catch(function () {});
    });
  }
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(function () {
        if (status) { status.textContent = copy.getAttribute("data-copied-label"); }
      });
    });
  }
})();
