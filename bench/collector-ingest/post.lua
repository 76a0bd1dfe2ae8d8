-- Posts the Spartakus seed record to /api/v1, with a different timestamp in every request so
-- each is a new report (the collector derives a Spartakus record's ID from its content).
local threads = 0

function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

function init(args)
  local file = io.open(args[1], "r")
  body = file:read("*a")
  file:close()
  counter = (offset or 0) * 1000000000 + (os.time() % 100000) * 1000
end

function request()
  counter = counter + 1
  local text = body:gsub('"timestamp": "%d+"', '"timestamp": "' .. string.format("%.0f", 1700000000000000 + counter) .. '"', 1)
  return wrk.format("POST", "/api/v1", {["Content-Type"] = "application/json"}, text)
end
