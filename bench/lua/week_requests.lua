-- GET /api/events for the benchmark week, rotating through the seeded users' bearer tokens.
-- Arguments (after `--`): people file (lines "token<TAB>email"), window start, window end, and optionally
-- the Accept-Encoding to send ("gzip" as browsers, httpx and requests send it; none when absent or "identity").
local week = {}

local requests = {}
local next_index = 0

function week.init(args)
   local path = "/api/events?start=" .. args[2] .. "&end=" .. args[3]
   local encoding = args[4]
   for line in io.lines(args[1]) do
      local token = string.match(line, "^(%S+)")
      if token then
         local headers = { Authorization = "Bearer " .. token }
         if encoding and encoding ~= "" and encoding ~= "identity" then
            headers["Accept-Encoding"] = encoding
         end
         table.insert(requests, wrk.format("GET", path, headers))
      end
   end
   -- Threads start at different people so they do not ask for the same calendars in lockstep.
   next_index = (thread_id * 97) % #requests
end

function week.request()
   next_index = next_index % #requests + 1
   return requests[next_index]
end

return week
