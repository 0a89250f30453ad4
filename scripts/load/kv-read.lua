-- wrk script: KV v2 reads of one secret with a token from COFRE_TOKEN.
wrk.method = "GET"
wrk.headers["X-Vault-Token"] = os.getenv("COFRE_TOKEN")
