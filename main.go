// Command cofre is Cofre's single binary: `cofre server` runs the secrets
// server; every other subcommand is the command-line client.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/cofre-io/cofre/server/serve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "server" {
		return serve.Main(ctx, args[1:], os.Stdout, os.Stderr, os.Getenv)
	}
	fmt.Fprintln(os.Stderr, "usage: cofre server [-dev | -config=FILE]")
	return 2
}
