-- GET /v2/users/{id} for random ids read from $IDS_FILE, with $TOKEN.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local auth = "Bearer " .. os.getenv("TOKEN")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/v2/users/" .. ids[math.random(#ids)], { ["Authorization"] = auth })
end
