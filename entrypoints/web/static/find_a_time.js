// Find a time, in the event form: picking a suggested time fills in Starts, Ends and its free room,
// then the room picker and the scheduling grid are redrawn for the new time (both by htmx).
(function () {
  "use strict";

  function chooseRoom(id, label) {
    var select = document.getElementById("room_id");
    if (!select || !id) return;
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === id; });
    if (!option) {  // offered for the old time only: the picker keeps a chosen room once it is redrawn
      option = document.createElement("option");
      option.value = id;
      option.textContent = label;
      select.appendChild(option);
    }
    select.value = id;
  }

  function pick(button) {
    var starts = document.getElementById("starts"), ends = document.getElementById("ends");
    var allDay = document.getElementById("all_day");
    if (allDay && allDay.checked) { allDay.checked = false; allDay.dispatchEvent(new Event("change", { bubbles: true })); }
    starts.value = button.dataset.pickStarts;
    ends.value = button.dataset.pickEnds;
    chooseRoom(button.dataset.pickRoom, button.dataset.pickRoomLabel);
    ends.dispatchEvent(new Event("change", { bubbles: true }));  // the room picker asks for the rooms free then
    var status = document.getElementById("find-a-time-status");
    if (status) status.textContent = "Filled in: " + button.textContent + (button.dataset.pickRoomLabel ? ", " + button.dataset.pickRoomLabel : "") + ".";
    var refresh = document.querySelector("#find-a-time [data-refresh-schedule]");
    if (refresh) refresh.click();  // the grid shows the day of the time picked, with it outlined
    starts.focus();
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("#find-a-time [data-pick-starts]");
    if (button) pick(button);
  });
})();
