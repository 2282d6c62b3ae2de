-- POST /api/events with a room and two participants; every request books a slot nobody else books.
-- Arguments (after `--`): people file (lines "token<TAB>email"), rooms file (one id a line),
-- first slot as a Unix time, slot length in seconds, number of wrk threads.
-- Request n of thread t has the global number idx = n * threads + t; idx picks the room
-- (idx mod rooms) and the slot within that room (idx div rooms), so no two requests overlap.
local report = require("report")

local people = {}
local rooms = {}
local counter = 0
local first_slot, slot_seconds, thread_count

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
   first_slot = tonumber(args[3])
   slot_seconds = tonumber(args[4])
   thread_count = tonumber(args[5])
end

function request()
   local idx = counter * thread_count + thread_id
   counter = counter + 1
   local room = rooms[idx % #rooms + 1]
   local starts = first_slot + math.floor(idx / #rooms) * slot_seconds
   local organizer = people[idx % #people + 1]
   local guest_a = people[(idx + 1) % #people + 1]
   local guest_b = people[(idx + 2) % #people + 1]
   local body = string.format(
      '{"title": "Load test booking %d", "starts_at": "%s", "ends_at": "%s", "room_id": "%s", '
         .. '"participants": ["%s", "%s"]}',
      idx, iso(starts), iso(starts + slot_seconds), room, guest_a.email, guest_b.email
   )
   local headers = { Authorization = "Bearer " .. organizer.token, ["Content-Type"] = "application/json" }
   return wrk.format("POST", "/api/events", headers, body)
end

response = report.response
done = report.done
