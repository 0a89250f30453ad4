-- wrk script: transit decryption of one 1 KiB ciphertext (TRANSIT_CIPHERTEXT)
-- with the token from COFRE_TOKEN.
wrk.method = "POST"
wrk.headers["X-Vault-Token"] = os.getenv("COFRE_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"ciphertext":"' .. os.getenv("TRANSIT_CIPHERTEXT") .. '"}'
