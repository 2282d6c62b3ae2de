// planner's page behaviour: the bell and toasts from the notification stream, live refresh of what
// a notification is about, polling the unread count while the stream is down, and small niceties.
(function () {
  "use strict";
  var POLL_MS = window.plannerPollMs || 60000;  // tests shorten it; people get a minute
  var TOAST_MS = 6000;
  var poller = null;

  function setUnread(count) {
    var el = document.getElementById("unread-count");
    if (!el || typeof count !== "number") return;
    var before = Number(el.dataset.count || "0");
    el.textContent = String(count);
    el.dataset.count = String(count);
    el.classList.toggle("has-unread", count > 0);
    if (count > before) {
      var bell = document.getElementById("bell");
      if (bell) { bell.classList.remove("ring"); void bell.offsetWidth; bell.classList.add("ring"); }
    }
  }

  function toast(notification) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast";
    var title = document.createElement("strong");
    title.textContent = notification.title || "Notification";  // textContent: never parsed as HTML
    item.appendChild(title);
    if (notification.message) {
      var message = document.createElement("p");
      message.textContent = notification.message;
      item.appendChild(message);
    }
    if (notification.event_id) {
      var link = document.createElement("a");
      link.href = "/events/" + encodeURIComponent(notification.event_id);
      link.textContent = "Open";
      item.appendChild(link);
    }
    box.appendChild(item);
    window.setTimeout(function () { item.remove(); }, TOAST_MS);
  }

  function refreshAbout(eventId) {
    if (!window.htmx) return;
    var calendar = document.querySelector("[data-live-calendar]");
    if (calendar) {
      htmx.ajax("GET", window.location.pathname + window.location.search, {
        target: "#calendar", select: "#calendar", swap: "outerHTML"
      }).then(function () {
        if (!eventId) return;
        document.querySelectorAll('[data-event-id="' + CSS.escape(eventId) + '"]').forEach(function (el) {
          el.classList.add("changed");
        });
      });
    }
    if (eventId) {
      document.querySelectorAll('[data-live-event="' + CSS.escape(eventId) + '"][data-refresh-url]').forEach(function (el) {
        htmx.ajax("GET", el.dataset.refreshUrl, { target: el, swap: "outerHTML" });
      });
    }
  }

  // Frames arrive as named events (`notification`, `unread_count`, `calendars_changed`) or unnamed ones (`message`); either
  // way their JSON `type` says what they are.
  function onStreamMessage(evt) {
    evt.preventDefault();  // the frames are JSON for us, not HTML to swap in
    var frame;
    try { frame = JSON.parse(evt.detail.data); } catch (e) { return; }
    if (frame && frame.type === "calendars_changed") {
      refreshAbout(null);  // a Google sync changed what the calendars show
      return;
    }
    if (!frame || !frame.data) return;
    if (frame.type === "unread_count") {
      setUnread(frame.data.count);
    } else if (frame.type === "notification" && frame.data.notification) {
      toast(frame.data.notification);
      refreshAbout(frame.data.notification.event_id);
    }
  }

  function pollUnread() {
    var live = document.getElementById("live");
    if (!live) return;
    fetch(live.dataset.unreadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) setUnread(body.count); })
      .catch(function () {});
  }

  // htmx's SSE extension reconnects by itself with a growing delay (0.5 s up to 64 s); while it is
  // down the count is polled every 60 s, and polling stops once the stream is back.
  function streamDown() {
    if (poller === null) {
      pollUnread();
      poller = window.setInterval(pollUnread, POLL_MS);
    }
  }

  function streamUp() {
    if (poller !== null) { window.clearInterval(poller); poller = null; }
    document.body.dataset.stream = "open";
  }

  // Positions and colours come as data-style: the Content-Security-Policy refuses style attributes,
  // not styles set through the DOM, so no 'unsafe-inline' is needed for them.
  function applyStyles(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.dataset && scope.dataset.style) scope.style.cssText = scope.dataset.style;
    scope.querySelectorAll("[data-style]").forEach(function (el) { el.style.cssText = el.dataset.style; });
  }

  // The repeat picker shows the inputs its choice uses: "weekly custom-WEEKLY" reads "for weekly, or
  // custom by weeks". Without JavaScript every input stays visible and the server reads the choice.
  function syncRepeat(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-repeat-picker]").forEach(function (picker) {
      var kind = picker.querySelector("#repeat").value;
      var unit = picker.querySelector("#repeat_unit").value;
      picker.querySelectorAll("[data-repeat-show]").forEach(function (el) {
        var wanted = el.dataset.repeatShow.split(" ");
        el.hidden = !(wanted.indexOf(kind) >= 0 || (kind === "custom" && wanted.indexOf("custom-" + unit) >= 0));
      });
    });
  }

  // On an occurrence's form, what one scope alone uses (the repeat picker of "this and following")
  // shows while that scope is chosen. Without JavaScript it stays visible and the server reads the scope.
  function syncScope(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var chosen = document.querySelector("input[name=scope]:checked");
    var shown = Array.prototype.slice.call(scope.querySelectorAll("[data-scope-show]"));
    if (scope.matches && scope.matches("[data-scope-show]")) shown.push(scope);
    shown.forEach(function (el) {
      el.hidden = !chosen || el.dataset.scopeShow.split(" ").indexOf(chosen.value) < 0;
    });
  }

  // An all-day event is dates: its Starts and Ends become date inputs, and get their times back if unchecked.
  function syncAllDay() {
    var box = document.getElementById("all_day");
    if (!box) return;
    ["starts", "ends"].forEach(function (id) {
      var input = document.getElementById(id);
      if (!input) return;
      var value = input.value;  // read first: changing the type clears a value the new type cannot hold
      if (box.checked && input.type !== "date") {
        input.dataset.time = value.slice(11) || "09:00";
        input.type = "date";
        input.value = value.slice(0, 10);
      } else if (!box.checked && input.type === "date") {
        input.type = "datetime-local";
        if (value) input.value = value + "T" + (input.dataset.time || "09:00");
      }
    });
  }

  document.addEventListener("change", function (evt) {
    var picker = evt.target.closest && evt.target.closest("[data-repeat-picker]");
    if (picker) syncRepeat(picker.parentElement);
    if (evt.target.id === "all_day") syncAllDay();
    if (evt.target.name === "scope") syncScope(document);
  });
  document.addEventListener("DOMContentLoaded", syncAllDay);

  // Calendars page: Subscribe asks the API for the feed address; Import sends the file and follows its job.
  function csrfHeaders(extra) {
    var headers = { Accept: "application/json" };
    try { headers["x-csrftoken"] = JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"]; } catch (e) { /* none */ }
    Object.keys(extra || {}).forEach(function (k) { headers[k] = extra[k]; });
    return headers;
  }

  function problem(answer) {
    return answer.json().then(function (body) { return body.detail || answer.statusText; }, function () { return answer.statusText; });
  }

  function subscribe(button) {
    var box = document.getElementById(button.dataset.target);
    var status = box.querySelector("[role=status]");
    button.disabled = true;
    fetch(button.dataset.subscribe, { method: "POST", credentials: "same-origin", headers: csrfHeaders() })
      .then(function (answer) {
        if (!answer.ok) return problem(answer).then(function (detail) { throw new Error(detail); });
        return answer.json();
      })
      .then(function (feed) {
        box.hidden = false;
        var input = box.querySelector("input");
        input.value = feed.url;
        input.focus();
        input.select();
        status.textContent = "A new address: the previous one no longer works.";
      })
      .catch(function (error) { box.hidden = false; status.textContent = "Could not subscribe: " + error.message; })
      .finally(function () { button.disabled = false; });
  }

  function copyAddress(button) {
    var input = document.getElementById(button.dataset.copy);
    var status = input.closest(".feed").querySelector("[role=status]");
    input.select();
    var copied = navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.reject(new Error("no clipboard"));
    copied.then(function () { status.textContent = "Copied."; },
      function () { status.textContent = "Selected: press Ctrl+C (or \u2318C) to copy."; });
  }

  var FINISHED = ["complete", "partial", "failed"];

  function followImport(jobId, box) {
    var bar = box.querySelector("progress"), status = box.querySelector("[role=status]");
    fetch("/api/jobs/" + jobId, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.json(); })
      .then(function (job) {
        bar.value = job.progress;
        if (FINISHED.indexOf(job.status) < 0) {
          status.textContent = "Importing\u2026 " + job.progress + "%";
          window.setTimeout(function () { followImport(jobId, box); }, 500);
          return;
        }
        if (job.status === "failed") { status.textContent = "The import failed: " + (job.error || "nothing was imported") + "."; return; }
        return fetch("/api/jobs/" + jobId + "/result", { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (answer) { return answer.json(); })
          .then(function (found) {
            var result = found.result || {}, skipped = result.skipped || [], list = box.querySelector(".skipped");
            bar.value = 100;
            var count = result.imported || 0;
            status.textContent = "Imported " + count + (count === 1 ? " event" : " events") +
              (skipped.length ? "; " + skipped.length + " skipped:" : ".");
            list.textContent = "";
            skipped.forEach(function (item) {
              var li = document.createElement("li");
              li.textContent = item.uid + ": " + item.reason;
              list.appendChild(li);
            });
          });
      })
      .catch(function () { status.textContent = "Lost track of the import: reload the page to see its events."; });
  }

  function importFile(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    var box = document.getElementById(input.dataset.target);
    var status = box.querySelector("[role=status]");
    box.hidden = false;
    box.querySelector("progress").value = 0;
    box.querySelector(".skipped").textContent = "";
    status.textContent = "Sending " + file.name + "\u2026";
    fetch(input.dataset.import, {
      method: "POST", credentials: "same-origin", body: file, headers: csrfHeaders({ "Content-Type": "text/calendar" })
    })
      .then(function (answer) {
        if (answer.status !== 202) return problem(answer).then(function (detail) { status.textContent = "Not imported: " + detail; });
        return answer.json().then(function (queued) { followImport(queued.job_id, box); });
      })
      .catch(function () { status.textContent = "Could not send the file."; })
      .finally(function () { input.value = ""; });
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-subscribe], [data-copy]");
    if (!button) return;
    if (button.dataset.subscribe) subscribe(button); else copyAddress(button);
  });
  document.addEventListener("change", function (evt) {
    if (evt.target.dataset && evt.target.dataset.import) importFile(evt.target);
  });
  // The room picker is refreshed for the slot typed; a room chosen while that answer was on its way
  // is kept when the answer still offers it (the answer only knew the choice made before it left).
  var chosenRoom = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var select = evt.detail.target && evt.detail.target.id === "room-picker" && document.getElementById("room_id");
    if (select) chosenRoom = select.value;
  });
  document.addEventListener("htmx:load", function (evt) {
    if (!evt.target || evt.target.id !== "room-picker" || !chosenRoom) return;
    var select = evt.target.querySelector("#room_id");
    var kept = select && Array.prototype.some.call(select.options, function (option) { return option.value === chosenRoom; });
    if (kept) select.value = chosenRoom;
    chosenRoom = null;
  });
  document.addEventListener("htmx:load", function (evt) { applyStyles(evt.target); });
  document.addEventListener("htmx:load", function (evt) { syncRepeat(evt.target); syncScope(evt.target); });
  document.addEventListener("DOMContentLoaded", function () { syncRepeat(document); syncScope(document); });
  document.addEventListener("DOMContentLoaded", function () { applyStyles(document); });

  document.addEventListener("htmx:sseBeforeMessage", onStreamMessage);
  document.addEventListener("htmx:sseError", function () { document.body.dataset.stream = "down"; streamDown(); });
  document.addEventListener("htmx:sseOpen", streamUp);

  document.addEventListener("submit", function (evt) {
    var message = evt.target.dataset && evt.target.dataset.confirm;
    if (message && !window.confirm(message)) evt.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-browser-timezone]").forEach(function (input) {
      if (!input.value && window.Intl) input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    });
    // The stream may never open (no EventSource, blocked): count by polling until it does.
    window.setTimeout(function () { if (document.body.dataset.stream !== "open" && document.getElementById("live")) streamDown(); }, 10000);
  });
})();
