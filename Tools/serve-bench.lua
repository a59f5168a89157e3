-- wrk script for Tools/serve-bench: POSTs one file as the raw body of every request and prints
-- one JSON line at the end (requests per second, p50/p99 latency in ms, errors).
-- Usage: wrk -s Tools/serve-bench.lua URL -- FILE CONTENT-TYPE
function init(args)
    local file = assert(io.open(args[1], "rb"))
    wrk.method = "POST"
    wrk.body = file:read("*a")
    file:close()
    wrk.headers["Content-Type"] = args[2] or "application/octet-stream"
end

function done(summary, latency, requests)
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
    io.write(string.format('{"requests": %d, "seconds": %.2f, "throughput_rps": %.2f, "p50_ms": %.1f, "p99_ms": %.1f, "errors": %d}\n',
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
