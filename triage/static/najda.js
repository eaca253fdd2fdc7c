// Najda pages: live queue (server-sent events), ticking clocks, P1 alarm, quick hide. No framework.
(function () {
  "use strict";

  // Quick hide: Shift+H (or the header button) blanks the screen at once; Escape brings it back.
  function hide() {
    var cover = document.getElementById("quick-hide");
    if (!cover) return;
    document.body.classList.add("hidden-screen");
    cover.hidden = false;
    cover.focus();
    document.title = "…";
  }
  function unhide() {
    var cover = document.getElementById("quick-hide");
    if (!cover || cover.hidden) return;
    document.body.classList.remove("hidden-screen");
    cover.hidden = true;
    document.title = document.documentElement.dataset.title || "Najda";
  }
  document.addEventListener("keydown", function (ev) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((ev.target && ev.target.tagName) || "");
    if (ev.key === "Escape") { unhide(); return; }
    if (!typing && ev.shiftKey && (ev.key === "H" || ev.key === "h")) { ev.preventDefault(); hide(); }
  });

  function fmt(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(s).padStart(2, "0");
    return (h ? h + ":" : "") + mm + ":" + ss;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      el.textContent = fmt((now - Date.parse(el.dataset.since)) / 1000);
    });
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.dataset.deadline) - now) / 1000;
      var c = el.querySelector(".countdown");
      if (c) c.textContent = (left < 0 ? "-" : "") + fmt(Math.abs(left));
      if (left < 0) { el.classList.add("sla-breached"); el.classList.remove("sla-running"); }
    });
  }

  function beep() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35, 0.7].forEach(function (t) {
        var o = ctx.createOscillator(), g = ctx.createGain();
        o.frequency.value = 880; o.connect(g); g.connect(ctx.destination);
        g.gain.setValueAtTime(0.3, ctx.currentTime + t);
        o.start(ctx.currentTime + t); o.stop(ctx.currentTime + t + 0.2);
      });
    } catch (e) { /* no audio: the banner is enough */ }
  }

  // One EventSource; it reconnects by itself (the server ends each stream after a minute and says retry: 1000).
  function live(streamUrl, onChange, wants) {
    var state = document.getElementById("live-state");
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(onChange, 100); }
    var es = new EventSource(streamUrl);
    es.addEventListener("open", function () {
      if (state) { state.textContent = state.dataset.on || "live"; state.classList.add("on"); }
      later(); // catch up on whatever changed while disconnected
    });
    es.addEventListener("error", function () {
      if (state) { state.textContent = "…"; state.classList.remove("on"); }
    });
    es.addEventListener("case", function (ev) {
      var data = {};
      try { data = JSON.parse(ev.data); } catch (e) { /* ignore */ }
      if (!wants || wants(data)) later();
    });
    setInterval(onChange, 30000); // a safety net if an event was lost
  }

  function initQueue(table) {
    var body = document.getElementById("queue-rows");
    var seen = {};
    body.querySelectorAll("tr[data-case-id]").forEach(function (tr) { seen[tr.dataset.caseId] = true; });
    var sound = document.getElementById("sound-toggle");
    if (sound) {
      sound.checked = localStorage.getItem("najda-sound") === "1";
      sound.addEventListener("change", function () { localStorage.setItem("najda-sound", sound.checked ? "1" : "0"); });
    }
    // Filters apply on the Filter button only: submitting on "change" would fire on every arrow key.
    function refresh() {
      fetch(table.dataset.rowsUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { if (r.status === 401 || r.redirected) { location.reload(); } return r.text(); })
        .then(function (html) {
          var focused = document.activeElement && document.activeElement.closest("tr[data-case-id]");
          var focusId = focused ? focused.dataset.caseId : null;
          body.innerHTML = html;
          var newP1 = null;
          body.querySelectorAll("tr[data-case-id]").forEach(function (tr) {
            if (!seen[tr.dataset.caseId]) {
              tr.classList.add("fresh");
              if (tr.dataset.priority === "P1" && !newP1) newP1 = tr;
            }
            seen[tr.dataset.caseId] = true;
          });
          if (focusId) {
            var again = body.querySelector('tr[data-case-id="' + focusId + '"] a');
            if (again) again.focus();
          }
          if (newP1) {
            var alert = document.getElementById("p1-alert"), link = document.getElementById("p1-link");
            link.textContent = newP1.dataset.code;
            link.href = newP1.querySelector("a").href;
            alert.hidden = false;
            if (sound && sound.checked) beep();
          }
          tick();
        })
        .catch(function () { /* offline for a moment: the next event or the 30 s refresh catches up */ });
    }
    live(table.dataset.streamUrl, refresh);
  }

  function initCase(box) {
    var tl = document.getElementById("timeline");
    var caseId = box.dataset.caseId;
    function refresh() {
      fetch(box.dataset.timelineUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          tl.innerHTML = html;
          var list = tl.querySelector("ol"), status = document.getElementById("case-status");
          if (list && status) status.textContent = list.dataset.statusName;  // someone else acknowledged
          tick();
        })
        .catch(function () {});
    }
    live(box.dataset.streamUrl, refresh, function (data) { return String(data.case_id) === caseId; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.dataset.title = document.title;
    document.querySelectorAll("[data-quick-hide]").forEach(function (b) { b.addEventListener("click", hide); });
    var table = document.querySelector("table.queue");
    if (table) initQueue(table);
    var box = document.querySelector(".case[data-timeline-url]");
    if (box) initCase(box);
    tick();
    setInterval(tick, 1000);
  });
})();
