// Package glob matches names against patterns whose only wildcard is '*'
// (any run of characters), as the Kubernetes auth method's role bindings
// use them ("*", "app-*", "*-prod"). Pure functions, safe for concurrent use.
package glob
