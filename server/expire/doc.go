// Package expire schedules opaque items to expire at a given time and calls
// a callback when they do, surviving restarts.
//
// Every scheduled item is persisted as one index entry in the Storage it is
// given (a view the caller owns), so a new Scheduler started over the same
// storage restores every timer. Items are ids (opaque strings) with a due
// time; the Scheduler never interprets them. The token store uses it for
// token expiry; the lease manager uses it for secret leases.
//
// Guarantees:
//   - OnExpire is called at or after an item's due time, at least once, until
//     it returns nil; a failing item is kept and retried with exponential
//     backoff (never forgotten). OnExpire may be called again for an id after
//     a restart (when removing its index entry failed or the process died
//     first), so it must be idempotent.
//   - Schedule on an existing id replaces its due time; Cancel forgets it.
//   - At most Config.Workers callbacks run at once; items already overdue when
//     Start loads them are spread out (Config.OverdueInterval apart) so a
//     backlog does not arrive all at once.
//
// A Scheduler owns one goroutine (started by Start, ended by Stop) plus at
// most Workers short-lived callback goroutines, all waited for by Stop. All
// methods are safe for concurrent use.
package expire
