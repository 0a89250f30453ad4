package cli

import (
	"context"
	"flag"
	"strconv"
	"strings"
)

func mountCommands(t map[string]command) {
	t["secrets enable"] = command{"Enable a secrets engine", cmdSecretsEnable}
	t["secrets disable"] = command{"Disable a secrets engine and delete its data", cmdSecretsDisable}
	t["secrets list"] = command{"List enabled secrets engines", cmdSecretsList}
	t["secrets tune"] = command{"Tune a secrets engine's settings", cmdSecretsTune}
	t["auth enable"] = command{"Enable an auth method", cmdAuthEnable}
	t["auth disable"] = command{"Disable an auth method and revoke its tokens", cmdAuthDisable}
	t["auth list"] = command{"List enabled auth methods", cmdAuthList}
}

// mountFlags are the settings secrets enable/tune and auth enable share.
type mountFlags struct {
	description     string
	defaultLeaseTTL ttlFlag
	maxLeaseTTL     ttlFlag
	options         mapFlag
	version         int
	local           bool
	sealWrap        bool
	visibility      string
}

func (m *mountFlags) register(fs *flag.FlagSet) {
	m.options = mapFlag{}
	fs.StringVar(&m.description, "description", "", "human-friendly description")
	fs.Var(&m.defaultLeaseTTL, "default-lease-ttl", "default lease TTL (such as 30m, 24h)")
	fs.Var(&m.maxLeaseTTL, "max-lease-ttl", "maximum lease TTL")
	fs.Var(m.options, "options", "engine option key=value (repeatable)")
	fs.IntVar(&m.version, "version", 0, "engine version (for kv: 1 or 2); same as -options=version=N")
	fs.StringVar(&m.visibility, "listing-visibility", "", `"unauth" to list the mount in the UI's login page, or "hidden"`)
}

// config is the mount's "config" object.
func (m *mountFlags) config() map[string]any {
	cfg := map[string]any{}
	if m.defaultLeaseTTL.set {
		cfg["default_lease_ttl"] = m.defaultLeaseTTL.api()
	}
	if m.maxLeaseTTL.set {
		cfg["max_lease_ttl"] = m.maxLeaseTTL.api()
	}
	if m.visibility != "" {
		cfg["listing_visibility"] = m.visibility
	}
	return cfg
}

func (m *mountFlags) optionMap() map[string]any {
	opts := map[string]any{}
	for k, v := range m.options {
		opts[k] = v
	}
	if m.version > 0 {
		opts["version"] = strconv.Itoa(m.version)
	}
	return opts
}

// mountPath normalizes a mount path to its form without slashes.
func mountPath(p string) string { return strings.Trim(p, "/") }

func cmdSecretsEnable(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("TYPE", `Enables a secrets engine of TYPE at -path (default: TYPE). "kv-v2" means
type kv with version 2.`)
	var mf mountFlags
	mf.register(fs)
	path := fs.String("path", "", "where to mount the engine (default: the type's name)")
	fs.BoolVar(&mf.local, "local", false, "do not replicate the mount")
	fs.BoolVar(&mf.sealWrap, "seal-wrap", false, "seal-wrap the engine's storage")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	typ := pos[0]
	p := mountPath(*path)
	if p == "" {
		p = mountPath(typ)
	}
	if typ == "kv-v2" {
		typ, mf.version = "kv", 2
	}
	body := map[string]any{"type": typ, "description": mf.description, "config": mf.config(), "local": mf.local, "seal_wrap": mf.sealWrap}
	if opts := mf.optionMap(); len(opts) > 0 {
		body["options"] = opts
	}
	if _, err := r.send(ctx, c, request{method: "POST", path: "sys/mounts/" + p, body: body}); err != nil {
		return r.fail("Error enabling: %s", apiError(err))
	}
	r.out("Success! Enabled the %s secrets engine at: %s/\n", pos[0], p)
	return ExitOK
}

func cmdSecretsDisable(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Disables the secrets engine at PATH, revoking its leases and deleting its data.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	p := mountPath(pos[0])
	if _, err := r.send(ctx, c, request{method: "DELETE", path: "sys/mounts/" + p}); err != nil {
		return r.fail("Error disabling secrets engine at %s/: %s", p, apiError(err))
	}
	r.out("Success! Disabled the secrets engine (if it existed) at: %s/\n", p)
	return ExitOK
}

