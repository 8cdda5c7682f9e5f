-- wrk script of bench/speed.py's edits under load: each request a path drawn at random
-- from a file of paths, one a line (a path on several lines is drawn more often), and the
-- page cache's X-Cache answers counted (hit, miss, stale: a page an edit has just retired,
-- answered while it is made anew; or unmarked: no such header).
-- Usage: wrk -s bench/mix.lua http://127.0.0.1:PORT -- PATHS_FILE

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  -- Each thread its own sequence, and a new one every run.
  math.randomseed(os.time() * 16 + id)
  hits, misses, stales, unmarked = 0, 0, 0, 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  local answer
  for name, value in pairs(headers) do
    if string.lower(name) == "x-cache" then
      answer = string.lower(value)
    end
  end
  if answer == "hit" then
    hits = hits + 1
  elseif answer == "miss" then
    misses = misses + 1
  elseif answer == "stale" then
    stales = stales + 1
  else
    unmarked = unmarked + 1
  end
end

function done(summary, latency, requests)
  local hit, miss, stale, none = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    hit = hit + thread:get("hits")
    miss = miss + thread:get("misses")
    stale = stale + thread:get("stales")
    none = none + thread:get("unmarked")
  end
  io.write(string.format("x-cache: hit=%d miss=%d stale=%d unmarked=%d\n", hit, miss, stale, none))
end
