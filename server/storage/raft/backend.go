package raft

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	"go.etcd.io/bbolt"

	"github.com/cofre-io/cofre/server/storage"
)

// ErrStateMismatch is returned by New when the state machine records entries
// the Raft log and snapshots do not have (for example raft.db was deleted
// but fsm.db kept). Starting anyway would silently drop new writes.
var ErrStateMismatch = errors.New("raft log and state machine disagree")

var (
	_ storage.Backend       = (*Backend)(nil)
	_ storage.Transactional = (*Backend)(nil)
	_ storage.Closer        = (*Backend)(nil)
)

const (
	logFile      = "raft.db"
	fsmFile      = "fsm.db"
	logCacheSize = 512
	maxPool      = 3
	netTimeout   = 10 * time.Second
)

// Backend is the integrated Raft storage backend. Writes go through the Raft
// log and return once committed and applied; reads are served from the local
// state machine. It implements storage.Backend, storage.Transactional and
// storage.Closer, and is safe for concurrent use.
type Backend struct {
	cfg    Config
	logger *slog.Logger
	nodeID string

	fsm       *fsm
	logStore  *raftboltdb.BoltStore
	transport *raft.NetworkTransport
	raft      *raft.Raft

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// New opens (creating if needed) the data directory cfg.Path, bootstraps a
// single-node cluster when there is no Raft state yet, starts Raft and waits
// until this node is the leader and has applied every committed entry. ctx
// bounds that wait; on any error everything opened is closed again.
func New(ctx context.Context, cfg Config) (*Backend, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Path, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	id, err := loadNodeID(cfg.Path, cfg.NodeID)
	if err != nil {
		return nil, err
	}
	b := &Backend{cfg: cfg, logger: cfg.Logger.With("component", "storage.raft"), nodeID: id}
	if err := b.start(ctx); err != nil {
		if cerr := b.Close(); cerr != nil {
			b.logger.Warn("cleanup after failed start", "error", cerr)
		}
		return nil, err
	}
	return b, nil
}

// start opens the stores and Raft, then waits for leadership.
func (b *Backend) start(ctx context.Context) error {
	hl := newHCLogger(b.logger, "raft")
	var err error
	if b.fsm, err = openFSM(filepath.Join(b.cfg.Path, fsmFile), b.logger); err != nil {
		return err
	}
	b.logStore, err = raftboltdb.New(raftboltdb.Options{
		Path:        filepath.Join(b.cfg.Path, logFile),
		BoltOptions: &bbolt.Options{Timeout: lockTimeout, NoFreelistSync: true},
	})
	if err != nil {
		return fmt.Errorf("open raft log: %w", err)
	}
	logs, err := raft.NewLogCache(logCacheSize, b.logStore)
	if err != nil {
		return fmt.Errorf("log cache: %w", err)
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(b.cfg.Path, b.cfg.SnapshotRetain, hl.Named("snapshot"))
	if err != nil {
		return fmt.Errorf("snapshot store: %w", err)
	}
	var advertise net.Addr
	if b.cfg.AdvertiseAddr != "" {
		if advertise, err = net.ResolveTCPAddr("tcp", b.cfg.AdvertiseAddr); err != nil {
			return fmt.Errorf("%w: AdvertiseAddr: %w", ErrInvalidConfig, err)
		}
	}
	b.transport, err = raft.NewTCPTransportWithLogger(b.cfg.ClusterAddr, advertise, maxPool, netTimeout, hl.Named("transport"))
	if err != nil {
		return fmt.Errorf("cluster transport on %s: %w", b.cfg.ClusterAddr, err)
	}

	restore, err := b.needRestoreOnStart(snaps)
	if err != nil {
		return err
	}
	rc := b.raftConfig(hl)
	rc.NoSnapshotRestoreOnStart = !restore

	existing, err := raft.HasExistingState(logs, b.logStore, snaps)
	if err != nil {
		return fmt.Errorf("inspect raft state: %w", err)
	}
	if !existing {
		boot := raft.Configuration{Servers: []raft.Server{{
			Suffrage: raft.Voter, ID: raft.ServerID(b.nodeID), Address: b.transport.LocalAddr(),
		}}}
		if err := raft.BootstrapCluster(rc, logs, b.logStore, snaps, b.transport, boot); err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
		b.logger.Info("bootstrapped single-node cluster", "node_id", b.nodeID)
	}
	if b.raft, err = raft.NewRaft(rc, b.fsm, logs, b.logStore, snaps, b.transport); err != nil {
		return fmt.Errorf("start raft: %w", err)
	}
	return b.waitReady(ctx)
}

// raftConfig maps Config onto hashicorp/raft's configuration.
func (b *Backend) raftConfig(hl *hclogAdapter) *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(b.nodeID)
	rc.Logger = hl
	rc.HeartbeatTimeout = b.cfg.HeartbeatTimeout
	rc.ElectionTimeout = b.cfg.ElectionTimeout
	rc.LeaderLeaseTimeout = b.cfg.LeaderLeaseTimeout
	rc.MaxAppendEntries = b.cfg.MaxAppendEntries
	rc.SnapshotThreshold = b.cfg.SnapshotThreshold
	rc.SnapshotInterval = b.cfg.SnapshotInterval
	rc.TrailingLogs = b.cfg.TrailingLogs
	rc.NoLegacyTelemetry = true
	return rc
}

// needRestoreOnStart reports whether Raft must load the newest snapshot into
// the state machine at startup: only when the state file is behind it (for
// example it was lost). Normally the state file is at least as new, and
// loading the snapshot would only rewrite it. It also refuses a state file
// that is ahead of everything Raft has.
func (b *Backend) needRestoreOnStart(snaps raft.SnapshotStore) (bool, error) {
	fsmIndex, _ := b.fsm.applied()
	var snapIndex uint64
	metas, err := snaps.List()
	if err != nil {
		return false, fmt.Errorf("list snapshots: %w", err)
	}
	if len(metas) > 0 {
		snapIndex = metas[0].Index // newest first
	}
	lastLog, err := b.logStore.LastIndex()
	if err != nil {
		return false, fmt.Errorf("read raft log: %w", err)
	}
	if fsmIndex > max(lastLog, snapIndex) {
		return false, fmt.Errorf("%w: state at index %d, log ends at %d, snapshot at %d",
			ErrStateMismatch, fsmIndex, lastLog, snapIndex)
	}
	return snapIndex > fsmIndex, nil
}

// waitReady waits until this node leads and has applied every earlier entry
// (a barrier), so reads after New see all committed writes.
func (b *Backend) waitReady(ctx context.Context) error {
	start := time.Now()
	leaderCh := b.raft.LeaderCh()
	for b.raft.State() != raft.Leader {
		select {
		case <-leaderCh:
		case <-ctx.Done():
			return fmt.Errorf("waiting for leadership: %w", ctx.Err())
		}
	}
	if err := b.raft.Barrier(timeoutFrom(ctx, b.cfg.ApplyTimeout)).Error(); err != nil {
		return fmt.Errorf("waiting for log replay: %w", err)
	}
	index, _ := b.fsm.applied()
	b.logger.Info("raft storage ready", "node_id", b.nodeID, "applied_index", index,
		"elapsed", time.Since(start))
	return nil
}

// timeoutFrom returns the time left before ctx's deadline, or def when ctx
// has none or def is sooner.
func timeoutFrom(ctx context.Context, def time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < def {
			return max(left, time.Millisecond)
		}
	}
	return def
}

