// The transaction form's Type list offers only the types that fit the chosen instrument's
// kind. The server already offers only the kinds the project has and refuses a type that
// does not fit; this narrows the list further as the instrument changes.
(function () {
  "use strict";
  document.querySelectorAll("select[data-kinds]").forEach(function (instrument) {
    var type = instrument.form && instrument.form.querySelector("select[data-types]");
    if (!type) {
      return;
    }
    var kinds = JSON.parse(instrument.dataset.kinds);
    var types = JSON.parse(type.dataset.types);
    function narrow() {
      var fits = types[kinds[instrument.value]] || [];
      Array.prototype.forEach.call(type.options, function (option) {
        var off = fits.indexOf(option.value) === -1;
        option.hidden = off;
        option.disabled = off;
      });
      type.querySelectorAll("optgroup").forEach(function (group) {
        var off = !group.querySelector("option:not([disabled])");
        group.hidden = off;
        group.disabled = off;
      });
      var chosen = type.options[type.selectedIndex];
      if (!chosen || chosen.disabled) {
        var first = type.querySelector("option:not([disabled])");
        if (first) {
          type.value = first.value;
        }
      }
    }
    instrument.addEventListener("change", narrow);
    narrow();
  });
})();
