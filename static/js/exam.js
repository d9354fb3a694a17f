/* The exam page. ES5 and XMLHttpRequest only: it must run on the oldest browser in the room.
 *
 * Every click is saved at once (PUT …/answers/<n> with a sequence number that only grows) and is
 * marked "saved" only when the server acknowledges that sequence. Until then it stays in a queue
 * kept in localStorage and is sent again (every few seconds, when the connection returns, after a
 * reload). The countdown runs from the server's deadline corrected by the server's clock. */
(function () {
  "use strict";
  var source = document.getElementById("exam-config");
  if (!source) { return; }
  var cfg = JSON.parse(source.textContent);
  var offset = cfg.serverTime - new Date().getTime();  // server clock minus this computer's clock
  var queueKey = "exam:" + cfg.attempt + ":queue";
  var seqKey = "exam:" + cfg.attempt + ":seq";
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value ||
    (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  var queue = {};  // n -> {choice, seq} (single choice, true/false) or {response, seq} (the other types)
  var inFlight = {};
  var seq = cfg.maxSeq || 0;
  var finished = false;

  function store(key, value) { try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ } }
  function load(key) { try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function now() { return new Date().getTime() + offset; }
  function setText(el, text) { if (el) { el.textContent = text; } }

  function waitingRoom() {
    var el = document.querySelector("[data-exam-until-start]");
    function tick() {
      var left = Math.ceil((cfg.startsAt - now()) / 1000);
      if (left <= 0) { window.location.replace(cfg.paperUrl); return; }
      setText(el, format(left));
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + (m < 10 ? "0" : "") : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  if (cfg.status !== "answering") { waitingRoom(); return; }

  var stored = load(seqKey);
  if (stored && stored > seq) { seq = stored; }
  var savedQueue = load(queueKey) || {};
  var net = document.querySelector("[data-exam-net]");
  var clock = document.querySelector("[data-exam-clock]");

  function mark(n, state) {
    var el = document.querySelector("[data-state='" + n + "']");
    var nav = document.querySelector("[data-nav='" + n + "']");
    if (el) {
      el.className = "state" + (state === "saved" ? "" : state === "saving" ? " pending" : " failed");
      setText(el, state === "saved" ? cfg.text.saved : state === "saving" ? cfg.text.saving : cfg.text.queued);
    }
    if (nav) { nav.className = state === "saved" ? "done" : "pending"; }
  }

  function persist() { store(queueKey, queue); store(seqKey, seq); }

  function send(n) {
    var item = queue[n];
    if (!item || inFlight[n] === item.seq || finished) { return; }
    inFlight[n] = item.seq;
    var xhr = new XMLHttpRequest();
    xhr.open("PUT", cfg.answerUrl + n, true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.timeout = 15000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (inFlight[n] === item.seq) { delete inFlight[n]; }
      if (xhr.status === 200) {
        var body = JSON.parse(xhr.responseText);
        if (queue[n] && body.saved >= queue[n].seq) { delete queue[n]; mark(n, "saved"); persist(); }
        online(true);
      } else if (xhr.status === 409) {
        timeUp();
      } else if (xhr.status === 400 || xhr.status === 404 || xhr.status === 403 || xhr.status === 401) {
        delete queue[n]; persist(); window.location.replace(cfg.paperUrl);
      } else {
        mark(n, "queued"); online(false);
      }
    };
    xhr.send(JSON.stringify(item.response !== undefined ? { response: item.response, seq: item.seq }
      : { choice: item.choice, seq: item.seq }));
  }

  function flush() { for (var n in queue) { if (queue.hasOwnProperty(n)) { send(n); } } }

  function online(up) {
    if (!net) { return; }
    net.className = "net" + (up ? "" : " offline");
    setText(net, up ? "" : cfg.text.offline);
  }

  function choose(n, choice) {
    seq += 1;
    queue[n] = { choice: choice, seq: seq };
    persist();
    mark(n, "saving");
    send(n);
  }

  function respond(n, response) {
    seq += 1;
    queue[n] = { response: response, seq: seq };
    persist();
    mark(n, "saving");
    send(n);
  }

  // The answer of a question of another type than single choice, read from its fieldset.
  function responseOf(box) {
    var kind = box.getAttribute("data-kind"), i, inputs, list = [];
    if (kind === "multiple") {
      inputs = box.querySelectorAll("input[type=checkbox]");
      for (i = 0; i < inputs.length; i++) { if (inputs[i].checked) { list.push(parseInt(inputs[i].value, 10)); } }
      return { choices: list };
    }
    if (kind === "matching") {
      inputs = box.querySelectorAll("select");
      for (i = 0; i < inputs.length; i++) { list.push(inputs[i].value === "" ? null : parseInt(inputs[i].value, 10)); }
      return { pairs: list };
    }
    var field = box.querySelector("input[type=text], textarea");
    return { text: field ? field.value : "" };
  }

  // Put a response back on the page (an answer queued before a reload).
  function showResponse(box, response) {
    var kind = box.getAttribute("data-kind"), i, inputs;
    if (!response) { return; }
    if (kind === "multiple") {
      inputs = box.querySelectorAll("input[type=checkbox]");
      for (i = 0; i < inputs.length; i++) {
        inputs[i].checked = (response.choices || []).indexOf(parseInt(inputs[i].value, 10)) >= 0;
      }
    } else if (kind === "matching") {
      inputs = box.querySelectorAll("select");
      for (i = 0; i < inputs.length; i++) {
        var value = (response.pairs || [])[i];
        inputs[i].value = value === null || value === undefined ? "" : String(value);
      }
    } else {
      var field = box.querySelector("input[type=text], textarea");
      if (field) { field.value = response.text || ""; }
    }
  }

  function boxOf(el) {
    while (el && !(el.tagName === "FIELDSET" && el.getAttribute("data-n"))) { el = el.parentNode; }
    return el;
  }

  // Answers clicked before a reload or a lost connection and never acknowledged: put them back.
  for (var key in savedQueue) {
    if (savedQueue.hasOwnProperty(key)) {
      var server = cfg.answers[key];
      if (!server || server.seq < savedQueue[key].seq) {
        queue[key] = savedQueue[key];
        if (savedQueue[key].seq > seq) { seq = savedQueue[key].seq; }
        if (savedQueue[key].response !== undefined) {
          showResponse(document.getElementById("q" + key), savedQueue[key].response);
        } else {
          var radio = document.querySelector("input[name='q" + key + "'][value='" + savedQueue[key].choice + "']");
          if (radio) { radio.checked = true; }
        }
        mark(key, "queued");
      }
    }
  }
  persist();
  flush();

  document.getElementById("paper").addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "radio") { choose(input.name.substring(1), parseInt(input.value, 10)); return; }
    var box = boxOf(input);
    if (box && box.getAttribute("data-kind") !== "single") { respond(box.getAttribute("data-n"), responseOf(box)); }
  });

  // Typed answers are saved as the candidate types (after a pause), not only when the field is left.
  var typing = {};
  document.getElementById("paper").addEventListener("input", function (event) {
    var input = event.target;
    if (input.type !== "text" && input.tagName !== "TEXTAREA") { return; }
    var box = boxOf(input);
    if (!box) { return; }
    var n = box.getAttribute("data-n");
    window.clearTimeout(typing[n]);
    typing[n] = window.setTimeout(function () { respond(n, responseOf(box)); }, 800);
  });

  function timeUp() {
    if (finished) { return; }
    finished = true;
    setText(clock, "0:00");
    setText(net, cfg.text.timeUp);
    var form = document.getElementById("paper");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", cfg.submitUrl, true);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.onreadystatechange = function () { if (xhr.readyState === 4) { window.location.replace(cfg.paperUrl); } };
    xhr.send("csrfmiddlewaretoken=" + encodeURIComponent(csrf));
    if (form) { form.setAttribute("aria-busy", "true"); }
  }

  function pending() { for (var n in queue) { if (queue.hasOwnProperty(n)) { return true; } } return false; }

  // Send what is queued, again every 400 ms, until the queue is empty or `ms` have passed; then go on.
  function drain(ms, then) {
    var until = new Date().getTime() + ms;
    function step() {
      if (!pending() || new Date().getTime() >= until) { then(!pending()); return; }
      inFlight = {};
      flush();
      window.setTimeout(step, 400);
    }
    flush();
    window.setTimeout(step, 300);
  }

  function tick() {
    if (finished) { return; }
    var left = Math.ceil((cfg.deadline - now()) / 1000);
    if (left <= 0) {
      // Last chance for queued answers: the server accepts them for 3 seconds after the deadline.
      drain(2500, function () { timeUp(); });
      return;
    }
    setText(clock, format(left));
    if (clock) { clock.className = "clock" + (left <= 300 ? " low" : ""); }
    window.setTimeout(tick, 1000);
  }
  tick();

  // Resend what is waiting, and keep the server's clock (and the proctor's view) up to date.
  window.setInterval(flush, 3000);
  window.addEventListener("online", function () { online(true); flush(); });
  window.addEventListener("offline", function () { online(false); });
  window.setInterval(function () {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", cfg.attemptUrl + "?brief=1", true);
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      if (xhr.status === 200) {
        var body = JSON.parse(xhr.responseText);
        offset = body.server_ms - new Date().getTime();
        if (body.deadline_ms) { cfg.deadline = body.deadline_ms; }
        if (body.status === "submitted") { finished = true; window.location.replace(cfg.paperUrl); }
        online(true);
      } else if (xhr.status === 0) {
        online(false);
      }
    };
    xhr.send();
  }, 30000);

  var submit = document.querySelector("[data-exam-submit]");
  if (submit) {
    submit.addEventListener("click", function (event) {
      if (!window.confirm(cfg.text.confirm)) { event.preventDefault(); return; }
      event.preventDefault();
      submit.disabled = true;
      drain(10000, function (empty) {
        submit.disabled = false;
        if (empty) { timeUp(); } else { online(false); window.alert(cfg.text.unsaved); }
      });
    });
  }
  // The option a select shows when the page loads: the one written selected, else the first.
  function defaultIndex(select) {
    for (var i = 0; i < select.options.length; i++) { if (select.options[i].defaultSelected) { return i; } }
    return select.options.length ? 0 : -1;
  }

  // An answer given before this script ran (a slow computer, a slow network) differs from what the
  // server wrote into the page: send it now rather than lose it.
  Array.prototype.forEach.call(
    document.querySelectorAll("#paper input, #paper select, #paper textarea"), function (input) {
      var changed = input.tagName === "SELECT" ? input.selectedIndex !== defaultIndex(input)
        : input.type === "radio" ? input.checked && !input.defaultChecked
        : input.type === "checkbox" ? input.checked !== input.defaultChecked
        : input.value !== input.defaultValue;
      if (changed) { input.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  // Every answer is listened to from here on (a browser test waits for this before it clicks).
  document.getElementById("paper").setAttribute("data-ready", "");
})();
