// Video uploads in pieces: resumable after a lost connection or a reload, with a progress
// bar; the server checks the clip in its worker and this script waits for the result.
(function () {
  "use strict";
  if (window.carecastVideo) return; // included by more than one part of a page
  window.carecastVideo = true;
  var NIL = "00000000-0000-0000-0000-000000000000";
  var RETRIES = 8;

  function token(box) {
    var field = box.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function url(box, name, id) {
    return box.dataset[name].replace(NIL, id);
  }

  function say(box, text, percent) {
    var progress = box.querySelector(".video-progress");
    progress.hidden = false;
    box.querySelector(".video-status").textContent = text;
    if (percent !== undefined) progress.querySelector("progress").value = percent;
  }

  function call(box, method, address, body, headers) {
    var options = { method: method, credentials: "same-origin", headers: headers || {} };
    options.headers["X-CSRFToken"] = token(box);
    if (body !== undefined) options.body = body;
    return fetch(address, options).then(function (response) {
      return response.json().then(function (data) {
        data.httpStatus = response.status;
        return data;
      });
    });
  }

  function pause(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // The same file chosen again (after a reload) continues its upload.
  function memoryKey(file) {
    return "carecast-upload:" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  function open(box, file) {
    var known = window.localStorage.getItem(memoryKey(file));
    if (known) {
      return call(box, "GET", url(box, "piece", known)).then(function (state) {
        if (state.httpStatus === 200 && state.state === "waiting") return state;
        window.localStorage.removeItem(memoryKey(file));
        return open(box, file);
      });
    }
    var form = new FormData();
    form.append("name", file.name);
    form.append("size", String(file.size));
    return call(box, "POST", box.dataset.start, form).then(function (state) {
      if (state.httpStatus !== 201) throw new Error(state.error || box.dataset.msgFailed);
      window.localStorage.setItem(memoryKey(file), state.id);
      return state;
    });
  }

  function send(box, file, state, chunk) {
    var received = state.received;
    var failures = 0;
    function next() {
      var percent = Math.floor((received / file.size) * 100);
      say(box, box.dataset.msgSending.replace("%(name)s", file.name).replace("%(percent)s", percent), percent);
      if (received >= file.size) return Promise.resolve();
      var piece = file.slice(received, Math.min(received + chunk, file.size));
      return call(box, "PUT", url(box, "piece", state.id), piece, { "X-Upload-Offset": String(received) })
        .then(function (answer) {
          if (answer.httpStatus === 200 || answer.httpStatus === 409) {
            received = answer.received; // 409: the server says where to go on from
            failures = 0;
            return next();
          }
          throw new Error(answer.error || box.dataset.msgFailed);
        }, function () {
          failures += 1;
          if (failures > RETRIES) throw new Error(box.dataset.msgFailed);
          say(box, box.dataset.msgResuming);
          return pause(Math.min(30000, 1000 * Math.pow(2, failures))).then(function () {
            return call(box, "GET", url(box, "piece", state.id)).then(function (now) {
              received = now.received;
              return next();
            }, next);
          });
        });
    }
    return next();
  }

  function wait(box, id) {
    return call(box, "GET", url(box, "piece", id)).then(function (state) {
      if (state.state === "done" || state.state === "failed") return state;
      return pause(1500).then(function () { return wait(box, id); });
    });
  }

  function finished(box, file, state) {
    window.localStorage.removeItem(memoryKey(file));
    if (box.dataset.videoUpload === "composer") {
      return fetch(url(box, "item", state.id), { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          document.getElementById("media-list").insertAdjacentHTML("beforeend", html);
          if (window.htmx) window.htmx.trigger(document.body, "media-changed");
          say(box, state.state === "done" ? box.dataset.msgDone : state.error, 100);
        });
    }
    if (state.state === "done") {
      window.location.href = box.dataset.asset.replace(/0\/$/, state.asset + "/");
    } else {
      say(box, state.error, 0);
    }
  }

  function upload(box, file) {
    var id;
    return open(box, file)
      .then(function (state) {
        id = state.id;
        return send(box, file, state, state.chunk || 8 * 1024 * 1024);
      })
      .then(function () { return call(box, "POST", url(box, "finish", id)); })
      .then(function () {
        say(box, box.dataset.msgProcessing, 100);
        return wait(box, id);
      })
      .then(function (state) { return finished(box, file, state); })
      .catch(function (error) { say(box, error.message || box.dataset.msgFailed); });
  }

  document.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest("[data-video-upload]");
    if (!box || !event.target.files || !event.target.files.length) return;
    var file = event.target.files[0];
    event.target.value = "";
    upload(box, file);
  });

  // The focus point of a 9:16 crop: a click on the preview sets it.
  document.addEventListener("click", function (event) {
    var picker = event.target.closest && event.target.closest("[data-focus-picker]");
    if (!picker) return;
    var rect = picker.getBoundingClientRect();
    var x = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
    var y = Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height));
    var form = document.getElementById(picker.dataset.focusPicker);
    form.querySelector("[name=focus_x]").value = x.toFixed(3);
    form.querySelector("[name=focus_y]").value = y.toFixed(3);
    var marker = picker.querySelector(".focus-marker");
    marker.style.left = (x * 100).toFixed(1) + "%";
    marker.style.top = (y * 100).toFixed(1) + "%";
  });

  // Keyboard: the focus point's inputs move the marker too.
  document.addEventListener("input", function (event) {
    if (!event.target.matches("[data-focus-input]")) return;
    var form = event.target.form;
    var picker = document.querySelector("[data-focus-picker='" + form.id + "']");
    if (!picker) return;
    var marker = picker.querySelector(".focus-marker");
    marker.style.left = (parseFloat(form.querySelector("[name=focus_x]").value) * 100) + "%";
    marker.style.top = (parseFloat(form.querySelector("[name=focus_y]").value) * 100) + "%";
  });
})();
