// Package framework turns a backend's table of paths into a logical.Backend:
// it matches the request path against each Path's regular expression, turns
// the request body and path captures into typed field values, and calls the
// operation's handler.
//
// A Backend is immutable after construction and safe for concurrent use; the
// handlers it calls must guard their own state.
package framework
