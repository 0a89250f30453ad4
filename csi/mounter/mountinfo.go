package mounter

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// mountPoints reads the mount points of a mountinfo file (proc(5)): the
// fifth field of each line, with the kernel's octal escapes undone.
func mountPoints(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mounter: %w", err)
	}
	defer f.Close()
	points := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		points[unescapeOctal(fields[4])] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mounter: reading %s: %w", path, err)
	}
	return points, nil
}

// unescapeOctal undoes the \ooo escapes the kernel writes for space, tab,
// newline and backslash in paths.
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
