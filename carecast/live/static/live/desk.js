// Moderator console and presenter screen: a websocket tells us *that* something changed;
// the page then reloads its fragment over authenticated HTTP (htmx). No content comes
// over the socket here, so the socket needs no login.
(function () {
  "use strict";
  const target = document.querySelector("[data-live-refresh]");
  if (!target) return;
  let pendingRefresh = false;

  window.liveEditing = function () {
    const active = document.activeElement;
    return !!(active && active.closest && active.closest("#queue") &&
      (active.tagName === "TEXTAREA" || active.tagName === "INPUT"));
  };

  function refresh() {
    if (window.liveEditing()) { pendingRefresh = true; return; }
    pendingRefresh = false;
    window.htmx.trigger(target, "live-refresh");
  }
  document.addEventListener("focusout", function () { if (pendingRefresh) setTimeout(refresh, 50); });
  // A refresh keeps open what the moderator opened (an editor, the merged list); their own
  // save answers with the card as it is now, folded.
  let openDetails = [];
  document.addEventListener("htmx:beforeSwap", function (e) {
    const queue = document.getElementById("queue");
    if (e.detail.elt !== target || !queue) return;
    // An answer that arrives while someone types waits: it would replace their words.
    if (window.liveEditing()) { e.detail.shouldSwap = false; pendingRefresh = true; return; }
    openDetails = Array.from(queue.querySelectorAll(".mq details[open]")).map(function (d) {
      return [d.closest(".mq").id, d.className.trim()];
    });
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.elt !== target) return;
    openDetails.forEach(function (pair) {
      const card = document.getElementById(pair[0]);
      const selector = pair[1] ? "details." + pair[1].split(/\s+/).join(".") : "details";
      const details = card && card.querySelector(selector);
      if (details) details.open = true;
    });
    openDetails = [];
  });
  // A poll every 10 s in case the socket missed something; never while someone types.
  setInterval(function () {
    if (!window.liveEditing() && window.htmx) window.htmx.trigger(target, "live-poll");
  }, 10000);

  function showStatus(online) {
    window.liveConnected = online;
    const status = document.getElementById("live-status");
    if (!status) return;
    status.textContent = online ? status.dataset.online : status.dataset.offline;
    status.classList.toggle("is-online", online);
  }

  let delay = 1000;
  let timer = null;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + target.dataset.ws);
    socket.onopen = function () { delay = 1000; showStatus(true); };
    socket.onmessage = function () {
      // Several events arrive together (pin = two questions): reload once.
      clearTimeout(timer);
      timer = setTimeout(refresh, 60);
    };
    socket.onclose = function () {
      showStatus(false);
      setTimeout(connect, delay + Math.random() * 1000);
      delay = Math.min(delay * 2, 30000);
    };
  }
  // --- manual merge (moderator): ticks survive the queue being redrawn ---
  const picked = new Set();
  document.addEventListener("change", function (e) {
    const box = e.target;
    if (box.classList && box.classList.contains("merge-pick")) {
      if (box.checked) picked.add(box.value); else picked.delete(box.value);
    }
    // Choosing which question stays offers its wording, unless it was already rewritten.
    if (box.name === "into" && box.closest(".merge-panel")) {
      const area = document.getElementById("merge-text");
      if (area && !area.dataset.touched) area.value = box.dataset.text;
    }
    if (box.id === "merge-text") box.dataset.touched = "1";
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest("[data-merge-cancel]")) return;
    document.getElementById("merge-panel").innerHTML = "";
  });
  function restorePicks() {
    document.querySelectorAll("#queue .merge-pick").forEach(function (box) {
      box.checked = picked.has(box.value);
    });
  }
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (document.querySelector("#queue [data-merge-done]")) picked.clear();  // merged: start afresh
    restorePicks();
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    showStatus(window.liveConnected);
    tick();
    restoreFocus();
  });

  // --- timers (presenter) ---
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    const mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  function tick() {
    const left = document.getElementById("time-left");
    // Unix seconds from the server: no date parsing in the browser.
    if (left) left.textContent = clock(Number(left.dataset.until) - Date.now() / 1000);
    const on = document.getElementById("on-question");
    if (on && on.dataset.since) on.textContent = clock(Date.now() / 1000 - Number(on.dataset.since));
  }
  setInterval(tick, 1000);
  tick();

  // --- keyboard shortcuts (moderator) ---
  let focusedId = null;
  function cards() { return Array.from(document.querySelectorAll("#queue .mq")); }
  document.addEventListener("focusin", function (e) {
    const card = e.target.closest && e.target.closest(".mq");
    if (card) focusedId = card.dataset.id;
  });
  function restoreFocus() {
    if (!focusedId || document.activeElement !== document.body) return;
    const card = document.getElementById("mq-" + focusedId) || cards()[0];
    if (card) card.focus();
  }
  document.addEventListener("keydown", function (e) {
    if (!document.getElementById("queue") || e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = document.activeElement && document.activeElement.tagName;
    if (tag === "TEXTAREA" || tag === "INPUT") {
      if (e.key === "Escape") document.activeElement.closest(".mq").focus();
      return;
    }
    const list = cards();
    const card = document.activeElement.closest && document.activeElement.closest(".mq");
    const index = list.indexOf(card);
    if (e.key === "j" || e.key === "k") {
      const next = list[Math.min(list.length - 1, Math.max(0, index + (e.key === "j" ? 1 : -1)))];
      if (next) next.focus();
      e.preventDefault();
      return;
    }
    if (!card) return;
    if (e.key === "e") {
      const editor = card.querySelector("details.mq-edit");
      if (editor) editor.open = true;  // approved questions keep their editor folded
      const area = card.querySelector("textarea");
      if (area) { area.focus(); e.preventDefault(); }
      return;
    }
    const button = card.querySelector('[data-key="' + e.key + '"]');
    if (button) { e.preventDefault(); button.click(); }
  });

  if ("WebSocket" in window) connect(); else showStatus(false);
})();
