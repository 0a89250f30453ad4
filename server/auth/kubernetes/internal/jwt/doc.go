// Package jwt splits and decodes compact JWTs without trusting them, checks
// their time claims, and verifies their signatures against PEM public keys.
// It serves the Kubernetes auth method's early checks of ServiceAccount
// tokens; the API server's TokenReview stays the authority on who a token
// belongs to.
//
// Everything here is a pure function of its inputs, safe for concurrent
// use. Errors never quote the token.
package jwt
