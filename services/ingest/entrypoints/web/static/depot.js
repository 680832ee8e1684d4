// Drag and drop onto the upload zone: a progressive enhancement of the ordinary file input,
// which stays usable with the keyboard (and without this script).
(function () {
  "use strict";
  var zone = document.querySelector("[data-dropzone]");
  var input = document.getElementById("file");
  if (!zone || !input) { return; }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  var summary = document.getElementById("erreurs") || document.getElementById("resultat");
  if (summary) { summary.focus(); }
})();
