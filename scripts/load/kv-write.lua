-- wrk script: KV v2 writes (new versions) to 100 keys, spread over threads.
wrk.method = "POST"
wrk.headers["X-Vault-Token"] = os.getenv("COFRE_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":{"username":"appuser","password":"s3cret-passw0rd","host":"postgres.example.com","port":"5432"}}'
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/v1/secret/data/load/key" .. (n % 100))
end
