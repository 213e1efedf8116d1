// Drag and drop onto the documents panel's file field. Without this script the field is a
// plain file input and works the same: the drop only fills that input.
(function () {
  "use strict";
  document.querySelectorAll("[data-dropzone-area]").forEach(function (area) {
    var input = area.querySelector("input[type=file]");
    if (!input) return;
    area.classList.add("dropzone-ready");
    ["dragenter", "dragover"].forEach(function (name) {
      area.addEventListener(name, function (event) {
        event.preventDefault();
        area.classList.add("dropzone-over");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (name) {
      area.addEventListener(name, function () {
        area.classList.remove("dropzone-over");
      });
    });
    area.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      var transfer = new DataTransfer();
      transfer.items.add(files[0]);
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("change", function () {
      var form = input.form;
      var title = form && form.querySelector("input[name=title]");
      if (title && !title.value && input.files.length) {
        title.value = input.files[0].name.replace(/\.[^.]+$/, "");
      }
    });
  });
})();
