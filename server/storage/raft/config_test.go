package raft

import (
	"errors"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	c := Config{Path: "/x"}
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	if c.ClusterAddr != DefaultClusterAddr || c.HeartbeatTimeout != DefaultHeartbeatTimeout ||
		c.MaxAppendEntries != DefaultMaxAppendEntries || c.Logger == nil || c.MaxEntrySize != DefaultMaxEntrySize {
		t.Fatalf("defaults not filled: %+v", c)
	}
	bad := map[string]Config{
		"no path":          {},
		"bad addr":         {Path: "/x", ClusterAddr: "nope"},
		"bad advertise":    {Path: "/x", AdvertiseAddr: "nope"},
		"negative":         {Path: "/x", ApplyTimeout: -time.Second},
		"tiny timeout":     {Path: "/x", HeartbeatTimeout: time.Millisecond},
		"lease > hb":       {Path: "/x", HeartbeatTimeout: time.Second, ElectionTimeout: time.Second, LeaderLeaseTimeout: 2 * time.Second},
		"election < hb":    {Path: "/x", HeartbeatTimeout: time.Second, ElectionTimeout: 500 * time.Millisecond},
		"append too large": {Path: "/x", MaxAppendEntries: 2048},
		"append negative":  {Path: "/x", MaxAppendEntries: -1},
		"retain negative":  {Path: "/x", SnapshotRetain: -1},
		"entry too small":  {Path: "/x", MaxEntrySize: 10},
	}
	for name, c := range bad {
		if err := c.validate(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: validate = %v, want ErrInvalidConfig", name, err)
		}
	}
}
