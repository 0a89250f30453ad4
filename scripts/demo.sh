#!/bin/sh
# Cofre's local demo (make demo): a dev server seeded with a secret, a
# policy and an AppRole; `cofre csi mount` rendering the demo
# SecretProviderClass into ./cofre-demo and refreshing it; then a change to
# the secret, shown arriving in the files. It runs until Ctrl-C (or exits
# after the change when COFRE_DEMO_ONCE=1). Everything it starts is stopped
# on exit.
#
#   COFRE_DEMO_PORT  dev server port (default 8200)
#   COFRE_DEMO_DIR   target directory (default ./cofre-demo)
set -eu
cd "$(dirname "$0")/.."
GO=${GO:-go}
port=${COFRE_DEMO_PORT:-8200}
dir=${COFRE_DEMO_DIR:-./cofre-demo}
bin=bin/cofre
work=$(mktemp -d)
server_pid=
mount_pid=

cleanup() {
	[ -n "$mount_pid" ] && kill "$mount_pid" 2>/dev/null && wait "$mount_pid" 2>/dev/null
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for DESCRIPTION COMMAND...: retry COMMAND for up to 30 seconds.
wait_for() {
	what=$1
	shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ "$i" -gt 150 ]; then
			echo "demo: timed out waiting for $what" >&2
			exit 1
		fi
		sleep 0.2
	done
}

echo "==> building $bin"
$GO build -o "$bin" .

echo "==> starting a dev server on 127.0.0.1:$port (log: $work/server.log)"
$bin server -dev -dev-listen-address "127.0.0.1:$port" -dev-root-token-id demo-root >"$work/server.log" 2>&1 &
server_pid=$!
export COFRE_ADDR="http://127.0.0.1:$port"
wait_for "the server" env COFRE_TOKEN=demo-root $bin status

echo "==> seeding: secret/demo/database, policy demo-app, AppRole demo"
root() { COFRE_TOKEN=demo-root $bin "$@"; }
root kv put secret/demo/database username=appuser password=s3cret >/dev/null
root policy write demo-app scripts/demo/policy.hcl >/dev/null
root auth enable approle >/dev/null
root write auth/approle/role/demo token_policies=demo-app token_ttl=1h >/dev/null
COFRE_ROLE_ID=$(root read -field=role_id auth/approle/role/demo/role-id)
COFRE_SECRET_ID=$(root write -f -field=secret_id auth/approle/role/demo/secret-id)
export COFRE_ROLE_ID COFRE_SECRET_ID

echo "==> cofre csi mount --class scripts/demo/secretproviderclass.yaml --target $dir (AppRole login)"
$bin csi mount --class scripts/demo/secretproviderclass.yaml --target "$dir" 2>"$work/mount.log" &
mount_pid=$!
wait_for "the files" test -s "$dir/password"

show() {
	for f in username password database.env ..version; do
		printf '  %-14s %s\n' "$f" "$(tr '\n' ' ' <"$dir/$f")"
	done
}
echo "==> $dir:"
show

new="rotated-$(date +%s)"
echo "==> cofre kv put secret/demo/database password=$new"
root kv put secret/demo/database username=appuser password="$new" >/dev/null
wait_for "the new password in $dir" grep -qx "$new" "$dir/password"
echo "==> $dir (refreshed, ..version bumped):"
show

if [ "${COFRE_DEMO_ONCE:-}" = 1 ]; then
	exit 0
fi
cat <<MSG

The files stay fresh while this runs. In another terminal:

    COFRE_ADDR=$COFRE_ADDR COFRE_TOKEN=demo-root $bin kv put secret/demo/database username=appuser password=another
    cat $dir/password

Ctrl-C stops the server and the mount ($dir is left in place).
MSG
wait "$mount_pid"
