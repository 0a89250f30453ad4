-- wrk script: transit encryption of 1 KiB (base64 in TRANSIT_PLAINTEXT) with
-- the token from COFRE_TOKEN.
wrk.method = "POST"
wrk.headers["X-Vault-Token"] = os.getenv("COFRE_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"plaintext":"' .. os.getenv("TRANSIT_PLAINTEXT") .. '"}'
