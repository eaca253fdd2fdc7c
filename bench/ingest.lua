-- wrk script for bench/ingest.py: replays pre-signed requests (one per line: path, header, value, content
-- type, body, tab-separated) so every request carries a unique platform id and a valid signature.
-- Each wrk thread takes every n-th line, so no two threads send the same message.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local requests = {}
local index = 0

function init(args)
  local file = args[1]
  local nthreads = tonumber(args[2])
  local line_no = 0
  for line in io.lines(file) do
    line_no = line_no + 1
    if line_no % nthreads == tid % nthreads then
      local path, header, value, ctype, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = {["Content-Type"] = ctype}
      headers[header] = value
      requests[#requests + 1] = wrk.format("POST", path, headers, body)
    end
  end
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[index]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK_JSON {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p99_us\": %d, \"non2xx\": %d, " ..
    "\"socket_errors\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
