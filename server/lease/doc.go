// Package lease is the expiration manager: every secret a backend hands out
// with a TTL gets a lease, which is renewed, revoked or expired here.
//
// A lease is identified by "<mount path><request path>/<random>" (for
// example "database/creds/app/Xq3...") and persisted through the caller's
// storage view (the core gives it "sys/expire/" of the barrier):
//
//	id/<lease id>                     the Entry (JSON)
//	token/<token hash>/<b64(id)>      index: the leases a token's revocation revokes
//	irrevocable/<b64(id)>             index: leases whose revocation keeps failing
//	expire/...                        the expire.Scheduler's index (due times)
//
// The id/ tree doubles as the prefix index used by revoke-prefix, revoke-force
// and listing.
//
// Contract with backends: a backend that issued a Secret is called with
// logical.RenewOperation or logical.RevokeOperation on the request path that
// produced it, with req.Secret holding the lease (LeaseID, IssueTime,
// Renewable, InternalData) and req.Data the original request's data. Both
// come back from storage, so values are JSON types (string, bool,
// json.Number, []any, map[string]any). On renewal req.Secret.TTL is the TTL
// the manager proposes (the increment asked for, or the lease's TTL at
// issue, capped by what is left of its max TTL) and req.Secret.MaxTTL the
// max TTL counted from IssueTime; a backend may answer with a Secret whose
// TTL is shorter, whose Renewable is false, or whose InternalData replaces
// the stored one. A lease is deleted only after the backend's revoke
// succeeded (or by RevokeForce).
//
// Expiry and retries ride on an expire.Scheduler: every lease fires at its
// expire time, also after a restart (the scheduler reloads lazily and
// spreads overdue items). A failed revocation is kept and retried with
// capped exponential backoff, forever; after Config.IrrevocableAfter
// failures it is listed as irrevocable, with its last error, until it
// succeeds or is force-revoked. Queueing a revocation ("lazy" revocation:
// revoke-prefix beyond Config.SyncRevokeLimit, a token's leases past the
// limit, sync=false) sets the lease's expire time to now, so the intent
// survives a restart.
//
// A Manager is safe for concurrent use. Operations on one lease are
// serialised by a per-lease lock, held while the backend is called. The TTL
// arithmetic (IssueTTL, RenewTTL) and id validation are pure functions.
package lease
