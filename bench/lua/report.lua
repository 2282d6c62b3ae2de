-- Shared by every scenario: thread ids, counting of non-2xx answers, and one JSON line of results.
-- The driver (bench/scheduling.py) reads the line that starts with BENCH_RESULT.
local report = {}

local threads = {}

-- Give each wrk thread a distinct id (0, 1, ...) so scenarios can split work without collisions.
function report.setup(thread)
   thread:set("thread_id", #threads)
   table.insert(threads, thread)
end

-- Per thread: answers that were not 2xx, by status, and the first such body (to say why).
statuses = {}
first_error = ""

function report.response(status, headers, body)
   if status < 200 or status > 299 then
      statuses[status] = (statuses[status] or 0) + 1
      if first_error == "" and body then
         first_error = string.format("%d %s", status, string.sub(body, 1, 300))
      end
   end
end

local function json_string(s)
   s = string.gsub(s, '[%c"\\]', function(c)
      if c == '"' then return '\\"' end
      if c == "\\" then return "\\\\" end
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. s .. '"'
end

function report.done(summary, latency, requests)
   local by_status = {}
   local sample = ""
   local counts = {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses") or {}) do
         counts[status] = (counts[status] or 0) + n
      end
      local err = thread:get("first_error")
      if sample == "" and err and err ~= "" then sample = err end
   end
   for status, n in pairs(counts) do
      table.insert(by_status, string.format('"%d": %d', status, n))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "mean_us": %.1f, "p50_us": %d, '
         .. '"p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
         .. '"status": %d, "timeout": %d}, "statuses": {%s}, "first_error": %s}\n',
      summary.requests, summary.duration, summary.bytes, latency.mean,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout, table.concat(by_status, ", "), json_string(sample)
   ))
end

return report
