-- GET of the URL's path with $TOKEN.
local auth = "Bearer " .. os.getenv("TOKEN")
request = function()
  return wrk.format("GET", nil, { ["Authorization"] = auth })
end
