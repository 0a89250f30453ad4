// Package providertest gives the provider's tests a real Cofre server and
// what it needs to log pods in, all in process. Only tests import it.
//
//   - Server: a whole server (core, barrier over memory, HTTP API on a
//     loopback port) with every engine and auth method `cofre server` has,
//     plus the lease test engine (leasetest) for leases whose TTLs the test
//     sets; KV v2 at secret/. Its clock is a Clock the test moves, and its
//     HTTP handler counts requests by method and path.
//   - Kube: a TLS stand-in for kube-apiserver answering TokenReviews for
//     the tokens it minted (pod-bound or not), as the real one does. It
//     refuses pod list/watch, so the kubernetes auth method's pod watcher
//     never syncs and never revokes anything behind the test's back.
//
// e2e/provider runs the same flows against a real kube-apiserver.
package providertest
