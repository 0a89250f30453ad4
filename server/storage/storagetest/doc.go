// Package storagetest is a conformance suite for storage.Backend
// implementations. A backend's own tests call Run with a constructor that
// returns a fresh, empty backend for each subtest.
//
// The suite checks only what the storage contract states (see package
// storage): not-found results, copy semantics, List compared against
// storage.ChildrenOf, all-or-nothing transactions when the backend implements
// storage.Transactional, and safety under concurrent writers and readers.
// It is meant for tests only and never imported by shipped code.
package storagetest
