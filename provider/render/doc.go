// Package render turns a secret read from the server into the files of
// one object of a SecretProviderClass: one key (decoded as the object's
// encoding says), every key as a file of a directory, or a Go text/template
// over the secret's data. KV v2 answers are unwrapped to their data.data.
//
// Render is pure: it does no I/O and keeps no state, so it is safe for
// concurrent use. Errors wrap ErrNotFound (a key the object names is
// missing) or ErrRender (anything else) and never quote secret values.
package render
