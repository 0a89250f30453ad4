package kv

// subkeys returns the shape of data with every leaf replaced by nil. A leaf
// is a non-object value, an empty object, or an object at depth maxDepth
// (1 = top-level keys) when maxDepth > 0.
func subkeys(data map[string]any, maxDepth int) map[string]any {
	return subkeysAt(data, 1, maxDepth)
}

func subkeysAt(data map[string]any, depth, maxDepth int) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 || (maxDepth > 0 && depth >= maxDepth) {
			out[k] = nil
			continue
		}
		out[k] = subkeysAt(m, depth+1, maxDepth)
	}
	return out
}
