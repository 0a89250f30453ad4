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

# PostgreSQL and MariaDB server programs for the database engine's tests
# (server/engines/database/dbtest starts private instances on loopback);
# installed from the distribution's packages only when missing.
.PHONY: db-deps
db-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && { command -v mariadbd || command -v mysqld; } >/dev/null 2>&1; then :; else \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq postgresql mariadb-server >/dev/null; fi
test: db-deps
