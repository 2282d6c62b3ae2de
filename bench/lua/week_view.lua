-- The week view as fast as the connections go: each sends its next request when the last is answered.
-- Arguments (after `--`): see week_requests.lua.
local report = require("report")
local week = require("week_requests")

setup = report.setup
init = week.init
request = week.request
done = report.done