func cmdSecretsTune(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Changes settings of the secrets engine at PATH.")
	var mf mountFlags
	mf.register(fs)
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	p := mountPath(pos[0])
	body := mf.config()
	if mf.description != "" {
		body["description"] = mf.description
	}
	if opts := mf.optionMap(); len(opts) > 0 {
		body["options"] = opts
	}
	if _, err := r.send(ctx, c, request{method: "POST", path: "sys/mounts/" + p + "/tune", body: body}); err != nil {
		return r.fail("Error tuning secrets engine %s: %s", p, apiError(err))
	}
	r.out("Success! Tuned the secrets engine at: %s/\n", p)
	return ExitOK
}

func cmdSecretsList(ctx context.Context, r *runner, args []string) int {
	return r.listMounts(ctx, args, "sys/mounts", "secrets engines")
}

func cmdAuthList(ctx context.Context, r *runner, args []string) int {
	return r.listMounts(ctx, args, "sys/auth", "auth methods")
}

// listMounts prints sys/mounts or sys/auth: a table, or with
// -format=json the map of mounts.
func (r *runner) listMounts(ctx context.Context, args []string, path, what string) int {
	fs := r.flags("", "Lists the enabled "+what+".")
	detailed := fs.Bool("detailed", false, "show TTLs, options and more")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	m, _, err := r.getMap(ctx, c, request{method: "GET", path: path})
	if err != nil {
		return r.fail("Error listing %s: %s", what, apiError(err))
	}
	mounts := mountsOf(m)
	if r.format == "json" {
		return r.printJSON(mounts)
	}
	header := []string{"Path", "Type", "Accessor", "Description"}
	if *detailed {
		header = []string{"Path", "Type", "Accessor", "Default TTL", "Max TTL", "Local", "Seal Wrap", "Options", "Description", "UUID"}
	}
	var lines [][]string
	for _, p := range sortedKeys(mounts) {
		mt, _ := mounts[p].(map[string]any)
		desc := str(mt["description"])
		if desc == "" {
			desc = "n/a"
		}
		if !*detailed {
			lines = append(lines, []string{p, str(mt["type"]), str(mt["accessor"]), desc})
			continue
		}
		cfg, _ := mt["config"].(map[string]any)
		opts := "n/a"
		if o, ok := mt["options"].(map[string]any); ok && len(o) > 0 {
			opts = formatValue(o)
		}
		lines = append(lines, []string{p, str(mt["type"]), str(mt["accessor"]),
			ttlCell(cfg["default_lease_ttl"]), ttlCell(cfg["max_lease_ttl"]),
			formatValue(boolean(mt["local"])), formatValue(boolean(mt["seal_wrap"])),
			opts, desc, str(mt["uuid"])})
	}
	r.printColumns(header, lines)
	return ExitOK
}

// mountsOf picks the mount map out of a sys/mounts or sys/auth reply: the
// envelope's data, or (older servers) the top-level object's mount entries.
func mountsOf(m map[string]any) map[string]any {
	if d, ok := m["data"].(map[string]any); ok {
		return d
	}
	out := map[string]any{}
	for k, v := range m {
		if mt, ok := v.(map[string]any); ok && strings.HasSuffix(k, "/") {
			out[k] = mt
		}
	}
	return out
}

func ttlCell(v any) string {
	n := num(v)
	if n == 0 {
		return "system"
	}
	return humanSeconds(n)
}

func cmdAuthEnable(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("TYPE", "Enables an auth method of TYPE at -path (default: TYPE).")
	var mf mountFlags
	mf.register(fs)
	path := fs.String("path", "", "where to mount the method, under auth/ (default: the type's name)")
	fs.BoolVar(&mf.local, "local", false, "do not replicate the mount")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	typ := pos[0]
	p := mountPath(*path)
	if p == "" {
		p = mountPath(typ)
	}
	body := map[string]any{"type": typ, "description": mf.description, "config": mf.config(), "local": mf.local}
	if opts := mf.optionMap(); len(opts) > 0 {
		body["options"] = opts
	}
	if _, err := r.send(ctx, c, request{method: "POST", path: "sys/auth/" + p, body: body}); err != nil {
		return r.fail("Error enabling %s auth: %s", typ, apiError(err))
	}
	r.out("Success! Enabled %s auth method at: %s/\n", typ, p)
	return ExitOK
}

func cmdAuthDisable(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Disables the auth method at PATH; every token it issued is revoked.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	p := mountPath(strings.TrimPrefix(mountPath(pos[0]), "auth/"))
	if _, err := r.send(ctx, c, request{method: "DELETE", path: "sys/auth/" + p}); err != nil {
		return r.fail("Error disabling auth method at %s: %s", p, apiError(err))
	}
	r.out("Success! Disabled the auth method (if it existed) at: %s/\n", p)
	return ExitOK
}
