-- GET the path in BENCH_PATH (scenario 6, the baseline's share of the memory run).
local path = os.getenv("BENCH_PATH") or "/"

request = function()
  return wrk.format("GET", path)
end
