// Package config reads the server's configuration file: HCL (or its JSON
// form, chosen by a ".json" file name), shaped like Vault's server
// configuration.
//
// Parse and ParseFile decode the file, reject anything they do not know
// (unknown attributes, blocks, listener, storage and seal types) and then
// call Validate, which fills defaults and checks the values together. Every
// problem is reported with its file, line and column, in HCL's diagnostic
// form ("config.hcl:3,5-9: Unsupported argument; ..."), through an *Error
// that matches ErrInvalid with errors.Is.
//
// Accepted for compatibility and ignored: the top-level "ui" and
// "disable_mlock" attributes (Cofre serves no web UI and does not lock
// memory).
//
// Values follow Vault's conventions: durations are Go duration strings
// ("90s", "768h"), a number of days ("30d"), or an integer (string or
// number) counting seconds; booleans may be written as true/false or as
// the strings "true", "false", "1", "0".
//
// Secret values (a transit seal token) never appear in error text.
//
// The package has no state; a *Config is a plain value that the caller
// owns. It is not safe to Validate one Config from two goroutines at once.
package config
