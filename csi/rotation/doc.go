// Package rotation decides when a mounted volume is refreshed and runs the
// refreshes when they are due.
//
// Policy is pure arithmetic: after a successful refresh the next one is due
// after the rotation interval, or earlier when the provider hinted a time
// (Cofre's provider hints when a lease must be renewed or a certificate
// re-issued); after a failure it is retried with exponential backoff,
// never later than the interval. Scheduler is a timer heap over opaque keys
// (target paths) that calls a function for each key when it is due, at
// most Workers at once and never twice at once for one key.
//
// The Scheduler owns one goroutine (Run) and the short-lived callback
// goroutines it starts, all ended and waited for when Run's context ends.
// Its methods are safe for concurrent use. Time comes from a Clock, so
// tests drive it with rotationtest.FakeClock.
package rotation
