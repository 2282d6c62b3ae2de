-- Requests read from a file, one a line: METHOD<TAB>path<TAB>bearer token[<TAB>JSON body]; sent in turn.
-- Arguments (after `--`): the file. Every request says `Accept-Encoding: gzip`, as browsers, httpx and
-- requests do (the week view is answered gzip-compressed then; the others are not compressed).
local report = require("report")

local requests = {}
local next_index = 0

setup = report.setup
response = report.response
done = report.done

function init(args)
   for line in io.lines(args[1]) do
      local method, path, token, body = string.match(line, "^(%S+)\t(%S+)\t(%S+)\t?(.*)$")
      if method then
         local headers = { Authorization = "Bearer " .. token, ["Accept-Encoding"] = "gzip" }
         if body ~= "" then
            headers["Content-Type"] = "application/json"
         else
            body = nil
         end
         table.insert(requests, wrk.format(method, path, headers, body))
      end
   end
   -- Threads start at different requests so they do not ask the same thing in lockstep.
   next_index = (thread_id * 97) % #requests
end

function request()
   next_index = next_index % #requests + 1
   return requests[next_index]
end
