// Package pki is the PKI secrets engine: certificate authorities (roots,
// intermediates held by the mount, imported issuers), roles that say which
// names a requester may get, issuance and signing of certificates,
// revocation and CRLs, served on Vault's paths with Vault's JSON shapes.
//
// Every certificate is built and signed with crypto/x509 from the standard
// library; the engine encodes no ASN.1 itself (it only decodes three
// standard extensions of CSRs with encoding/asn1).
//
// Storage layout inside the mount's view:
//
//	issuer/<id>       an issuer: its certificate, name, key reference,
//	                  usage and leaf_not_after_behavior (JSON)
//	key/<id>          a private key (PKCS #8) with its name (JSON); keys
//	                  leave the mount only in the response of the request
//	                  that generated them with type "exported"
//	config/issuers    the default issuer; config/keys the default key
//	config/urls       AIA and CRL distribution point URLs put into
//	                  certificates issued from then on
//	config/crl        CRL settings
//	role/<name>       a role (JSON)
//	certs/<serial>    an issued certificate (DER), serial in hyphenated hex,
//	                  unless its role says no_store
//	revoked/<serial>  a revocation record (JSON)
//	crls/<issuer-id>  an issuer's last CRL (DER) with its CRL number
//
// Issuers, keys, roles and configuration are cached in memory: the backend
// is the only writer of its view, and the server has one active node. Every
// change to issuers or keys happens under one mutex and replaces an
// immutable snapshot, so issuance never locks. Revocation and CRL building
// are serialised by their own mutexes.
//
// A Backend is safe for concurrent use and starts no goroutines.
package pki
