-- wrk script for bench/ingest.sh: POST /api/v1/conversions with a bearer token, the
-- lead e-mail varying over 1000 leads and a fresh Idempotency-Key per request, like
-- bench/ingest_floor.c's loop. With RATE set (requests/s over all connections) each
-- connection waits between requests so the offered rate is fixed (wrk has no open-loop
-- mode; latency is measured from send to answer and excludes the wait).
local counter = 0
local threads = {}
local token = os.getenv("BENCH_TOKEN")
local rate = tonumber(os.getenv("RATE") or "0")
local connections = tonumber(os.getenv("CONNECTIONS") or "1")
local run = os.getenv("RUN") or "run"
local body_fmt = '{"lead":{"email":"lead%d@bench.example","first_name":"Anna",' ..
	'"last_name":"Schmidt","phone":"0171 2345678","city":"Aachen","country":"DE",' ..
	'"gdpr_consent":true},"conversion":{"type":"valuation","landing_page":' ..
	'"Immobilienbewertung Aachen","occurred_at":"2026-11-26T10:15:00Z","details":{' ..
	'"property_type":"house","address":{"zip":"52062","city":"Aachen"},"price":{' ..
	'"min":400000,"max":500000,"average":450000}}}}'

function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end

function request()
	counter = counter + 1
	local n = counter * 16 + tid
	return wrk.format("POST", "/api/v1/conversions", {
		["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json",
		["Idempotency-Key"] = run .. "-" .. tid .. "-" .. counter,
	}, string.format(body_fmt, n % 1000))
end

function delay()
	if rate <= 0 then
		return 0
	end
	return math.floor(connections * 1000 / rate)
end

function response(status, headers, body)
	if status ~= 201 then
		wrk.thread:stop()
	end
end
