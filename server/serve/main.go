package serve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// Main runs `cofre server` until ctx ends and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	opts, err := ParseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	s, err := Start(ctx, opts, stderr, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "Error starting the server: %v\n", err)
		return 1
	}
	if opts.Dev {
		fmt.Fprintf(stdout, `==> Cofre server started in DEV mode: in memory, unsealed, not for production.

    Api Address: http://%s
    Unseal Key:  %s
    Root Token:  %s

Set the address and token for the CLI:

    export COFRE_ADDR='http://%s'
    export COFRE_TOKEN='%s'
`, s.Addrs[0], s.UnsealKey, s.RootToken, s.Addrs[0], s.RootToken)
	} else {
		fmt.Fprintf(stdout, "==> Cofre server started, listening on %v\n", s.Addrs)
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "==> Cofre server shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.Stop(stopCtx)
	return 0
}
