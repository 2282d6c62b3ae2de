-- The week view at a steady offered rate: before each request a connection waits a random time
-- (uniform, mean given), so latency is measured at that rate, below saturation, as a latency
-- target means it, not in a queue the load generator itself keeps full.
-- Arguments (after `--`): see week_requests.lua (its Accept-Encoding given, "identity" for none), then the mean
-- wait in milliseconds.
local report = require("report")
local week = require("week_requests")

local mean_wait_ms = 0

setup = report.setup
request = week.request
done = report.done

function init(args)
   week.init(args)
   mean_wait_ms = tonumber(args[5])
   math.randomseed(thread_id * 7919 + 1)
end

function delay()
   return math.random() * 2 * mean_wait_ms
end
