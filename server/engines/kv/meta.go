package kv

import (
	"strconv"
	"time"
)

// keyMeta is a version 2 key's metadata as stored at meta/<path> (see
// codec.go). Times are Unix nanoseconds, 0 meaning unset.
type keyMeta struct {
	Current     uint64
	Oldest      uint64
	MaxVersions uint32
	CASRequired bool
	DeleteAfter time.Duration
	Custom      map[string]string
	Created     int64
	Updated     int64
	// Versions are the kept versions in ascending order, contiguous from
	// the oldest kept one to Current; destroyed versions stay listed.
	Versions []versionMeta
}

// versionMeta is one version's bookkeeping.
type versionMeta struct {
	Version   uint64
	Created   int64
	Deletion  int64 // soft-deleted at (or scheduled for) this time
	Destroyed bool
}

// find returns the bookkeeping of version n, or nil when it is not kept.
func (m *keyMeta) find(n uint64) *versionMeta {
	if n == 0 || len(m.Versions) == 0 {
		return nil
	}
	// Versions are contiguous; check the expected slot, then search.
	if i := n - m.Versions[0].Version; n >= m.Versions[0].Version && i < uint64(len(m.Versions)) && m.Versions[i].Version == n {
		return &m.Versions[i]
	}
	for i := range m.Versions {
		if m.Versions[i].Version == n {
			return &m.Versions[i]
		}
	}
	return nil
}

// deleted reports whether v reads as deleted at now (soft-deleted, or past
// its delete_version_after deadline).
func (v *versionMeta) deleted(now int64) bool { return v.Deletion != 0 && v.Deletion <= now }

// prune drops versions at or below current-max and returns their numbers,
// which the caller deletes from storage after writing the metadata.
func (m *keyMeta) prune(max uint64) []uint64 {
	if m.Current <= max {
		return nil
	}
	cut := m.Current - max
	var gone []uint64
	i := 0
	for i < len(m.Versions) && m.Versions[i].Version <= cut {
		if !m.Versions[i].Destroyed {
			gone = append(gone, m.Versions[i].Version)
		}
		i++
	}
	if i > 0 {
		m.Versions = append(m.Versions[:0], m.Versions[i:]...)
	}
	m.Oldest = cut + 1
	return gone
}

// formatTime is Vault's time format; 0 is "".
func formatTime(ns int64) string {
	if ns == 0 {
		return ""
	}
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

func customAny(c map[string]string) any {
	if c == nil {
		return nil
	}
	out := make(map[string]any, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// versionResponse is the metadata of one version as data reads and writes
// return it.
func versionResponse(v *versionMeta, custom map[string]string) map[string]any {
	return map[string]any{
		"created_time":    formatTime(v.Created),
		"custom_metadata": customAny(custom),
		"deletion_time":   formatTime(v.Deletion),
		"destroyed":       v.Destroyed,
		"version":         v.Version,
	}
}

// metadataResponse is a key's full metadata as metadata/<path> returns it.
func metadataResponse(m *keyMeta) map[string]any {
	versions := make(map[string]any, len(m.Versions))
	for i := range m.Versions {
		v := &m.Versions[i]
		versions[strconv.FormatUint(v.Version, 10)] = map[string]any{
			"created_time":  formatTime(v.Created),
			"deletion_time": formatTime(v.Deletion),
			"destroyed":     v.Destroyed,
		}
	}
	return map[string]any{
		"cas_required":         m.CASRequired,
		"created_time":         formatTime(m.Created),
		"current_version":      m.Current,
		"custom_metadata":      customAny(m.Custom),
		"delete_version_after": m.DeleteAfter.String(),
		"max_versions":         m.MaxVersions,
		"oldest_version":       m.Oldest,
		"updated_time":         formatTime(m.Updated),
		"versions":             versions,
	}
}
