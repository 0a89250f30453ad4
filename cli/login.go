package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/vault/api"
)

func loginCommands(t map[string]command) {
	t["login"] = command{"Authenticate and keep the token in the token file", cmdLogin}
}

func cmdLogin(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("[TOKEN | K=V...]", `Authenticates to the server and stores the token in $HOME/`+TokenFile+` (mode
0600), where later commands find it.

  cofre login [TOKEN]                          (token method; prompts if TOKEN is omitted)
  cofre login -method=userpass username=NAME [password=PW]
  cofre login -method=approle role_id=ID secret_id=SECRET
  cofre login -method=NAME [-path=P] K=V...    (any method: POST auth/P/login with K=V)`)
	method := fs.String("method", "token", "auth method: token, userpass, ldap, approle or any other method name")
	path := fs.String("path", "", "mount path of the auth method (default: the method's name)")
	noStore := fs.Bool("no-store", false, "do not store the token in the token file")
	tokenOnly := fs.Bool("token-only", false, "print only the token and do not store it")
	pos, c, code, ok := r.start(fs, args, 0, -1)
	if !ok {
		return code
	}
	if *tokenOnly {
		*noStore = true
	}
	var rep *reply
	var token string
	var err error
	if *method == "token" {
		rep, token, code, ok = r.loginToken(ctx, c, pos)
	} else {
		rep, token, code, ok = r.loginMethod(ctx, c, *method, *path, pos)
	}
	if !ok {
		return code
	}
	if !*noStore {
		if err = r.storeToken(token); err != nil {
			return r.fail("Error storing token: %v", err)
		}
	}
	if *tokenOnly {
		r.out("%s\n", token)
		return ExitOK
	}
	if r.getenv("COFRE_TOKEN", "VAULT_TOKEN") != "" && !*noStore {
		fmt.Fprintln(r.env.Stderr, "WARNING! COFRE_TOKEN or VAULT_TOKEN is set: it takes precedence over the\nstored token. Unset it to use the token you just logged in with.")
	}
	if r.field != "" || r.format == "json" {
		return r.printSecret(rep)
	}
	if *noStore {
		r.out("Success! You are now authenticated. The token below is NOT stored; export it as\nCOFRE_TOKEN or pass it to \"cofre login\" to use it.\n\n")
	} else {
		r.out("Success! You are now authenticated. The token below is stored in the token\nfile; later commands use it automatically.\n\n")
	}
	return r.printSecret(rep)
}

// loginToken checks a token by looking itself up, and presents the lookup
// as an auth response so the table shows token_* rows.
func (r *runner) loginToken(ctx context.Context, c *api.Client, pos []string) (*reply, string, int, bool) {
	if len(pos) > 1 {
		return nil, "", r.usage("Too many arguments: the token method takes one token."), false
	}
	var token string
	var err error
	switch {
	case len(pos) == 1 && pos[0] == "-":
		var b []byte
		b, err = r.readStdin()
		token = strings.TrimSpace(string(b))
	case len(pos) == 1:
		token, _ = strings.CutPrefix(pos[0], "token=")
	default:
		token, err = r.readSecret("Token")
		token = strings.TrimSpace(token)
	}
	if err != nil {
		return nil, "", r.fail("Error reading the token: %v", err), false
	}
	if token == "" {
		return nil, "", r.usage("Missing token."), false
	}
	c.SetToken(token)
	rep, err := r.send(ctx, c, request{method: "GET", path: "auth/token/lookup-self"})
	if err != nil {
		return nil, "", r.fail("Error authenticating: %s", apiError(err)), false
	}
	d := rep.data()
	if rep.secret != nil && rep.secret.Auth == nil {
		rep.secret.Auth = &api.SecretAuth{
			ClientToken:   token,
			Accessor:      str(d["accessor"]),
			Policies:      strList(d["policies"]),
			TokenPolicies: strList(d["policies"]),
			LeaseDuration: int(num(d["ttl"])),
			Renewable:     boolean(d["renewable"]),
			Metadata:      stringMap(d["meta"]),
		}
		rep.secret.Data = nil
	}
	return rep, token, ExitOK, true
}

// loginMethod posts credentials to auth/<path>/login (userpass and ldap:
// auth/<path>/login/<username>).
func (r *runner) loginMethod(ctx context.Context, c *api.Client, method, path string, pos []string) (*reply, string, int, bool) {
	data, err := parseKV(pos, r.kvSources())
	if err != nil {
		return nil, "", r.usage("Failed to parse credentials: %v", err), false
	}
	if path == "" {
		path = method
	}
	loginPath := "auth/" + mountPath(path) + "/login"
	switch method {
	case "userpass", "ldap":
		user := str(data["username"])
		if user == "" {
			return nil, "", r.usage("Missing username=NAME."), false
		}
		delete(data, "username")
		if _, ok := data["password"]; !ok {
			pw, err := r.readSecret("Password")
			if err != nil {
				return nil, "", r.fail("Error reading the password: %v", err), false
			}
			data["password"] = pw
		}
		loginPath += "/" + user
	case "approle":
		if str(data["role_id"]) == "" {
			return nil, "", r.usage("Missing role_id=ID."), false
		}
	}
	c.ClearToken()
	rep, err := r.send(ctx, c, request{method: "PUT", path: loginPath, body: data})
	if err != nil {
		return nil, "", r.fail("Error authenticating: %s", apiError(err)), false
	}
	if rep.secret == nil || rep.secret.Auth == nil || rep.secret.Auth.ClientToken == "" {
		return nil, "", r.fail("Error authenticating: the server returned no token"), false
	}
	return rep, rep.secret.Auth.ClientToken, ExitOK, true
}

// stringMap reads a JSON object of strings.
func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		out[k] = formatValue(e)
	}
	return out
}
