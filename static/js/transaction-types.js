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
      function fitting(option) {
        return fits.indexOf(option.value) !== -1;
      }
      // Types shared by several kinds (cancellation) appear once per kind's group: a group
      // is on only when every type in it fits, so each type shows once, under its kind.
      var groups = type.querySelectorAll("optgroup");
      groups.forEach(function (group) {
        var off = !Array.prototype.every.call(group.querySelectorAll("option"), fitting);
        group.hidden = off;
        group.disabled = off;
        group.querySelectorAll("option").forEach(function (option) {
          option.hidden = off;
          option.disabled = off;
        });
      });
      Array.prototype.forEach.call(type.options, function (option) {
        if (option.parentElement.tagName !== "OPTGROUP") {
          option.hidden = option.disabled = !fitting(option);
        }
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
