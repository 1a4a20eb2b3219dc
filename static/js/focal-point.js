// The focal point picker in the image admin: a click on the picture sets the focal point,
// and the crop previews follow with the same arithmetic as articles/renditions.py crop_box.
(function () {
  "use strict";
  // The admin loads this in <head>, before the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
  document.querySelectorAll("[data-focal-picker]").forEach(function (picker) {
    var width = Number(picker.getAttribute("data-width"));
    var height = Number(picker.getAttribute("data-height"));
    var stage = picker.querySelector(".nr-focal-stage");
    var picture = stage.querySelector("img");
    var marker = stage.querySelector(".nr-focal-marker");
    var inputX = document.getElementById("id_focal_x");
    var inputY = document.getElementById("id_focal_y");
    if (!inputX || !inputY || !width || !height) { return; }

    function cropBox(ratio, fx, fy) {
      var boxWidth, boxHeight;
      if (width / height > ratio) {
        boxWidth = Math.max(1, Math.min(width, Math.round(height * ratio)));
        boxHeight = height;
      } else {
        boxWidth = width;
        boxHeight = Math.max(1, Math.min(height, Math.round(width / ratio)));
      }
      var left = Math.min(Math.max(Math.round(fx * width - boxWidth / 2), 0), width - boxWidth);
      var top = Math.min(Math.max(Math.round(fy * height - boxHeight / 2), 0), height - boxHeight);
      return { left: left, top: top, width: boxWidth, height: boxHeight };
    }

    function show(fx, fy) {
      marker.style.left = (fx * 100) + "%";
      marker.style.top = (fy * 100) + "%";
      picker.querySelectorAll(".nr-crop").forEach(function (crop) {
        var box = cropBox(Number(crop.getAttribute("data-ratio")), fx, fy);
        var spareX = width - box.width;
        var spareY = height - box.height;
        crop.style.backgroundSize = (width / box.width * 100) + "% auto";
        crop.style.backgroundPosition =
          (spareX ? box.left / spareX * 100 : 0) + "% " + (spareY ? box.top / spareY * 100 : 0) + "%";
      });
    }

    picture.addEventListener("click", function (event) {
      var area = picture.getBoundingClientRect();
      var fx = Math.min(Math.max((event.clientX - area.left) / area.width, 0), 1);
      var fy = Math.min(Math.max((event.clientY - area.top) / area.height, 0), 1);
      inputX.value = fx.toFixed(3);
      inputY.value = fy.toFixed(3);
      show(fx, fy);
    });
    [inputX, inputY].forEach(function (input) {
      input.addEventListener("input", function () {
        show(Number(inputX.value) || 0, Number(inputY.value) || 0);
      });
    });
  });
  }
})();
