// Package core assembles the server: the barrier over physical storage, the
// key ceremonies, the mount tables and router, the token store and the ACL,
// and runs each request through them.
//
// The request pipeline (HandleRequest): refuse while sealed; route by
// longest mount prefix; resolve the token unless the path is
// unauthenticated; turn a write into create or update with the backend's
// existence check; check the ACL (sudo for root paths); call the backend
// with its own storage view; turn an Auth in the response into a token.
//
// Core holds a read lock for each request and a write lock while sealing or
// unsealing, so a request never sees the barrier change state under it.
package core
