-- wrk -s bench/cycle.lua http://127.0.0.1:PORT, with WRK_PATHS naming a file of request
-- paths, one a line (bench/mixes.py writes them): each request is the next path, round and
-- round, so a run of N requests asks each of the paths about N / (number of paths) times.
-- The requests are formatted once, in init, so that the script costs wrk little.

local requests = {}
local n = 0

function init(args)
  local file = os.getenv("WRK_PATHS")
  if file == nil then
    error("WRK_PATHS is not set: the file of paths to cycle")
  end
  for line in io.lines(file) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("GET", line)
    end
  end
  if #requests == 0 then
    error("no paths in " .. file)
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
