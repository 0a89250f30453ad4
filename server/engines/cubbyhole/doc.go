// Package cubbyhole is the per-token private storage engine, mounted once at
// cubbyhole/ by the core.
//
// Every request is scoped to the calling token: the scope is an HMAC-SHA256
// of the token's accessor under a random salt kept in the mount's own
// storage, derived only from the verified req.Caller and never from request
// data. Two tokens therefore never see each other's data, even at the same
// path, and neither token values nor accessors appear in storage keys.
// Batch tokens have no accessor and no cubbyhole; their requests are refused.
//
// Storage layout inside the mount's view:
//
//	salt                  32 random bytes, written on first use
//	data/<scope>/<path>   a value: the JSON object as written
//
// The core uses the exported Put, Get, Take and Destroy methods directly:
// response wrapping stores the wrapped response in the wrapping token's
// cubbyhole, and token revocation destroys the revoked token's scope.
//
// A Backend is safe for concurrent use. Changes within one scope are
// serialised by a striped lock, so exactly one of several concurrent Takes
// of the same value gets it (the server has one active node, so an
// in-process lock is enough). The Backend owns no goroutines.
package cubbyhole
