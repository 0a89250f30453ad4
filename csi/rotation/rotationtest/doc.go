// Package rotationtest has a fake rotation.Clock for tests.
package rotationtest
