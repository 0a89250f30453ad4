package local

import (
	"context"
	"fmt"
	"io"
)

// Main runs `cofre csi mount` until ctx ends and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fmt.Fprintln(stderr, "cofre csi mount: not implemented yet")
	return 1
}
