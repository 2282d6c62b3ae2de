-- The ceiling: a plain GET of a bare Litestar JSON endpoint.
local report = require("report")

setup = report.setup
done = report.done
