// Package httpapi is the Vault-compatible HTTP API: it turns /v1/ requests
// into logical requests for the core and logical responses into Vault's JSON
// envelope, with Vault's status codes and {"errors": [...]} bodies.
//
// The endpoints that work while sealed or change the seal state (init,
// unseal, seal-status, seal, health, leader, rekey, generate-root) are
// served here directly; everything else goes through Core.HandleRequest.
// Status codes are chosen only here, from the logical package's sentinels.
package httpapi
