-- A mix of pages, API calls and redirects (scenario 6: memory per worker).
local code = os.getenv("BENCH_CODE") or "bench23"
local requests = nil
local sent = 0

-- Built on first use: wrk adds the Host header only after the script has loaded.
local function build()
  local json = { ["Content-Type"] = "application/json" }
  return {
    wrk.format("GET", "/"),
    wrk.format("GET", "/tools/json/"),
    wrk.format("POST", "/api/hash", json, '{"input": "abc", "algorithms": ["sha256", "md5"]}'),
    wrk.format("GET", "/s/" .. code),
    wrk.format("POST", "/api/json", json, '{"input": "{\\"a\\": [1, 2, 3]}"}'),
    wrk.format("GET", "/tools/hash/?input=hello"),
    wrk.format("GET", "/healthz"),
  }
end

request = function()
  requests = requests or build()
  sent = sent + 1
  return requests[(sent % #requests) + 1]
end
