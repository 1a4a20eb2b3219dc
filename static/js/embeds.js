// Two-click embeds: a video from YouTube or Vimeo loads only after the reader asks for it,
// so that opening an article sends nothing to the provider.
(function () {
  "use strict";
  document.querySelectorAll("[data-embed-src]").forEach(function (figure) {
    var button = figure.querySelector("[data-embed-load]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = figure.getAttribute("data-embed-src");
      frame.title = figure.getAttribute("data-embed-title") || "";
      frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      frame.setAttribute("allowfullscreen", "");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.className = "embed-frame";
      var holder = figure.querySelector("[data-embed-holder]");
      holder.replaceChildren(frame);
      frame.focus();
    });
  });
})();
