package raft

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"
)

// ErrInvalidConfig is returned by New for a Config that fails validation.
var ErrInvalidConfig = errors.New("invalid raft storage config")

// Default values filled in by Config.validate. The timeouts are tuned so a
// single node elects itself quickly; see the package documentation for the
// trade-off and for the values a multi-node cluster should use instead.
const (
	DefaultClusterAddr        = "127.0.0.1:8201"
	DefaultApplyTimeout       = 10 * time.Second
	DefaultHeartbeatTimeout   = 50 * time.Millisecond
	DefaultElectionTimeout    = 50 * time.Millisecond
	DefaultLeaderLeaseTimeout = 50 * time.Millisecond
	DefaultMaxAppendEntries   = 256
	DefaultSnapshotThreshold  = 8192
	DefaultSnapshotInterval   = 2 * time.Minute
	DefaultTrailingLogs       = 10240
	DefaultSnapshotRetain     = 2
	DefaultMaxEntrySize       = 1 << 20
)

// Config configures a Raft storage node. Zero fields take the defaults above;
// New calls validate, so callers only set what they mean.
type Config struct {
	// Path is the data directory, created with mode 0700 if missing. It holds
	// raft.db (log and stable store), fsm.db (the key/value state),
	// snapshots/ and node-id. Required.
	Path string

	// NodeID names this node in the Raft configuration. Empty means: reuse
	// the ID recorded in Path/node-id, or generate and record a random one.
	// A non-empty NodeID that differs from the recorded one is an error.
	NodeID string

	// ClusterAddr is the TCP address the Raft transport binds
	// (default DefaultClusterAddr; "127.0.0.1:0" picks a free port).
	ClusterAddr string

	// AdvertiseAddr is the address other nodes use to reach this one. Empty
	// means the bound address, which must then not be unspecified (0.0.0.0).
	AdvertiseAddr string

	// Logger receives the backend's and hashicorp/raft's logs. Nil discards.
	Logger *slog.Logger

	// ApplyTimeout bounds how long a write waits to be handed to Raft (it
	// does not bound the commit itself, which Raft resolves on commit,
	// leadership loss or shutdown). A context deadline, if sooner, wins.
	ApplyTimeout time.Duration

	// Raft timing. Defaults suit a single node; see the package doc.
	HeartbeatTimeout   time.Duration
	ElectionTimeout    time.Duration
	LeaderLeaseTimeout time.Duration

	// MaxAppendEntries is the most log entries Raft writes (and the FSM
	// applies) in one batch; concurrent writers share one fsync per batch.
	// At most 1024.
	MaxAppendEntries int

	// Log compaction: a snapshot is taken every SnapshotInterval once
	// SnapshotThreshold entries have accumulated, keeping TrailingLogs
	// entries and SnapshotRetain snapshots.
	SnapshotThreshold uint64
	SnapshotInterval  time.Duration
	TrailingLogs      uint64
	SnapshotRetain    int

	// MaxEntrySize caps the encoded size of one write or transaction
	// (default 1 MiB); larger ones fail with ErrEntryTooLarge.
	MaxEntrySize int
}

// validate fills defaults and rejects bad values. It does not touch the disk.
func (c *Config) validate() error {
	if c.Path == "" {
		return fmt.Errorf("%w: Path is required", ErrInvalidConfig)
	}
	if c.ClusterAddr == "" {
		c.ClusterAddr = DefaultClusterAddr
	}
	if _, _, err := net.SplitHostPort(c.ClusterAddr); err != nil {
		return fmt.Errorf("%w: ClusterAddr %q: %w", ErrInvalidConfig, c.ClusterAddr, err)
	}
	if c.AdvertiseAddr != "" {
		if _, _, err := net.SplitHostPort(c.AdvertiseAddr); err != nil {
			return fmt.Errorf("%w: AdvertiseAddr %q: %w", ErrInvalidConfig, c.AdvertiseAddr, err)
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"ApplyTimeout", &c.ApplyTimeout, DefaultApplyTimeout},
		{"HeartbeatTimeout", &c.HeartbeatTimeout, DefaultHeartbeatTimeout},
		{"ElectionTimeout", &c.ElectionTimeout, DefaultElectionTimeout},
		{"LeaderLeaseTimeout", &c.LeaderLeaseTimeout, DefaultLeaderLeaseTimeout},
		{"SnapshotInterval", &c.SnapshotInterval, DefaultSnapshotInterval},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return fmt.Errorf("%w: %s is negative", ErrInvalidConfig, d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
		if *d.v < 5*time.Millisecond {
			return fmt.Errorf("%w: %s below 5ms", ErrInvalidConfig, d.name)
		}
	}
	if c.LeaderLeaseTimeout > c.HeartbeatTimeout {
		return fmt.Errorf("%w: LeaderLeaseTimeout exceeds HeartbeatTimeout", ErrInvalidConfig)
	}
	if c.ElectionTimeout < c.HeartbeatTimeout {
		return fmt.Errorf("%w: ElectionTimeout below HeartbeatTimeout", ErrInvalidConfig)
	}
	if c.MaxAppendEntries == 0 {
		c.MaxAppendEntries = DefaultMaxAppendEntries
	}
	if c.MaxAppendEntries < 0 || c.MaxAppendEntries > 1024 {
		return fmt.Errorf("%w: MaxAppendEntries must be in 1..1024", ErrInvalidConfig)
	}
	if c.SnapshotThreshold == 0 {
		c.SnapshotThreshold = DefaultSnapshotThreshold
	}
	if c.TrailingLogs == 0 {
		c.TrailingLogs = DefaultTrailingLogs
	}
	if c.SnapshotRetain == 0 {
		c.SnapshotRetain = DefaultSnapshotRetain
	}
	if c.SnapshotRetain < 1 {
		return fmt.Errorf("%w: SnapshotRetain must be positive", ErrInvalidConfig)
	}
	if c.MaxEntrySize == 0 {
		c.MaxEntrySize = DefaultMaxEntrySize
	}
	if c.MaxEntrySize < 1024 {
		return fmt.Errorf("%w: MaxEntrySize below 1 KiB", ErrInvalidConfig)
	}
	return nil
}
