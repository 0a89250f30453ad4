package kv

// mergePatch applies patch to target as RFC 7386 (JSON Merge Patch) says: an
// object patch merges key by key, a null member removes the key, and any
// other patch value replaces the target. target may be modified in place and
// must not be used afterwards; the result may share values with patch.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = make(map[string]any, len(p))
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}
