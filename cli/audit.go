package cli

import (
	"context"
	"sort"
	"strings"
)

func auditCommands(t map[string]command) {
	t["audit enable"] = command{"Enable an audit device", cmdAuditEnable}
	t["audit disable"] = command{"Disable an audit device", cmdAuditDisable}
	t["audit list"] = command{"List enabled audit devices", cmdAuditList}
}

// exitNoValues is what Vault's CLI returns when a list has nothing in it.
const exitNoValues = 2

func cmdAuditEnable(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("TYPE [KEY=VALUE...]", `Enables an audit device of TYPE (file, syslog or socket) at -path (default:
TYPE). KEY=VALUE arguments are the device's options, for example
file_path=/var/log/cofre/audit.log for the file device.`)
	path := fs.String("path", "", "where to enable the device (default: the type's name)")
	desc := fs.String("description", "", "human-friendly description")
	local := fs.Bool("local", false, "do not replicate the device to other clusters")
	pos, c, code, ok := r.start(fs, args, 1, -1)
	if !ok {
		return code
	}
	typ := pos[0]
	opts := map[string]string{}
	for i, arg := range pos[1:] {
		k, v, found := strings.Cut(arg, "=")
		if !found || k == "" {
			// Name the argument by position: option values may be secrets.
			return r.usage("Option %d must have the form KEY=VALUE.", i+1)
		}
		opts[k] = v
	}
	p := mountPath(*path)
	if p == "" {
		p = mountPath(typ)
	}
	body := map[string]any{"type": typ, "description": *desc, "options": opts, "local": *local}
	if _, err := r.send(ctx, c, request{method: "PUT", path: "sys/audit/" + p, body: body}); err != nil {
		return r.fail("Error enabling audit device: %s", apiError(err))
	}
	r.out("Success! Enabled the %s audit device at: %s/\n", typ, p)
	return ExitOK
}

func cmdAuditDisable(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Disables the audit device at PATH. Its log is kept; its salt is destroyed, so\nits hashes can no longer be recomputed.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	p := mountPath(pos[0])
	if _, err := r.send(ctx, c, request{method: "DELETE", path: "sys/audit/" + p}); err != nil {
		return r.fail("Error disabling audit device: %s", apiError(err))
	}
	r.out("Success! Disabled audit device (if it was enabled) at: %s/\n", p)
	return ExitOK
}

func cmdAuditList(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Lists the enabled audit devices.")
	detailed := fs.Bool("detailed", false, "show options and replication")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	m, _, err := r.getMap(ctx, c, request{method: "GET", path: "sys/audit"})
	if err != nil {
		return r.fail("Error listing audit devices: %s", apiError(err))
	}
	devices := mountsOf(m)
	if r.format == "json" {
		return r.printJSON(devices)
	}
	if len(devices) == 0 {
		r.out("No audit devices are enabled.\n")
		return exitNoValues
	}
	header := []string{"Path", "Type", "Description"}
	if *detailed {
		header = []string{"Path", "Type", "Description", "Replication", "Options"}
	}
	var lines [][]string
	for _, p := range sortedKeys(devices) {
		d, _ := devices[p].(map[string]any)
		desc := str(d["description"])
		if desc == "" {
			desc = "n/a"
		}
		line := []string{p, str(d["type"]), desc}
		if *detailed {
			repl := "replicated"
			if boolean(d["local"]) {
				repl = "local"
			}
			line = append(line, repl, auditOptions(d["options"]))
		}
		lines = append(lines, line)
	}
	r.printColumns(header, lines)
	return ExitOK
}

// auditOptions prints options as sorted key=value pairs.
func auditOptions(v any) string {
	o, _ := v.(map[string]any)
	if len(o) == 0 {
		return "n/a"
	}
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+str(o[k]))
	}
	return strings.Join(parts, " ")
}
