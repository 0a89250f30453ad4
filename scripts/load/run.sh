#!/usr/bin/env bash
# Load run: a single-node Raft server (persistent storage, as in production)
# on 127.0.0.1, then wrk with 10 connections for each scenario. Prints wrk's
# results, including latency percentiles. Needs wrk (apt-get install wrk).
#   scripts/load/run.sh [duration]
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR="${1:-10s}"
WORK=$(mktemp -d)
trap 'kill $(cat "$WORK/pid") 2>/dev/null || true; rm -rf "$WORK"' EXIT
go build -o "$WORK/cofre" .
PORT=18299
cat > "$WORK/cofre.hcl" <<HCL
storage "raft" {
  path    = "$WORK/data"
  node_id = "load"
}
cluster_addr = "http://127.0.0.1:18298"
listener "tcp" {
  address     = "127.0.0.1:$PORT"
  tls_disable = true
}
log_level = "warn"
HCL
"$WORK/cofre" server -config="$WORK/cofre.hcl" > "$WORK/server.log" 2>&1 &
echo $! > "$WORK/pid"
export COFRE_ADDR="http://127.0.0.1:$PORT"
for _ in $(seq 100); do "$WORK/cofre" status >/dev/null 2>&1 && break; [ $? -eq 2 ] && break; sleep 0.1; done
INIT=$("$WORK/cofre" operator init -key-shares=1 -key-threshold=1 -format=json)
KEY=$(echo "$INIT" | sed -n 's/.*"unseal_keys_b64": *\[ *"\([^"]*\)".*/\1/p' | head -1)
[ -n "$KEY" ] || KEY=$(echo "$INIT" | tr -d '\n ' | sed -n 's/.*"unseal_keys_b64":\["\([^"]*\)".*/\1/p')
export COFRE_TOKEN=$(echo "$INIT" | tr -d '\n ' | sed -n 's/.*"root_token":"\([^"]*\)".*/\1/p')
"$WORK/cofre" operator unseal "$KEY" >/dev/null
"$WORK/cofre" secrets enable -path=secret kv-v2 >/dev/null
"$WORK/cofre" kv put secret/demo/database username=appuser password=s3cret-passw0rd host=postgres.example.com port=5432 >/dev/null
"$WORK/cofre" auth enable approle >/dev/null
"$WORK/cofre" write auth/approle/role/load token_policies=default token_ttl=1h >/dev/null
export ROLE_ID=$("$WORK/cofre" read -field=role_id auth/approle/role/load/role-id)
export SECRET_ID=$("$WORK/cofre" write -f -field=secret_id auth/approle/role/load/secret-id 2>/dev/null || "$WORK/cofre" write -field=secret_id auth/approle/role/load/secret-id num_uses=0)
echo "== KV v2 read, 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/kv-read.lua "$COFRE_ADDR/v1/secret/data/demo/database"
echo "== KV v2 write, 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/kv-write.lua "$COFRE_ADDR/v1/secret/data/load/key"
echo "== token create, 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/token-create.lua "$COFRE_ADDR/v1/auth/token/create"
echo "== AppRole login, 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/approle-login.lua "$COFRE_ADDR/v1/auth/approle/login"
"$WORK/cofre" secrets enable transit >/dev/null
"$WORK/cofre" write -f transit/keys/load >/dev/null
"$WORK/cofre" write transit/keys/load-sign type=ecdsa-p256 >/dev/null
export TRANSIT_PLAINTEXT=$(head -c 1024 /dev/urandom | base64 -w0)
export TRANSIT_CIPHERTEXT=$("$WORK/cofre" write -field=ciphertext transit/encrypt/load plaintext="$TRANSIT_PLAINTEXT")
echo "== transit encrypt (1 KiB, aes256-gcm96), 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/transit-encrypt.lua "$COFRE_ADDR/v1/transit/encrypt/load"
echo "== transit decrypt (1 KiB, aes256-gcm96), 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/transit-decrypt.lua "$COFRE_ADDR/v1/transit/decrypt/load"
echo "== transit sign (1 KiB, ecdsa-p256, sha2-256), 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/transit-sign.lua "$COFRE_ADDR/v1/transit/sign/load-sign"
"$WORK/cofre" secrets enable -max-lease-ttl=87600h pki >/dev/null
"$WORK/cofre" write pki/root/generate/internal common_name="Load Root CA" key_type=ec ttl=87600h >/dev/null
"$WORK/cofre" write pki/roles/load-ec allowed_domains=example.com allow_subdomains=true key_type=ec max_ttl=72h >/dev/null
"$WORK/cofre" write pki/roles/load-rsa allowed_domains=example.com allow_subdomains=true key_type=rsa key_bits=2048 max_ttl=72h >/dev/null
echo "== PKI issue EC P-256 (EC root), 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/pki-issue.lua "$COFRE_ADDR/v1/pki/issue/load-ec"
echo "== PKI issue RSA-2048 (EC root), 10 connections, $DUR"
wrk -t2 -c10 -d"$DUR" --latency -s scripts/load/pki-issue.lua "$COFRE_ADDR/v1/pki/issue/load-rsa"
