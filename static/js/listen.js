// Listen: reads the article aloud with the browser's own speech synthesis (Web Speech API).
// The controls stay hidden where the browser has no speech synthesis, so nothing breaks.
(function () {
  "use strict";
  var box = document.querySelector("[data-listen]");
  if (!box || !("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) {
    return;
  }
  var synth = window.speechSynthesis;
  var play = box.querySelector("[data-listen-play]");
  var pause = box.querySelector("[data-listen-pause]");
  var stop = box.querySelector("[data-listen-stop]");
  var status = box.querySelector("[data-listen-status]");
  var lang = box.getAttribute("data-lang") || document.documentElement.lang || "en";
  var state = "idle";

  // Headline, teaser and body in reading order; one utterance per block, because some
  // engines stop long utterances after a few seconds.
  function blocks() {
    var parts = [];
    document.querySelectorAll("[data-listen-text]").forEach(function (element) {
      var nested = element.querySelectorAll("h2, h3, h4, p, li, blockquote, figcaption, td, th");
      var sources = nested.length ? nested : [element];
      sources.forEach(function (source) {
        var text = source.textContent.replace(/\s+/g, " ").trim();
        if (text) { parts.push(text); }
      });
    });
    return parts;
  }

  function show(newState) {
    state = newState;
    play.hidden = state === "speaking";
    pause.hidden = state !== "speaking";
    stop.disabled = state === "idle";
    play.textContent = state === "paused" ? play.getAttribute("data-resume-label") : play.getAttribute("data-play-label");
    if (status) { status.textContent = box.getAttribute("data-status-" + state) || ""; }
  }

  function start() {
    synth.cancel();
    var parts = blocks();
    parts.forEach(function (text, index) {
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      if (index === parts.length - 1) {
        utterance.onend = function () { show("idle"); };
      }
      utterance.onerror = function () { show("idle"); };
      synth.speak(utterance);
    });
    show("speaking");
  }

  play.addEventListener("click", function () {
    if (state === "paused") { synth.resume(); show("speaking"); } else { start(); }
  });
  pause.addEventListener("click", function () { synth.pause(); show("paused"); });
  stop.addEventListener("click", function () { synth.cancel(); show("idle"); });
  window.addEventListener("pagehide", function () { synth.cancel(); });

  box.hidden = false;
  show("idle");
})();
