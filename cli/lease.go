package cli

import (
	"context"
	"strings"
)

func leaseCommands(t map[string]command) {
	t["lease lookup"] = command{"Show a lease's properties", cmdLeaseLookup}
	t["lease renew"] = command{"Extend a secret's lease", cmdLeaseRenew}
	t["lease revoke"] = command{"Revoke a lease, or every lease under a prefix", cmdLeaseRevoke}
}

func cmdLeaseLookup(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("ID", "Shows a lease's issue, expire and last renewal times, its TTL and whether it is renewable.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	rep, err := r.send(ctx, c, request{method: "PUT", path: "sys/leases/lookup", body: map[string]any{"lease_id": pos[0]}})
	if err != nil {
		return r.fail("Error looking up lease: %s", apiError(err))
	}
	return r.printSecret(rep)
}

func cmdLeaseRenew(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("ID", "Renews a secret's lease. The server may grant less than asked (never past the lease's max TTL).")
	var increment ttlFlag
	fs.Var(&increment, "increment", "requested TTL from now (default: the TTL the lease was issued with)")
	fs.Var(&increment, "i", "alias of -increment")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	body := map[string]any{"lease_id": pos[0]}
	if increment.set {
		body["increment"] = increment.api()
	}
	rep, err := r.send(ctx, c, request{method: "PUT", path: "sys/leases/renew", body: body})
	if err != nil {
		return r.fail("Error renewing lease: %s", apiError(err))
	}
	return r.printSecret(rep)
}

func cmdLeaseRevoke(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("ID", "Revokes a lease and its secret. -prefix revokes every lease under ID; -force (with -prefix)\n"+
		"deletes the leases even if their secrets engine cannot revoke them, which may leave the secrets valid.")
	prefix := fs.Bool("prefix", false, "treat ID as a prefix of lease ids")
	force := fs.Bool("force", false, "delete the leases without revoking the secrets (needs -prefix)")
	fs.BoolVar(force, "f", false, "alias of -force")
	sync := fs.Bool("sync", false, "wait for the revocation instead of queueing it")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	id := strings.TrimSpace(pos[0])
	if *force && !*prefix {
		return r.usage("-force requires -prefix.")
	}
	var req request
	switch {
	case *force:
		req = request{method: "PUT", path: "sys/leases/revoke-force/" + id}
	case *prefix:
		req = request{method: "PUT", path: "sys/leases/revoke-prefix/" + id, body: map[string]any{"sync": *sync}}
	default:
		req = request{method: "PUT", path: "sys/leases/revoke", body: map[string]any{"lease_id": id, "sync": *sync}}
	}
	if _, err := r.send(ctx, c, req); err != nil {
		return r.fail("Error revoking lease: %s", apiError(err))
	}
	switch {
	case *force:
		r.out("Success! Force revoked any leases with prefix: %s\n", id)
	case !*sync:
		r.out("All revocation operations queued successfully!\n")
	case *prefix:
		r.out("Success! Revoked any leases with prefix: %s\n", id)
	default:
		r.out("Success! Revoked lease: %s\n", id)
	}
	return ExitOK
}
