// Package leasetest provides a secrets engine that issues leased secrets
// and records the renewals and revocations it is asked for, and a harness
// that runs a whole server (core, HTTP API, optionally Raft storage) with
// it mounted. Only tests import it.
package leasetest
