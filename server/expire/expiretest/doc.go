// Package expiretest provides a fake clock for deterministic tests of code
// built on package expire. Only tests import it.
package expiretest
