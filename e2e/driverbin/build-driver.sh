#!/usr/bin/env bash
# Builds the upstream Secrets Store CSI driver (sigs.k8s.io/secrets-store-
# csi-driver, cmd/secrets-store-csi-driver) into the cache, once per
# version, for the provider's end-to-end tests. The driver depends on
# monis.app/mlog, which the Go module proxy does not serve, so it is built
# from a small generated module that requires the driver and replaces mlog
# with the stand-in in mlog/ next to this script (copied into the module).
# Idempotent: prints the binary's path, building it only when missing (the
# build writes a temporary file, renamed into place when complete).
# Progress goes to standard error.
set -euo pipefail
VERSION="${CSI_DRIVER_VERSION:-v1.6.0}"
CACHE="${COFRE_CACHE:-$HOME/.cache/cofre}"
DIR="$CACHE/csi-driver/$VERSION"
OUT="$DIR/secrets-store-csi-driver"
if [ -x "$OUT" ]; then
  echo "$OUT"
  exit 0
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MOD="$DIR/mod"
rm -rf "$MOD"
mkdir -p "$MOD"
cp -r "$HERE/mlog" "$MOD/mlog"
cd "$MOD"
cat > go.mod <<MODEOF
module cofre.local/driverbin

go 1.25

require (
	sigs.k8s.io/secrets-store-csi-driver $VERSION
	monis.app/mlog v0.0.2
)

replace monis.app/mlog => ./mlog
MODEOF
export GOFLAGS=-mod=mod GOWORK=off
go get "sigs.k8s.io/secrets-store-csi-driver/cmd/secrets-store-csi-driver@$VERSION" >&2
LDFLAGS="-X sigs.k8s.io/secrets-store-csi-driver/pkg/version.BuildVersion=$VERSION"
go build -trimpath -ldflags "$LDFLAGS" -o "$OUT.tmp" sigs.k8s.io/secrets-store-csi-driver/cmd/secrets-store-csi-driver >&2
mv "$OUT.tmp" "$OUT"
echo "$OUT"