// Close shuts Raft down and closes the log store and the state file. It is
// idempotent; operations after Close return storage.ErrClosed.
func (b *Backend) Close() error {
	b.closeOnce.Do(func() {
		b.closed.Store(true)
		var errs []error
		if b.raft != nil {
			errs = append(errs, b.raft.Shutdown().Error()) // also closes the transport
		} else if b.transport != nil {
			errs = append(errs, b.transport.Close())
		}
		if b.logStore != nil {
			errs = append(errs, b.logStore.Close())
		}
		if b.fsm != nil {
			errs = append(errs, b.fsm.close())
		}
		b.closeErr = errors.Join(errs...)
	})
	return b.closeErr
}

// IsLeader reports whether this node is the Raft leader, the only node that
// accepts writes.
func (b *Backend) IsLeader() bool {
	return !b.closed.Load() && b.raft.State() == raft.Leader
}

// LeaderAddr returns the cluster address of the current leader, or "" when
// none is known.
func (b *Backend) LeaderAddr() string {
	addr, _ := b.raft.LeaderWithID()
	return string(addr)
}

// NodeID returns this node's Raft server ID.
func (b *Backend) NodeID() string { return b.nodeID }

// Stats returns hashicorp/raft's statistics plus the state machine's applied
// index and term. Keys and values are informational, not a stable API.
func (b *Backend) Stats() map[string]string {
	s := b.raft.Stats()
	index, term := b.fsm.applied()
	s["fsm_applied_index"] = strconv.FormatUint(index, 10)
	s["fsm_applied_term"] = strconv.FormatUint(term, 10)
	s["node_id"] = b.nodeID
	return s
}
