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

  // Filters apply as soon as they change.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();
