//go:build !linux

package cli

import "os"

// noEcho is not implemented here: input typed at a prompt is echoed.
func noEcho(*os.File) (restore func(), ok bool) { return nil, false }
