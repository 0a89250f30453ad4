// Package audit records every request and response of the server on audit
// devices (a file, syslog, a TCP/UDP/unix socket), one JSON line per entry,
// with sensitive strings replaced by their HMAC-SHA256 under a salt that
// lives behind the barrier.
//
// Three layers:
//   - a Formatter turns an Input (the request, the caller's token, the
//     response or error) into a line for one device: its salt, its options
//     (prefix, log_raw, hmac_accessor, elide_list_responses);
//   - the Broker fans a line out to every enabled device concurrently and
//     fails closed: with at least one device enabled, LogRequest and
//     LogResponse return an error unless one device recorded the entry. A
//     device that blocks is given up on after the broker's timeout; nothing
//     is latched, so service resumes as soon as a device writes again;
//   - the Manager keeps the audit table (core/audit) and the per-device
//     salts (audit/<uuid>/salt) in the barrier, builds devices with their
//     factories, and registers them with the Broker on Load (unseal).
//
// Every exported type is safe for concurrent use unless its doc says
// otherwise. The Broker owns the goroutines it starts for device writes and
// waits for them in Close.
package audit
