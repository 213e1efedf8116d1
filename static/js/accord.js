// Progressive enhancement for every page; each part works without this script as well.
(function () {
  "use strict";

  // --- The top bar's menu on a narrow screen ------------------------------------------
  // Without script the menu stays open (the toggle stays hidden); with it, a phone shows
  // the wordmark and a Menu button that opens and closes the rest.
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("topbar-menu");
  if (toggle && menu) {
    document.documentElement.classList.add("has-menu-toggle");
    toggle.hidden = false;
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // --- The account menu closes on Escape and on a click elsewhere ---------------------
  document.querySelectorAll("details.account-menu").forEach(function (details) {
    details.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && details.open) {
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (details.open && !details.contains(event.target)) details.open = false;
    });
  });

  // --- Confirmation of what cannot be undone ------------------------------------------
  // A form marked data-confirm="<one sentence>" asks in a dialog before it posts, and then
  // posts with confirmed=1. Without script the server answers the unconfirmed post with a
  // confirmation page that asks the same question. A form that names data-confirm-field
  // (and its data-confirm-field-label) has the dialog ask for that field too, e.g. the
  // reason of a reversal; data-confirm-field-required holds what to say when it is empty.
  var dialog = document.getElementById("confirm-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    var title = document.getElementById("confirm-dialog-title");
    var text = document.getElementById("confirm-dialog-text");
    var accept = dialog.querySelector("[data-confirm-accept]");
    var cancel = dialog.querySelector("[data-confirm-cancel]");
    var field = dialog.querySelector(".confirm-dialog-field");
    var input = document.getElementById("confirm-dialog-input");
    var error = document.getElementById("confirm-dialog-error");
    var pending = null;

    var showError = function (message) {
      error.hidden = !message;
      error.firstElementChild.textContent = message || "";
      field.classList.toggle("has-error", !!message);
      if (message) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", error.id);
      } else {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    };

    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.querySelector("input[name=confirmed]")) return;
        event.preventDefault();
        pending = form;
        title.textContent = form.dataset.confirmTitle || "";
        text.textContent = form.dataset.confirm;
        accept.textContent = form.dataset.confirmButton || "OK";
        accept.className = "btn " + (form.querySelector(".btn-danger-outline, .btn-danger")
          ? "btn-danger" : "btn-primary");
        var name = form.dataset.confirmField;
        field.hidden = !name;
        showError("");
        if (name) {
          var carried = form.elements.namedItem(name);
          document.getElementById("confirm-dialog-label").textContent =
            form.dataset.confirmFieldLabel || name;
          input.value = carried ? carried.value : "";
          if (form.dataset.confirmFieldRequired !== undefined) {
            input.setAttribute("aria-required", "true");
          } else {
            input.removeAttribute("aria-required");
          }
        }
        dialog.showModal();
        (name ? input : cancel).focus();
      });
    });
    accept.addEventListener("click", function () {
      if (!pending) return;
      var name = pending.dataset.confirmField;
      if (name) {
        var value = input.value.trim();
        if (!value && pending.dataset.confirmFieldRequired !== undefined) {
          showError(pending.dataset.confirmFieldRequired);
          input.focus();
          return;
        }
        var carried = pending.elements.namedItem(name);
        if (!carried) {
          carried = document.createElement("input");
          carried.type = "hidden";
          carried.name = name;
          pending.appendChild(carried);
        }
        carried.value = value;
      }
      var confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "1";
      pending.appendChild(confirmed);
      dialog.close();
      pending.submit();
    });
    cancel.addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (pending && !pending.querySelector("input[name=confirmed]")) {
        var button = pending.querySelector("button[type=submit]");
        if (button) button.focus();
      }
    });
  }
})();
