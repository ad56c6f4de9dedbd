// The inbox: a saved reply (filled in for this comment by the server) goes into the reply box
// where the cursor is. Nothing is sent: the reply checks run on the final text when it is.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert-saved]");
    if (!button) return;
    var select = document.getElementById(button.dataset.insertSaved);
    var box = select && document.getElementById(select.dataset.savedFor);
    if (!box || !select.value) return;
    var start = box.selectionStart || 0;
    var end = box.selectionEnd || 0;
    if (!box.value.trim()) {
      box.value = select.value;
    } else {
      var before = box.value.slice(0, start);
      var glue = before && !/\s$/.test(before) ? " " : "";
      box.value = before + glue + select.value + box.value.slice(end);
    }
    box.classList.remove("is-compact");
    box.rows = Math.max(box.rows, 4);
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
