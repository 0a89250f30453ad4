-- wrk script: transit signature of 1 KiB (base64 in TRANSIT_PLAINTEXT) with
-- an ECDSA P-256 key, SHA2-256, and the token from COFRE_TOKEN.
wrk.method = "POST"
wrk.headers["X-Vault-Token"] = os.getenv("COFRE_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"input":"' .. os.getenv("TRANSIT_PLAINTEXT") .. '"}'
