// Package raft is Cofre's integrated storage: a storage.Backend replicated
// with hashicorp/raft, the default persistent backend.
//
// # Layout
//
// The data directory (Config.Path, mode 0700) holds raft.db, the Raft log and
// stable store (raft-boltdb, fsync on every append); fsm.db, the state
// machine, a bbolt file with one key/value bucket; snapshots/, Raft's file
// snapshot store; and node-id, the node's Raft server ID.
//
// # Writes and reads
//
// Put, Delete and Transaction encode their operations into one compact
// binary command (see command.go), propose it with raft.Apply and return
// only after Raft has committed it (log fsynced) and the state machine has
// applied it (bbolt transaction fsynced). An acknowledged write therefore
// survives a crash. Concurrent writers share fsyncs: Raft appends up to
// Config.MaxAppendEntries queued entries at once and the state machine
// (a raft.BatchingFSM) applies each batch in one bbolt transaction.
// Writes on a node that is not the leader fail with storage.ErrReadOnly.
// Reads are served from the local bbolt file without going through Raft.
//
// # Invariants
//
// The state machine stores the index and term of the last applied entry in
// the same bbolt transaction as the data, so the state file is always a
// consistent prefix of the log. After a restart Raft replays committed
// entries from its last snapshot; entries at or below the stored index are
// skipped, never applied twice. Raft's restore-from-snapshot at startup is
// skipped unless the state file is behind the newest snapshot. If the
// state machine cannot persist an entry it stops accepting writes
// (ErrFSMFailed) so it never records an index past a lost entry.
//
// Snapshots are a consistent copy of the bbolt file taken inside a read
// transaction; Restore writes the copy beside the live file, checks it and
// renames it into place.
//
// # Election timing
//
// hashicorp/raft's defaults (1 s heartbeat and election timeouts) make a
// node wait 1-2 s after start before electing itself, even when it is the
// only voter. The defaults here (50 ms heartbeat, election and leader lease
// timeouts) let a single node lead 50-100 ms after Raft starts, on first
// start and on restart (New returned in 70-110 ms in tests; a restart with
// ~13k log entries since the last snapshot took about 250 ms, most of it
// Raft re-reading the log, which the snapshot settings bound). The cost applies only with several nodes: a leader
// steps down, and followers start elections, after 50 ms without contact,
// so a GC pause, a slow disk or network jitter causes spurious elections.
// Multi-node clusters should set HeartbeatTimeout and ElectionTimeout near
// 1 s and LeaderLeaseTimeout near 500 ms in Config.
//
// # Concurrency
//
// All Backend methods are safe for concurrent use. Raft's goroutines are
// owned by the Backend and stopped by Close.
package raft
