package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Storage keys in the barrier.
const (
	tableKey   = "core/audit"
	saltPrefix = "audit/" // audit/<uuid>/salt
)

// TableEntry is one enabled device as the audit table keeps it.
type TableEntry struct {
	// Path ends in "/" ("file/").
	Path        string            `json:"path"`
	Type        string            `json:"type"`
	Description string            `json:"description"`
	Options     map[string]string `json:"options"`
	Local       bool              `json:"local"`
	// UUID names the device's salt in storage.
	UUID      string    `json:"uuid"`
	CreatedAt time.Time `json:"created_at"`
}

func (e *TableEntry) clone() *TableEntry {
	c := *e
	c.Options = maps.Clone(e.Options)
	if c.Options == nil {
		c.Options = map[string]string{}
	}
	return &c
}

func saltKey(uuid string) string { return saltPrefix + uuid + "/salt" }

// NormalizePath trims spaces and slashes and adds the trailing slash.
func NormalizePath(p string) string {
	p = strings.Trim(strings.TrimSpace(p), "/")
	if p == "" {
		return ""
	}
	return p + "/"
}

type tableFile struct {
	Entries []*TableEntry `json:"entries"`
}

func readTable(ctx context.Context, st storage.Backend) ([]*TableEntry, error) {
	raw, err := st.Get(ctx, tableKey)
	if err != nil {
		return nil, fmt.Errorf("audit: read table: %w", err)
	}
	if raw == nil {
		return nil, nil
	}
	var t tableFile
	if err := json.Unmarshal(raw.Value, &t); err != nil {
		return nil, fmt.Errorf("audit: decode table: %w", err)
	}
	return t.Entries, nil
}

func writeTable(ctx context.Context, st storage.Backend, entries []*TableEntry) error {
	if entries == nil {
		entries = []*TableEntry{}
	}
	buf, err := json.Marshal(tableFile{Entries: entries})
	if err != nil {
		return fmt.Errorf("audit: encode table: %w", err)
	}
	if err := st.Put(ctx, &storage.Entry{Key: tableKey, Value: buf}); err != nil {
		return fmt.Errorf("audit: write table: %w", err)
	}
	return nil
}
