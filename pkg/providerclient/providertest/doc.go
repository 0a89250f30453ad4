// Package providertest runs fake Secrets Store CSI providers on real unix
// sockets for tests of code that calls providers. Only tests import it.
package providertest
