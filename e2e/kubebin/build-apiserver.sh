#!/usr/bin/env bash
# Builds kube-apiserver from the Go module k8s.io/kubernetes into the cache,
# once per version. k8s.io/kubernetes replaces its staging modules with local
# paths, so it is built from a small generated module that requires it and
# replaces each staging module with the published v0.x version instead.
# Idempotent: prints the binary's path, building it only when it is missing
# (the build writes a temporary file, renamed into place when complete).
# Progress goes to standard error.
set -euo pipefail
VERSION="${KUBE_VERSION:-1.35.4}"
CACHE="${COFRE_CACHE:-$HOME/.cache/cofre}"
DIR="$CACHE/kube/v$VERSION"
OUT="$DIR/kube-apiserver"
if [ -x "$OUT" ]; then
  echo "$OUT"
  exit 0
fi
STAGING_VERSION="v0.${VERSION#1.}"
MOD="$DIR/mod"
rm -rf "$MOD"
mkdir -p "$MOD"
cd "$MOD"
cat > go.mod <<MODEOF
module cofre.local/kubebin

go 1.25
MODEOF
gomod=$(go mod download -json "k8s.io/kubernetes@v$VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
{
  echo
  echo "require k8s.io/kubernetes v$VERSION"
  echo
  echo "replace ("
  grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$gomod" | awk -v v="$STAGING_VERSION" '{print "\t" $1 " => " $1 " " v}'
  echo ")"
} >> go.mod
GOFLAGS=-mod=mod go get "k8s.io/kubernetes/cmd/kube-apiserver@v$VERSION" >&2
# The version variables Kubernetes' own build sets, so that --version and
# /version report the real version instead of v0.0.0-master.
MAJOR="${VERSION%%.*}"
MINOR="${VERSION#*.}"
MINOR="${MINOR%%.*}"
PKG=k8s.io/component-base/version
LDFLAGS="-X $PKG.gitVersion=v$VERSION -X $PKG.gitMajor=$MAJOR -X $PKG.gitMinor=$MINOR -X $PKG.gitTreeState=clean"
GOFLAGS=-mod=mod go build -trimpath -ldflags "$LDFLAGS" -o "$OUT.tmp" k8s.io/kubernetes/cmd/kube-apiserver >&2
mv "$OUT.tmp" "$OUT"
echo "$OUT"
