-- wrk script: AppRole logins with ROLE_ID and SECRET_ID from the environment.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"role_id":"' .. os.getenv("ROLE_ID") .. '","secret_id":"' .. os.getenv("SECRET_ID") .. '"}'
