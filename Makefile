# Cofre build and test entry points. `make test` is the one command CI runs
# (.ci/run calls it); it installs or builds what the tests need, idempotently,
# caching outside the checkout under $(COFRE_CACHE).

GO          ?= go
COFRE_CACHE ?= $(HOME)/.cache/cofre
export COFRE_CACHE

.PHONY: all build test test-short vet fmt-check bench fuzz clean

all: build

build:
	$(GO) build -o bin/cofre .

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Every test, including the ones that start real servers on 127.0.0.1.
test: fmt-check vet build
	$(GO) test -count=1 -race -timeout 20m ./...

# A quick inner loop: skips the slow end-to-end tests (never used by CI).
test-short:
	$(GO) test -short ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin

# The local demo the README starts with: a dev server seeded with a secret,
# a policy and an AppRole, and `cofre csi mount` keeping ./cofre-demo fresh
# (scripts/demo.sh). Ctrl-C stops it.
.PHONY: demo
demo:
	GO=$(GO) sh scripts/demo.sh

# PostgreSQL and MariaDB server programs for the database engine's tests
# (server/engines/database/dbtest starts private instances on loopback);
# installed from the distribution's packages only when missing.
.PHONY: db-deps
db-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && { command -v mariadbd || command -v mysqld; } >/dev/null 2>&1; then :; else \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq postgresql mariadb-server >/dev/null; fi
test: db-deps

# etcd and kube-apiserver for the Kubernetes-facing tests (e2e/kube runs them
# on 127.0.0.1): etcd from Debian's etcd-server package when missing,
# kube-apiserver built once per version into $(COFRE_CACHE)/kube (7-14 min the
# first time), the upstream Secrets Store CSI driver module whose CRDs the
# tests install, and that driver built once into $(COFRE_CACHE)/csi-driver for
# the provider's end-to-end tests (e2e/driverbin). COFRE_ETCD /
# COFRE_KUBE_APISERVER / COFRE_CSI_DRIVER name other binaries.
CSI_DRIVER_MODULE ?= sigs.k8s.io/secrets-store-csi-driver@v1.6.0
.PHONY: e2e-deps
e2e-deps:
	@if [ -z "$$COFRE_ETCD" ] && [ ! -x /usr/bin/etcd ]; then \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq etcd-server >/dev/null || \
		{ $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq etcd-server >/dev/null; }; fi
	@if [ -z "$$COFRE_KUBE_APISERVER" ]; then e2e/kubebin/build-apiserver.sh >/dev/null; fi
	@$(GO) mod download $(CSI_DRIVER_MODULE)
	@if [ -z "$$COFRE_CSI_DRIVER" ]; then e2e/driverbin/build-driver.sh >/dev/null; fi
test: e2e-deps
