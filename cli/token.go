package cli

import (
	"context"
	"strconv"
)

func tokenCommands(t map[string]command) {
	t["token create"] = command{"Create a token", cmdTokenCreate}
	t["token lookup"] = command{"Show a token's properties", cmdTokenLookup}
	t["token renew"] = command{"Extend a token's lease", cmdTokenRenew}
	t["token revoke"] = command{"Revoke a token and its children", cmdTokenRevoke}
}

func cmdTokenCreate(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Creates a token, a child of the calling token unless -orphan.")
	var policies listFlag
	var ttl, explicitMax, period ttlFlag
	var renewable optBool
	meta := mapFlag{}
	fs.Var(&policies, "policy", "policy to attach (repeatable, or comma-separated)")
	fs.Var(&ttl, "ttl", "initial TTL")
	fs.Var(&explicitMax, "explicit-max-ttl", "hard limit the token can never be renewed past")
	fs.Var(&period, "period", "make a periodic token renewable by this period forever")
	fs.Var(&renewable, "renewable", "whether the token can be renewed (default true)")
	fs.Var(meta, "metadata", "metadata key=value (repeatable)")
	orphan := fs.Bool("orphan", false, "create a token with no parent")
	noDefault := fs.Bool("no-default-policy", false, "do not attach the default policy")
	useLimit := fs.Int("use-limit", 0, "number of uses before the token is revoked (0: unlimited)")
	displayName := fs.String("display-name", "", "name shown in audit logs and token lookups")
	typ := fs.String("type", "", `"service" or "batch" (default: service, or the role's)`)
	role := fs.String("role", "", "create the token against this token role")
	id := fs.String("id", "", "the token's value (root only; default generated)")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	body := map[string]any{}
	if len(policies) > 0 {
		body["policies"] = []string(policies)
	}
	if ttl.set {
		body["ttl"] = ttl.api()
	}
	if explicitMax.set {
		body["explicit_max_ttl"] = explicitMax.api()
	}
	if period.set {
		body["period"] = period.api()
	}
	if renewable.set {
		body["renewable"] = renewable.v
	}
	if len(meta) > 0 {
		body["meta"] = map[string]string(meta)
	}
	if *orphan {
		body["no_parent"] = true
	}
	if *noDefault {
		body["no_default_policy"] = true
	}
	if *useLimit > 0 {
		body["num_uses"] = *useLimit
	}
	if *displayName != "" {
		body["display_name"] = *displayName
	}
	if *typ != "" {
		body["type"] = *typ
	}
	if *id != "" {
		body["id"] = *id
	}
	path := "auth/token/create"
	if *role != "" {
		path += "/" + *role
	}
	rep, err := r.send(ctx, c, request{method: "POST", path: path, body: body})
	if err != nil {
		return r.fail("Error creating token: %s", apiError(err))
	}
	return r.printSecret(rep)
}

func cmdTokenLookup(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("[TOKEN]", "Shows a token's properties: the calling token's without TOKEN.")
	accessor := fs.Bool("accessor", false, "TOKEN is an accessor")
	pos, c, code, ok := r.start(fs, args, 0, 1)
	if !ok {
		return code
	}
	req := request{method: "GET", path: "auth/token/lookup-self"}
	switch {
	case *accessor && len(pos) == 1:
		req = request{method: "POST", path: "auth/token/lookup-accessor", body: map[string]any{"accessor": pos[0]}}
	case *accessor:
		return r.usage("-accessor needs an accessor argument.")
	case len(pos) == 1:
		req = request{method: "POST", path: "auth/token/lookup", body: map[string]any{"token": pos[0]}}
	}
	rep, err := r.send(ctx, c, req)
	if err != nil {
		return r.fail("Error looking up token: %s", apiError(err))
	}
	return r.printSecret(rep)
}

func cmdTokenRenew(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("[TOKEN]", "Renews a token's lease: the calling token's without TOKEN.")
	accessor := fs.Bool("accessor", false, "TOKEN is an accessor")
	var increment ttlFlag
	fs.Var(&increment, "increment", "requested lease extension (default: the token's TTL)")
	fs.Var(&increment, "i", "alias of -increment")
	pos, c, code, ok := r.start(fs, args, 0, 1)
	if !ok {
		return code
	}
	body := map[string]any{}
	if increment.set {
		body["increment"] = increment.api()
	}
	path := "auth/token/renew-self"
	switch {
	case *accessor && len(pos) == 1:
		path, body["accessor"] = "auth/token/renew-accessor", pos[0]
	case *accessor:
		return r.usage("-accessor needs an accessor argument.")
	case len(pos) == 1:
		path, body["token"] = "auth/token/renew", pos[0]
	}
	rep, err := r.send(ctx, c, request{method: "POST", path: path, body: body})
	if err != nil {
		return r.fail("Error renewing token: %s", apiError(err))
	}
	return r.printSecret(rep)
}

func cmdTokenRevoke(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("[TOKEN]", "Revokes a token and, unless -mode=orphan, all its children.")
	accessor := fs.Bool("accessor", false, "TOKEN is an accessor")
	self := fs.Bool("self", false, "revoke the calling token")
	mode := fs.String("mode", "", `"orphan" to keep the token's children (as orphans)`)
	pos, c, code, ok := r.start(fs, args, 0, 1)
	if !ok {
		return code
	}
	var req request
	switch {
	case *self:
		if len(pos) > 0 || *accessor {
			return r.usage("-self takes no token and no -accessor.")
		}
		req = request{method: "POST", path: "auth/token/revoke-self"}
	case len(pos) == 0:
		return r.usage("Missing token (or use -self).")
	case *accessor:
		req = request{method: "POST", path: "auth/token/revoke-accessor", body: map[string]any{"accessor": pos[0]}}
	case *mode == "orphan":
		req = request{method: "POST", path: "auth/token/revoke-orphan", body: map[string]any{"token": pos[0]}}
	case *mode == "":
		req = request{method: "POST", path: "auth/token/revoke", body: map[string]any{"token": pos[0]}}
	default:
		return r.usage("Invalid -mode %s: use \"orphan\" or leave it out.", strconv.Quote(*mode))
	}
	if _, err := r.send(ctx, c, req); err != nil {
		return r.fail("Error revoking token: %s", apiError(err))
	}
	r.out("Success! Revoked token (if it existed)\n")
	return ExitOK
}
