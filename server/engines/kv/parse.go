package kv

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// maxPathLen bounds a secret path; storage keys stay reasonable.
const maxPathLen = 4096

// checkPath validates a secret's path: not empty, no leading or trailing
// slash, no empty, "." or ".." segment. The message never echoes the path's
// bytes beyond what the client sent in the URL.
func checkPath(p string) error {
	switch {
	case p == "":
		return badRequest("missing secret path")
	case len(p) > maxPathLen:
		return badRequest("secret path is longer than %d bytes", maxPathLen)
	case strings.HasSuffix(p, "/"):
		return badRequest("secret path %q must not end in a slash", p)
	}
	return checkSegments(p)
}

// checkListPath validates a folder to list: "" (the root) or a valid path
// followed by "/".
func checkListPath(p string) error {
	if p == "" {
		return nil
	}
	if !strings.HasSuffix(p, "/") {
		return badRequest("list path %q must end in a slash", p)
	}
	if len(p) > maxPathLen {
		return badRequest("secret path is longer than %d bytes", maxPathLen)
	}
	return checkSegments(p[:len(p)-1])
}

func checkSegments(p string) error {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return badRequest("invalid secret path %q", p)
		}
	}
	return nil
}

// parseUint reads a non-negative integer given as a JSON number, a Go
// integer or float without fraction, or a decimal string (query parameters).
// nil and "" are 0. ok is false for anything else.
func parseUint(v any) (uint64, bool) {
	switch x := v.(type) {
	case nil:
		return 0, true
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, true
		}
		n, err := strconv.ParseUint(s, 10, 64)
		return n, err == nil
	case json.Number:
		n, err := strconv.ParseUint(string(x), 10, 64)
		if err == nil {
			return n, true
		}
		// 2.0 and 2e0 are integers too.
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		return floatUint(f)
	case float64:
		return floatUint(x)
	case int:
		return uint64(x), x >= 0
	case int64:
		return uint64(x), x >= 0
	case uint64:
		return x, true
	}
	return 0, false
}

func floatUint(f float64) (uint64, bool) {
	if f < 0 || f != math.Trunc(f) || f > 1<<53 {
		return 0, false
	}
	return uint64(f), true
}

// parseVersion reads the "version" parameter of a read: 0 means latest.
func parseVersion(v any) (uint64, error) {
	n, ok := parseUint(v)
	if !ok {
		return 0, badRequest("version must be a non-negative integer")
	}
	return n, nil
}

// parseDepth reads the "depth" parameter of subkeys: 0 means unlimited.
func parseDepth(v any) (int, error) {
	n, ok := parseUint(v)
	if !ok || n > math.MaxInt32 {
		return 0, badRequest("depth must be a non-negative integer")
	}
	return int(n), nil
}

// parseVersions reads the "versions" parameter of delete, undelete and
// destroy: a list of integers (or numeric strings), or a comma-separated
// string. It returns them without duplicates, in the order given; an empty
// result is an error.
func parseVersions(v any) ([]uint64, error) {
	var raw []any
	switch x := v.(type) {
	case nil:
	case []any:
		raw = x
	case []int:
		for _, i := range x {
			raw = append(raw, i)
		}
	case string, json.Number, float64, int, int64:
		if s, ok := x.(string); ok {
			for part := range strings.SplitSeq(s, ",") {
				if part = strings.TrimSpace(part); part != "" {
					raw = append(raw, part)
				}
			}
		} else {
			raw = []any{x}
		}
	default:
		return nil, badRequest("versions must be a list of integers")
	}
	out := make([]uint64, 0, len(raw))
	seen := make(map[uint64]struct{}, len(raw))
	for _, e := range raw {
		n, ok := parseUint(e)
		if !ok {
			return nil, badRequest("versions must be a list of non-negative integers")
		}
		if _, dup := seen[n]; dup {
			continue
		}
		seen[n] = struct{}{}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, badRequest(msgNoVersions)
	}
	return out, nil
}

// writeOptions are the "options" of a data write or patch.
type writeOptions struct {
	cas    uint64
	hasCAS bool
}

// parseOptions reads {"cas": N}. Unknown options are ignored, as Vault does.
func parseOptions(v any) (writeOptions, error) {
	var o writeOptions
	if v == nil {
		return o, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return o, badRequest("options must be a JSON object")
	}
	c, ok := m["cas"]
	if !ok || c == nil {
		return o, nil
	}
	n, ok := parseUint(c)
	if !ok {
		return o, badRequest("cas must be a non-negative integer")
	}
	o.cas, o.hasCAS = n, true
	return o, nil
}
