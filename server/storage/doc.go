// Package storage defines the physical storage contract that every backend
// (in-memory, integrated Raft) implements and that the barrier sits on.
//
// Backends store opaque bytes under slash-separated keys. They never see
// plaintext: everything above them passes through the barrier first.
// All Backend methods are safe for concurrent use.
package storage
