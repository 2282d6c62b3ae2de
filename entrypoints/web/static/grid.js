// Planning on the week and day grids: click or drag an empty slot to add an event there, drag an
// event to move it and its bottom edge to change its end, and the same with the keyboard (on an
// event: up and down by a quarter hour, left and right by a day, Shift+up/down for its length).
//
// Each day column carries the instant each of its hour rows begins (data-hours, UTC), so a point
// in a column reads as an instant by elapsed time, even on the nights clocks change. Changes go to
// the JSON API with the ETag the grid was drawn from (If-Match): a concurrent change is refused
// (412) and reported, a room conflict (409) puts the event back and says why.
(function () {
  "use strict";
  var MINUTE = 60000, HOUR = 60 * MINUTE;
  var SNAP = 15 * MINUTE;          // drags and arrow keys move by a quarter of an hour
  var CLICK_SNAP = 30 * MINUTE;    // a click lands on the half hour it is in
  var NEW_LENGTH = HOUR;           // a click makes an hour-long event
  var SLOT_STEP = 30 * MINUTE;     // the keyboard's slot cursor moves by half hours
  var DRAG_PX = 4;                 // less than this is a click, not a drag

  function grid() { return document.getElementById("calendar"); }
  function zone() { var g = grid(); return (g && g.dataset.zone) || "UTC"; }

  function hoursOf(column) {
    if (!column._hours) {
      column._hours = column.dataset.hours.split(" ").map(function (h) { return h === "-" ? null : Date.parse(h); });
    }
    return column._hours;
  }

  function dayRange(column) {
    var hours = hoursOf(column).filter(function (h) { return h !== null; });
    return [Math.min.apply(null, hours), Math.max.apply(null, hours) + HOUR];
  }

  // The instant at a height in the column, and the reverse: both by the rows the day has.
  function instantAt(column, clientY) {
    var hours = hoursOf(column), rect = column.getBoundingClientRect();
    var exact = Math.min(Math.max((clientY - rect.top) / rect.height, 0), 0.99999) * hours.length;
    var row = Math.floor(exact);
    var below = row;
    while (below < hours.length && hours[below] === null) below++;
    if (below < hours.length) return below === row ? hours[row] + (exact - row) * HOUR : hours[below];
    while (row > 0 && hours[row] === null) row--;
    return hours[row] + HOUR;
  }

  function percentOf(column, instant) {
    var hours = hoursOf(column), range = dayRange(column);
    var t = Math.min(Math.max(instant, range[0]), range[1]);
    for (var row = 0; row < hours.length; row++) {
      if (hours[row] !== null && t >= hours[row] && t <= hours[row] + HOUR) {
        return 100 * (row + (t - hours[row]) / HOUR) / hours.length;
      }
    }
    return 0;
  }

  function snapIn(column, instant, step) {
    // Snapped from the row's own start, so a zone at +05:45 still lands on its quarter hours.
    var hours = hoursOf(column), base = hours.filter(function (h) { return h !== null && h <= instant; }).pop();
    if (base === undefined) base = dayRange(column)[0];
    return base + Math.round((instant - base) / step) * step;
  }

  function floorIn(column, instant, step) {
    var hours = hoursOf(column), base = hours.filter(function (h) { return h !== null && h <= instant; }).pop();
    if (base === undefined) base = dayRange(column)[0];
    return base + Math.floor((instant - base) / step) * step;
  }

  function columnAt(clientX) {
    var found = null;
    document.querySelectorAll("#calendar .day-column").forEach(function (column) {
      var rect = column.getBoundingClientRect();
      if (clientX >= rect.left && clientX < rect.right) found = column;
    });
    return found;
  }

  function columnOf(instant) {
    var found = null;
    document.querySelectorAll("#calendar .day-column").forEach(function (column) {
      var range = dayRange(column);
      if (instant >= range[0] && instant < range[1]) found = column;
    });
    return found;
  }

  function clock(instant) {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .format(new Date(instant));
  }

  function day(instant) {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone(), weekday: "short", day: "numeric", month: "short" })
      .format(new Date(instant));
  }

  function span(starts, ends) { return day(starts) + " " + clock(starts) + "\u2013" + clock(ends); }

  function iso(instant) { return new Date(instant).toISOString().replace(".000Z", "Z"); }

  function say(text, isError) {
    var box = document.getElementById("grid-message");
    if (!box) return;
    box.textContent = text;
    box.classList.toggle("error", Boolean(isError));
  }

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"]; } catch (e) { return ""; }
  }

  // --- Adding: a drag (or click) over empty slots, shown as a selection, opens the form for it.

  function selection(column) {
    var box = column.querySelector(".selection");
    if (!box) {
      box = document.createElement("li");
      box.className = "selection";
      box.setAttribute("aria-hidden", "true");
      column.appendChild(box);
    }
    return box;
  }

  function showSelection(column, starts, ends) {
    var box = selection(column), top = percentOf(column, starts);
    box.style.top = top + "%";
    box.style.height = Math.max(percentOf(column, ends) - top, 1) + "%";
    box.textContent = clock(starts) + "\u2013" + clock(ends);
  }

  function openForm(starts, ends) {
    window.location.assign("/events/new?starts_at=" + encodeURIComponent(iso(starts)) + "&ends_at=" + encodeURIComponent(iso(ends)));
  }

  var pressed = null;  // what the pointer went down on: an empty slot, an event, or an event's edge

  function pressSlot(evt, column) {
    pressed = { kind: "slot", column: column, x: evt.clientX, y: evt.clientY, anchor: instantAt(column, evt.clientY), moved: false };
  }

  function dragSlot(evt) {
    var column = pressed.column, here = instantAt(column, evt.clientY);
    var a = floorIn(column, Math.min(pressed.anchor, here), SNAP);
    var b = snapIn(column, Math.max(pressed.anchor, here), SNAP);
    if (b <= a) b = a + SNAP;
    pressed.starts = a;
    pressed.ends = b;
    showSelection(column, a, b);
  }

  function releaseSlot(p) {
    var column = p.column, starts = p.starts, ends = p.ends;
    if (!p.moved) {
      starts = floorIn(column, p.anchor, CLICK_SNAP);
      ends = starts + NEW_LENGTH;
      showSelection(column, starts, ends);
    }
    openForm(starts, ends);
  }

  // --- Moving and resizing an event.

  function pressEvent(evt, item, edge) {
    var column = item.closest(".day-column");
    pressed = {
      kind: edge ? "edge" : "event", item: item, column: column, x: evt.clientX, y: evt.clientY, moved: false,
      grab: instantAt(column, evt.clientY),
      starts: Date.parse(item.dataset.starts), ends: Date.parse(item.dataset.ends),
      home: { parent: item.parentElement, next: item.nextSibling, css: item.style.cssText }
    };
    pressed.newStarts = pressed.starts;
    pressed.newEnds = pressed.ends;
  }

  function place(item, column, starts, ends) {
    if (item.parentElement !== column) column.appendChild(item);
    var top = percentOf(column, Math.max(starts, dayRange(column)[0]));
    item.style.top = top + "%";
    item.style.height = Math.max(percentOf(column, ends) - top, 1.5) + "%";
    item.style.left = "0%";
    item.style.width = "100%";
    var times = item.querySelectorAll(".event-time time");
    if (times.length === 2) { times[0].textContent = clock(starts); times[1].textContent = clock(ends); }
  }

  function dragEvent(evt) {
    var item = pressed.item;
    item.classList.add("dragging");
    if (pressed.kind === "edge") {
      var ends = snapIn(pressed.column, instantAt(pressed.column, evt.clientY), SNAP);
      pressed.newEnds = Math.max(ends, pressed.starts + SNAP);
      place(item, pressed.column, pressed.starts, pressed.newEnds);
      return;
    }
    // Elapsed time from the grab point to the pointer, read in the column under it: a move to
    // another day keeps the wall-clock time, even across a clock change.
    var column = columnAt(evt.clientX) || item.parentElement;
    var starts = snapIn(column, pressed.starts + (instantAt(column, evt.clientY) - pressed.grab), SNAP);
    pressed.newStarts = starts;
    pressed.newEnds = starts + (pressed.ends - pressed.starts);
    place(item, column, starts, pressed.newEnds);
  }

  function putBack(item, home) {
    item.classList.remove("dragging");
    home.parent.insertBefore(item, home.next);
    item.style.cssText = home.css;
    var times = item.querySelectorAll(".event-time time");
    if (times.length === 2) {
      times[0].textContent = clock(Date.parse(times[0].getAttribute("datetime")));
      times[1].textContent = clock(Date.parse(times[1].getAttribute("datetime")));
    }
  }

  function problemOf(answer) {
    return answer.json().catch(function () { return {}; });
  }

  // Sends the new start and end; resolves to "stored", "stale" (412) or "refused", the message saying which.
  function send(item, starts, ends) {
    var title = item.dataset.title || "The event";
    return fetch(item.dataset.patchUrl, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "If-Match": item.dataset.etag, "x-csrftoken": csrf() },
      body: JSON.stringify({ starts_at: iso(starts), ends_at: iso(ends) })
    }).then(function (answer) {
      if (answer.ok) {
        item.dataset.etag = answer.headers.get("ETag") || item.dataset.etag;
        item.dataset.starts = iso(starts);
        item.dataset.ends = iso(ends);
        say(title + " now " + span(starts, ends) + ".");
        return "stored";
      }
      return problemOf(answer).then(function (problem) {
        if (answer.status === 409 && problem.conflicting_slot) {
          var taken = problem.conflicting_slot;
          say(title + " was not moved: its room is already booked " +
            span(Date.parse(taken.starts_at), Date.parse(taken.ends_at)) + ". It is back where it was.", true);
          return "refused";
        }
        if (answer.status === 412) {
          say("Someone else changed " + title + " meanwhile: the calendar now shows their version. Try again on it.", true);
          return "stale";
        }
        say(title + " was not changed: " + (problem.detail || answer.statusText) + ".", true);
        return "refused";
      });
    }, function () {
      say(title + " was not changed: planner could not be reached.", true);
      return "refused";
    });
  }

  // Redraws the grid from the server, where it is scrolled now, then focuses `focusUrl`'s event again.
  function redraw(focusUrl) {
    if (!window.htmx) return Promise.resolve();
    return htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#calendar", select: "#calendar", swap: "outerHTML"
    }).then(function () {
      if (!focusUrl) return;
      var again = document.querySelector('#calendar .event[data-patch-url="' + CSS.escape(focusUrl) + '"][data-first-piece] a') ||
        document.querySelector('#calendar .event[data-patch-url="' + CSS.escape(focusUrl) + '"] a');
      if (again) again.focus();
    });
  }

  function releaseEvent(p) {
    var item = p.item;
    if (p.newStarts === p.starts && p.newEnds === p.ends) { putBack(item, p.home); return; }
    item.classList.add("saving");
    send(item, p.newStarts, p.newEnds).then(function (outcome) {
      item.classList.remove("saving");
      if (outcome === "refused") putBack(item, p.home);
      else redraw(null);
    });
  }

  var justDragged = false;

  document.addEventListener("pointerdown", function (evt) {
    if (evt.button !== 0 || !evt.target.closest) return;
    var column = evt.target.closest("#calendar .day-column");
    if (!column) return;
    var item = evt.target.closest(".event");
    if (item) {
      if (item.hasAttribute("data-editable") && !item.classList.contains("saving")) {
        pressEvent(evt, item, evt.target.classList.contains("resize"));
      }
      return;
    }
    if (evt.target.closest(".gap")) return;
    pressSlot(evt, column);
  });

  document.addEventListener("pointermove", function (evt) {
    if (!pressed) return;
    if (!pressed.moved && Math.abs(evt.clientX - pressed.x) + Math.abs(evt.clientY - pressed.y) < DRAG_PX) return;
    if (!pressed.moved) {
      // Captured only once it is a drag: a capture from the press would send a click on an event's
      // link to the event's box instead, and the link would not open.
      var holder = pressed.item || pressed.column;
      if (holder.isConnected) holder.setPointerCapture(evt.pointerId);
    }
    pressed.moved = true;
    if (pressed.kind === "slot") dragSlot(evt); else dragEvent(evt);
  });

  document.addEventListener("pointerup", function () {
    if (!pressed) return;
    var p = pressed;
    pressed = null;
    if (p.kind === "slot") { releaseSlot(p); return; }
    if (!p.moved) return;  // a click on an event: its link opens it
    justDragged = true;
    releaseEvent(p);
  });

  document.addEventListener("pointercancel", function () {
    if (pressed && pressed.item) putBack(pressed.item, pressed.home);
    if (pressed && pressed.kind === "slot") { var s = pressed.column.querySelector(".selection"); if (s) s.remove(); }
    pressed = null;
  });

  // A drag that ends over the event's link is not a click on it.
  document.addEventListener("click", function (evt) {
    if (justDragged && evt.target.closest && evt.target.closest("#calendar .event")) evt.preventDefault();
    justDragged = false;
  }, true);

  // --- The keyboard: arrows on a focused event move it (Shift: change its length), one request at a time.

  var queue = { item: null, url: null, busy: false, starts: 0, ends: 0 };

  // The same wall-clock time on the day before or after (`days` -1 or 1), by the rows each day has;
  // null at the edge of the days shown.
  function sameTimeOnAnotherDay(instant, days) {
    var columns = Array.prototype.slice.call(document.querySelectorAll("#calendar .day-column"));
    var from = columnOf(instant), to = from && columns[columns.indexOf(from) + days];
    if (!to) return null;
    var hoursFrom = hoursOf(from), hoursTo = hoursOf(to);
    for (var row = 0; row < hoursFrom.length; row++) {
      if (hoursFrom[row] !== null && instant >= hoursFrom[row] && instant < hoursFrom[row] + HOUR) {
        return hoursTo[row] === null ? null : hoursTo[row] + (instant - hoursFrom[row]);
      }
    }
    return null;
  }

  function nudgeEvent(item, delta, resize, days) {
    if (queue.url !== item.dataset.patchUrl || !queue.busy) {
      queue = { item: item, url: item.dataset.patchUrl, busy: false, starts: Date.parse(item.dataset.starts), ends: Date.parse(item.dataset.ends) };
    }
    if (days) {
      var moved = sameTimeOnAnotherDay(queue.starts, days);
      if (moved === null) { say("The event is on the first or last day shown: open it to move it further."); return; }
      queue.ends += moved - queue.starts;
      queue.starts = moved;
    } else if (resize) queue.ends = Math.max(queue.ends + delta, queue.starts + SNAP);
    else { queue.starts += delta; queue.ends += delta; }
    var column = columnOf(queue.starts);
    if (column) place(item, column, queue.starts, queue.ends);
    if (!queue.busy) flush();
  }

  function flush() {
    var q = queue, starts = q.starts, ends = q.ends;
    q.busy = true;
    send(q.item, starts, ends).then(function (outcome) {
      if (outcome === "stored" && (q.starts !== starts || q.ends !== ends)) { flush(); return; }
      q.busy = false;
      redraw(q.url);
    });
  }

  // --- The keyboard on a day column: a slot cursor that arrows move and Enter opens.

  var cursor = null;  // {column, starts, ends}

  // The first whole hour in sight, under the sticky day and all-day rows.
  function slotStart(column) {
    var allDay = document.querySelector("#calendar .allday"), rect = column.getBoundingClientRect();
    var shownFrom = allDay ? allDay.getBoundingClientRect().bottom : rect.top;
    var first = instantAt(column, Math.max(rect.top, shownFrom) + 1);
    return floorIn(column, first + HOUR - 5 * MINUTE, HOUR);  // an hour mostly hidden is not "in sight"
  }

  function showCursor() {
    showSelection(cursor.column, cursor.starts, cursor.ends);
    selection(cursor.column).classList.add("cursor");
    var range = dayRange(cursor.column);
    say("New event " + span(cursor.starts, cursor.ends) + ": press Enter to add it." +
      (cursor.starts <= range[0] ? " Start of the day." : ""));
  }

  function moveCursor(evt) {
    var column = evt.target, range = dayRange(column);
    if (!cursor || cursor.column !== column) {
      var starts = slotStart(column);
      cursor = { column: column, starts: starts, ends: starts + NEW_LENGTH };
    }
    var length = cursor.ends - cursor.starts;
    if (evt.shiftKey && (evt.key === "ArrowDown" || evt.key === "ArrowUp")) {
      length = Math.max(SLOT_STEP, length + (evt.key === "ArrowDown" ? SLOT_STEP : -SLOT_STEP));
    } else if (evt.key === "ArrowDown") {
      cursor.starts = Math.min(cursor.starts + SLOT_STEP, range[1] - SLOT_STEP);
    } else if (evt.key === "ArrowUp") {
      cursor.starts = Math.max(cursor.starts - SLOT_STEP, range[0]);
    }
    cursor.ends = cursor.starts + length;
    showCursor();
  }

  document.addEventListener("keydown", function (evt) {
    var target = evt.target;
    if (!target.closest || evt.altKey || evt.ctrlKey || evt.metaKey) return;
    var vertical = evt.key === "ArrowUp" || evt.key === "ArrowDown";
    var sideways = evt.key === "ArrowLeft" || evt.key === "ArrowRight";
    var item = target.closest("#calendar .event[data-editable]");
    if (item && target.tagName === "A" && (vertical || (sideways && !evt.shiftKey))) {
      evt.preventDefault();
      if (sideways) nudgeEvent(item, 0, false, evt.key === "ArrowRight" ? 1 : -1);
      else nudgeEvent(item, evt.key === "ArrowDown" ? SNAP : -SNAP, evt.shiftKey, 0);
      return;
    }
    if (!target.matches || !target.matches("#calendar .day-column")) return;
    if (vertical) { evt.preventDefault(); moveCursor(evt); return; }
    if (evt.key === "Enter" || evt.key === " ") {
      evt.preventDefault();
      if (!cursor || cursor.column !== target) { var s = slotStart(target); cursor = { column: target, starts: s, ends: s + NEW_LENGTH }; }
      openForm(cursor.starts, cursor.ends);
    } else if (evt.key === "Escape" && cursor) {
      var box = cursor.column.querySelector(".selection");
      if (box) box.remove();
      cursor = null;
    }
  });

  document.addEventListener("focusin", function (evt) {
    // Only keyboard focus shows the cursor: a click on the day is a pointer's, handled above.
    if (evt.target.matches && evt.target.matches("#calendar .day-column:focus-visible") && (!cursor || cursor.column !== evt.target)) {
      if (cursor) { var old = cursor.column.querySelector(".selection"); if (old) old.remove(); }
      var starts = slotStart(evt.target);
      cursor = { column: evt.target, starts: starts, ends: starts + NEW_LENGTH };
      showCursor();
    }
  });

  document.addEventListener("focusout", function (evt) {
    if (cursor && evt.target === cursor.column) {
      var box = cursor.column.querySelector(".selection.cursor");
      if (box) box.remove();
      cursor = null;
    }
  });

  document.addEventListener("dragstart", function (evt) {
    if (evt.target.closest && evt.target.closest("#calendar .day-column")) evt.preventDefault();
  });

  // --- Where the grid opens: the working day, or the first event if earlier; a hint names what is above.

  function scrollerOf(root) {
    return root && root.querySelector ? root.querySelector("#calendar .scroller") || document.querySelector("#calendar .scroller") : null;
  }

  function setHeadHeight(scroller) {
    var head = scroller.querySelector(".day-head");
    if (head) scroller.querySelector(".grid").style.setProperty("--head", head.offsetHeight + "px");
  }

  function openingScroll(scroller) {
    var hour = scroller.querySelector('.hour[data-hour="' + Number(scroller.dataset.scrollToHour) + '"]');
    // A third of the hour before stays in sight, so the opening hour's label is not cut by the sticky rows.
    if (hour) scroller.scrollTop = hour.offsetTop - hour.parentElement.offsetTop - hour.offsetHeight / 3;
  }

  // Events that end above what the scroller shows (under its sticky day and all-day rows): the first
  // is named in a hint, whose button scrolls to it.
  function hintEarlier() {
    var scroller = document.querySelector("#calendar .scroller"), hint = document.getElementById("earlier-hint");
    var allDay = scroller && scroller.querySelector(".allday");
    if (!scroller || !hint || !allDay) return;
    var shownFrom = allDay.getBoundingClientRect().bottom + 1, hidden = [];
    scroller.querySelectorAll(".day-column .event:not(.continued)").forEach(function (item) {
      if (item.getBoundingClientRect().bottom <= shownFrom) hidden.push(item);
    });
    if (!hidden.length) { hint.hidden = true; return; }
    hidden.sort(function (a, b) { return a.getBoundingClientRect().top - b.getBoundingClientRect().top; });
    var first = hidden[0], link = first.querySelector("a"), time = first.querySelector(".event-time time");
    var button = hint.querySelector("button");
    button.textContent = "\u2191 " + (link.getAttribute("title") || "An event") + (time ? " at " + time.textContent : "") +
      (hidden.length > 1 ? " and " + (hidden.length - 1) + " more are" : " is") + " above: show";
    button.onclick = function () {
      scroller.scrollTop -= shownFrom - first.getBoundingClientRect().top + 8;
      link.focus({ preventScroll: true });
    };
    hint.style.top = (shownFrom - scroller.getBoundingClientRect().top) + "px";
    hint.hidden = false;
  }

  var keptTop = null;

  function settle(root, restore) {
    var scroller = scrollerOf(root);
    if (!scroller) return;
    setHeadHeight(scroller);
    if (restore !== null) scroller.scrollTop = restore; else openingScroll(scroller);
    scroller.addEventListener("scroll", hintEarlier, { passive: true });
    hintEarlier();
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var scroller = document.querySelector("#calendar .scroller");
    var path = evt.detail.requestConfig && evt.detail.requestConfig.path;
    // The same week redrawn (a change, a notification) keeps its scroll; another week opens afresh.
    keptTop = scroller && path === window.location.pathname + window.location.search ? scroller.scrollTop : null;
  });
  document.addEventListener("htmx:load", function (evt) {
    if (evt.target.id === "calendar" || (evt.target.querySelector && evt.target.querySelector("#calendar"))) {
      var top = keptTop;
      keptTop = null;
      settle(evt.target, top);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { settle(document, null); });
})();
