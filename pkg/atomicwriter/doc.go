// Package atomicwriter publishes a set of files into a directory so that a
// reader never sees half of an update: every update is written into a new
// hidden directory, then one rename swaps the "..data" symlink to it.
//
// Layout of a directory managed by a Writer:
//
//	dir/..2025_01_31_12_00_00.123456789.abcd/   the current payload (hidden)
//	dir/..data -> ..2025_01_31_12_00_00.123456789.abcd
//	dir/..version -> ..data/..version            generation counter
//	dir/<name> -> ..data/<name>                  one symlink per top-level entry
//
// A reader that opens dir/..data once and reads relative to it sees one
// payload; a reader going through the top-level symlinks sees every file
// whole (never partly written) and can compare ..version before and after
// reading to know that all the files it read belong to one generation.
//
// The ..version file holds a decimal generation number and a newline. It
// starts at 1 with the first payload and grows by one with every Write whose
// payload differs from the one on disk (paths, modes or contents); a Write
// of an identical payload changes nothing, not even timestamps. The number
// lives in the directory, so it restarts at 1 in a fresh directory.
//
// Paths in a payload are relative, slash-separated and clean; no element may
// be ".." or start with "..", so a payload can never name the writer's own
// entries or escape the directory.
//
// Nothing is fsynced: the directory is meant for tmpfs, and on a disk a
// payload damaged by a crash differs from the next one written, which the
// next Write then replaces whole.
//
// A Writer serialises its own Writes; two Writers (or processes) must not
// manage the same directory. Readers need no coordination.
package atomicwriter
