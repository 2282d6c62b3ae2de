-- POST /api/events: an open-ended weekly series in Europe/Berlin with a room and two participants, so
-- every request stores (and books the room for) a series' occurrences over the whole horizon.
-- Arguments (after `--`): people file (lines "token<TAB>email"), rooms file (one id a line),
-- first Monday as a Unix time (00:00 UTC), slot length in seconds, slots per day, number of wrk threads.
-- Request n of thread t has the global number idx = n * threads + t; idx picks the room (idx mod rooms)
-- and the weekly cell within that room (idx div rooms: a weekday, then a slot of the day from 07:00 UTC),
-- so no two series ever hold the same room at the same time (until rooms * 7 * slots per day requests).
local report = require("report")

local people = {}
local rooms = {}
local counter = 0
local first_monday, slot_seconds, slots_per_day, thread_count

setup = report.setup

local function iso(epoch)
   return os.date("!%Y-%m-%dT%H:%M:%SZ", epoch)
end

function init(args)
   for line in io.lines(args[1]) do
      local token, email = string.match(line, "^(%S+)\t(%S+)")
      if token then
         table.insert(people, { token = token, email = email })
      end
   end
   for line in io.lines(args[2]) do
      local id = string.match(line, "^(%S+)")
      if id then table.insert(rooms, id) end
   end
   first_monday = tonumber(args[3])
   slot_seconds = tonumber(args[4])
   slots_per_day = tonumber(args[5])
   thread_count = tonumber(args[6])
end

function request()
   local idx = counter * thread_count + thread_id
   counter = counter + 1
   local room = rooms[idx % #rooms + 1]
   local cell = math.floor(idx / #rooms)
   local day = math.floor(cell / slots_per_day) % 7
   local starts = first_monday + day * 86400 + 7 * 3600 + (cell % slots_per_day) * slot_seconds
   local organizer = people[idx % #people + 1]
   local guest_a = people[(idx + 1) % #people + 1]
   local guest_b = people[(idx + 2) % #people + 1]
   local body = string.format(
      '{"title": "Load test weekly %d", "starts_at": "%s", "ends_at": "%s", "timezone": "Europe/Berlin", '
         .. '"recurrence": {"rule": "FREQ=WEEKLY"}, "room_id": "%s", "participants": ["%s", "%s"]}',
      idx, iso(starts), iso(starts + slot_seconds), room, guest_a.email, guest_b.email
   )
   local headers = { Authorization = "Bearer " .. organizer.token, ["Content-Type"] = "application/json" }
   return wrk.format("POST", "/api/events", headers, body)
end

response = report.response
done = report.done
