package serve_test

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/cofre-io/cofre/server/serve"
)

// TestMain doubles as `cofre server` when COFRE_SERVE_CHILD holds the
// arguments (separated by newlines), so tests can run, kill and restart a
// real server process without building the binary.
func TestMain(m *testing.M) {
	if args := os.Getenv("COFRE_SERVE_CHILD"); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := serve.Main(ctx, strings.Split(args, "\n"), os.Stdout, os.Stderr, os.Getenv)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}
