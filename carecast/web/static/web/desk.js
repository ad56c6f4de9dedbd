// carecast desk: the little behaviour htmx does not cover. No framework, no build step.
(function () {
  "use strict";

  // After a failed save, focus goes to the first field with an error (not the page body);
  // its error is linked by aria-describedby, so a screen reader reads it out.
  var invalid = document.querySelector('main [aria-invalid="true"]');
  if (invalid) invalid.focus();

  // Phone menu: show the disclosure button (hidden without JS, when the list stays open).
  var navToggle = document.querySelector(".nav-toggle");
  if (navToggle) {
    navToggle.hidden = false;
    navToggle.addEventListener("click", function () {
      var open = navToggle.getAttribute("aria-expanded") === "true";
      navToggle.setAttribute("aria-expanded", open ? "false" : "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && navToggle.getAttribute("aria-expanded") === "true") {
        navToggle.setAttribute("aria-expanded", "false");
        navToggle.focus();
      }
    });
  }

  // An image input is emptied after its upload, so choosing the same file again uploads it.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.id === "id_images") event.target.value = "";
  });

  // A post typed by hand is kept: changes to the story no longer overwrite it.
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("textarea[data-variant]");
    if (box) {
      var flag = document.getElementById("edited_" + box.dataset.variant);
      if (flag) flag.value = "1";
    }
  });

  document.addEventListener("click", function (event) {
    var reset = event.target.closest("[data-reset]");
    if (reset) {
      var flag = document.getElementById("edited_" + reset.dataset.reset);
      if (flag) flag.value = "0";
      reset.blur();
      htmx.trigger("#story-fields", "refresh");
      return;
    }
    var remove = event.target.closest("[data-remove-media]");
    if (remove) {
      var item = document.getElementById("media-" + remove.dataset.removeMedia);
      if (item) item.remove();
      htmx.trigger(document.body, "media-changed");
    }
  });

  // Never replace the posts while someone is typing in one of them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (target && target.id === "variants" && active && active.matches("textarea") && target.contains(active)) {
      event.detail.shouldSwap = false;
    }
  });

  // Irreversible buttons ask once.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Dates are typed in the organisation's format (07.12.2026 14:30) whatever the browser's
  // language; a calendar button opens the browser's own picker and writes the choice back.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text, kind) {
    var m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,]+(\d{1,2})[:.](\d{2}))?\s*$/.exec(text);
    if (!m) return "";
    var date = m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]);
    if (kind === "date") return date;
    return date + "T" + (m[4] ? pad(+m[4]) + ":" + m[5] : "09:00");
  }
  function fromIso(value, kind) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value);
    if (!m) return "";
    var date = m[3] + "." + m[2] + "." + m[1];
    return kind === "date" ? date : date + " " + (m[4] || "09") + ":" + (m[5] || "00");
  }
  document.querySelectorAll("input[data-picker-label]").forEach(function (field) {
    var kind = field.dataset.picker;
    var native = document.createElement("input");
    native.type = kind;
    native.tabIndex = -1;
    native.className = "picker-native";
    native.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "picker-button";
    button.setAttribute("aria-label", field.dataset.pickerLabel);
    button.title = field.dataset.pickerLabel;
    // A drawn calendar: the machines' fonts may have no emoji for it.
    button.innerHTML = '<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      '<rect x="3" y="5" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<path d="M3 10h18M8 3v4M16 3v4" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
    field.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", native);
    button.addEventListener("click", function () {
      native.value = toIso(field.value, kind);
      if (native.showPicker) native.showPicker(); else native.focus();
    });
    native.addEventListener("change", function () {
      field.value = fromIso(native.value, kind);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
      field.focus();
    });
  });

  // Filters apply as soon as they change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();
