// The question page: events over a websocket, applied to the DOM with textContent only.
// While the socket is down, the board is polled every 5 s ("live-poll"; no hx-trigger filter,
// which htmx would have to eval — the Content-Security-Policy allows no eval).
(function () {
  "use strict";
  const main = document.getElementById("main");
  const board = document.getElementById("board");
  const template = document.getElementById("question-template");
  const status = document.getElementById("live-status");
  const RANK = { answering: 0, approved: 1, answered: 2 };
  window.liveConnected = false;
  setInterval(function () {
    if (!window.liveConnected && window.htmx) window.htmx.trigger(board, "live-poll");
  }, 5000);

  function find(id) {
    return board.querySelector('li.q[data-id="' + String(Number(id)) + '"]');
  }

  function create(id) {
    const li = template.content.firstElementChild.cloneNode(true);
    li.dataset.id = String(Number(id));
    li.querySelector(".vote").setAttribute("hx-post", main.dataset.voteBase + Number(id) + "/");
    if (window.htmx) window.htmx.process(li);
    return li;
  }

  function upsert(q) {
    const li = find(q.id) || create(q.id);
    li.querySelector(".q-text").textContent = q.text;
    li.querySelector(".q-name").textContent = q.name || "";
    li.querySelector(".q-answer").textContent = q.answer || "";
    li.querySelector(".vote .n").textContent = String(Number(q.votes));
    li.dataset.votes = String(Number(q.votes));
    li.dataset.status = q.status;
    li.className = "q q-" + (RANK[q.status] === undefined ? "approved" : q.status);
    place(li);
  }

  function place(li) {
    const slot = document.getElementById("now-slot");
    const list = document.getElementById("questions");
    if (li.dataset.status === "answering") {
      slot.querySelectorAll("li.q").forEach(function (other) { if (other !== li) list.appendChild(other); });
      slot.appendChild(li);
    } else {
      list.appendChild(li);
    }
    sort(list);
    refreshEmpty();
  }

  function sort(list) {
    const items = Array.from(list.querySelectorAll("li.q"));
    items.sort(function (a, b) {
      return (RANK[a.dataset.status] - RANK[b.dataset.status]) ||
        (Number(b.dataset.votes) - Number(a.dataset.votes)) ||
        (Number(a.dataset.id) - Number(b.dataset.id));
    });
    items.forEach(function (li) { list.appendChild(li); });
  }

  function refreshEmpty() {
    document.getElementById("now-empty").hidden = !!document.querySelector("#now-slot li.q");
    document.getElementById("questions-empty").hidden = !!board.querySelector("li.q");
  }

  function handle(event) {
    if (event.type === "question") upsert(event.question);
    else if (event.type === "remove") {
      const li = find(event.id);
      if (li) li.remove();
      refreshEmpty();
    }
  }

  function showStatus(online) {
    window.liveConnected = online;
    status.textContent = online ? status.dataset.online : status.dataset.offline;
    status.classList.toggle("is-online", online);
  }

  let delay = 1000;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    let socket;
    try {
      socket = new WebSocket(scheme + location.host + main.dataset.ws);
    } catch (e) {
      showStatus(false);
      return;
    }
    socket.onopen = function () {
      delay = 1000;
      showStatus(true);
      // Catch up on whatever happened while we were not listening.
      if (window.htmx) window.htmx.trigger(board, "live-reload");
    };
    socket.onmessage = function (message) {
      try { handle(JSON.parse(message.data)); } catch (e) { /* a message we do not know */ }
    };
    socket.onclose = function () {
      showStatus(false);
      setTimeout(connect, delay + Math.random() * 1000);
      delay = Math.min(delay * 2, 30000);
    };
  }

  document.body.addEventListener("htmx:afterRequest", function (e) {
    const button = e.detail.elt;
    if (button.classList && button.classList.contains("vote") && e.detail.successful) {
      button.classList.add("voted");
      button.disabled = true;
    }
  });
  showStatus(false);
  if ("WebSocket" in window) connect();
})();
