-- wrk script: token creation (auth/token/create) with the root token.
wrk.method = "POST"
wrk.headers["X-Vault-Token"] = os.getenv("COFRE_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"policies":["default"],"ttl":"1h"}'
