-- POST /v2/users (custCreate, Basic) with a new email every request, with $TOKEN.
local auth = "Bearer " .. os.getenv("TOKEN")
local counter = 0
local thread_id = 0
setup = function(thread)
  thread:set("tid", tostring(math.random(1, 1e9)))
end
init = function() thread_id = tid or tostring(math.random(1, 1e9)) end
request = function()
  counter = counter + 1
  local body = '{"action":"custCreate","user_info":{"email":"c' .. thread_id .. '_' .. counter ..
    '@load.test","type":1}}'
  return wrk.format("POST", "/v2/users",
    { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end
