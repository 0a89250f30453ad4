// Package mounter gives a volume its own file system at the target path:
// Tmpfs mounts a fresh tmpfs (secrets never touch a disk), Dir only makes a
// directory (tests, and local mode where the target is an ordinary
// directory). The driver takes a Mounter as a dependency so that its tests
// run unprivileged with Dir.
//
// Mounters keep no state; their methods may be called concurrently for
// different targets (the driver serialises calls for one target).
package mounter
