// Package cli is the `cofre` command-line client: every subcommand except
// server, provider and csi. It speaks the Vault HTTP API through the
// official Vault API client and follows the Vault CLI's conventions:
//
//   - single-dash flags (-format=json, -address=...), given before the
//     positional arguments or after them ("--" ends flag parsing);
//   - the server address from -address, COFRE_ADDR, VAULT_ADDR, else
//     https://127.0.0.1:8200; the token from COFRE_TOKEN, VAULT_TOKEN, else
//     the token file $HOME/.cofre-token that `cofre login` writes (0600);
//   - -format=table|json (or COFRE_FORMAT/VAULT_FORMAT) and -field=NAME;
//   - exit code 0 on success, 1 on an error from the server or a local
//     failure, 2 on a usage error (and, as Vault does, for `status` on a
//     sealed server and for reads of a path that holds nothing).
//
// JSON output is the response envelope as the server sent it, indented,
// except where Vault's CLI prints something else that scripts rely on:
// `list` prints the array of keys, `operator init` its unseal_keys_b64 /
// root_token object, and the listing commands (secrets list, auth list)
// the data map.
//
// Apart from the files its arguments and flags name (k=@file, policy files,
// CA certificates) and the token file in Env.HomeDir, everything the
// package touches comes in through Env, and it keeps no package state, so
// Run is safe to call from several goroutines with different Envs. Secrets
// (tokens, unseal keys, written values) never appear in error messages;
// prompted secrets are not echoed when standard input is a Linux terminal.
package cli
