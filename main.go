// Command cofre is Cofre's single binary: `cofre server` runs the secrets
// server, `cofre provider` the Secrets Store CSI provider; every other
// subcommand is the command-line client.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cofre-io/cofre/cli"
	"github.com/cofre-io/cofre/csi"
	"github.com/cofre-io/cofre/provider"
	"github.com/cofre-io/cofre/server/serve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "server":
			return serve.Main(ctx, args[1:], os.Stdout, os.Stderr, os.Getenv)
		case "provider":
			return provider.Main(ctx, args[1:], os.Stdout, os.Stderr, os.Getenv)
		case "csi":
			return csi.Main(ctx, args[1:], os.Stdout, os.Stderr, os.Getenv)
		}
	}
	home, _ := os.UserHomeDir() // without a home the CLI just has no token file
	return cli.Run(ctx, args, cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, HomeDir: home})
}
