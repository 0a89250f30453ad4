//go:build unix

package atomicwriter

import (
	"io/fs"
	"syscall"
)

// groupMatches reports whether st has the FSGroup (always true without one).
func (w *Writer) groupMatches(st fs.FileInfo) bool {
	if w.opts.FSGroup == nil {
		return true
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	return !ok || int64(sys.Gid) == *w.opts.FSGroup
}
