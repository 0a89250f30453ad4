package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/cofre-io/cofre/server/policy"
)

func policyCommands(t map[string]command) {
	t["policy write"] = command{"Upload an ACL policy from a file or standard input", cmdPolicyWrite}
	t["policy read"] = command{"Print an ACL policy", cmdPolicyRead}
	t["policy list"] = command{"List ACL policies", cmdPolicyList}
	t["policy delete"] = command{"Delete an ACL policy", cmdPolicyDelete}
	t["policy fmt"] = command{"Format a policy file in place", cmdPolicyFmt}
}

func policyPath(name string) string { return "sys/policies/acl/" + url.PathEscape(name) }

func cmdPolicyWrite(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("NAME FILE", `Uploads the policy in FILE ("-" for standard input) as NAME, replacing any
policy of that name.`)
	pos, c, code, ok := r.start(fs, args, 2, 2)
	if !ok {
		return code
	}
	var text []byte
	var err error
	if pos[1] == "-" {
		text, err = r.readStdin()
	} else {
		text, err = os.ReadFile(pos[1])
	}
	if err != nil {
		return r.fail("Error reading policy: %v", err)
	}
	rep, err := r.send(ctx, c, request{method: "PUT", path: policyPath(pos[0]), body: map[string]any{"policy": string(text)}})
	if err != nil {
		return r.fail("Error uploading policy: %s", apiError(err))
	}
	if rep.secret != nil {
		r.printWarnings(rep.secret.Warnings)
	}
	r.out("Success! Uploaded policy: %s\n", pos[0])
	return ExitOK
}

func cmdPolicyRead(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("NAME", "Prints the policy NAME.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	rep, err := r.send(ctx, c, request{method: "GET", path: policyPath(pos[0])})
	if errors.Is(err, errNotFound) {
		fmt.Fprintf(r.env.Stderr, "No policy named: %s\n", pos[0])
		return ExitUsage
	}
	if err != nil {
		return r.fail("Error reading policy named %s: %s", pos[0], apiError(err))
	}
	if r.format == "json" || r.field != "" {
		return r.printSecret(rep)
	}
	text := str(rep.data()["policy"])
	if text == "" {
		text = str(rep.data()["rules"])
	}
	r.out("%s", text)
	if len(text) > 0 && text[len(text)-1] != '\n' {
		r.out("\n")
	}
	return ExitOK
}

func cmdPolicyList(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("", "Lists the ACL policies.")
	_, c, code, ok := r.start(fs, args, 0, 0)
	if !ok {
		return code
	}
	rep, err := r.send(ctx, c, request{method: "GET", path: "sys/policies/acl", query: url.Values{"list": {"true"}}})
	if err != nil && !errors.Is(err, errNotFound) {
		return r.fail("Error listing policies: %s", apiError(err))
	}
	keys := strList(rep.data()["keys"])
	if r.format == "json" {
		return r.printJSON(keys)
	}
	for _, k := range keys {
		r.out("%s\n", k)
	}
	return ExitOK
}

func cmdPolicyDelete(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("NAME", "Deletes the policy NAME; tokens that carry it lose its grants at once.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	if _, err := r.send(ctx, c, request{method: "DELETE", path: policyPath(pos[0])}); err != nil && !errors.Is(err, errNotFound) {
		return r.fail("Error deleting %s: %s", pos[0], apiError(err))
	}
	r.out("Success! Deleted policy: %s\n", pos[0])
	return ExitOK
}

// cmdPolicyFmt checks a policy file with the server's parser, warns about
// "*" patterns that also grant nested paths, and rewrites it in the
// canonical layout. It needs no server.
func cmdPolicyFmt(_ context.Context, r *runner, args []string) int {
	fs := r.flags("FILE", "Formats the HCL policy in FILE in place (syntax only; the server checks meaning).")
	pos, code, ok := r.parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return r.usage("Expected one file name.")
	}
	src, err := os.ReadFile(pos[0])
	if err != nil {
		return r.fail("Error reading policy: %v", err)
	}
	// The server's own parser: what it would refuse, fmt refuses, with
	// line and column.
	parsed, err := policy.Parse(filepath.Base(pos[0]), string(src))
	if err != nil {
		return r.fail("Error parsing policy: %v", err)
	}
	formatted, err := policy.Format(string(src))
	if err != nil {
		return r.fail("Error formatting policy: %v", err)
	}
	out := []byte(formatted)
	if ws := policy.NestedGlobWarnings(parsed); len(ws) > 0 {
		fmt.Fprintln(r.env.Stderr, "WARNING! The policy grants nested paths:")
		for _, w := range ws {
			fmt.Fprintf(r.env.Stderr, "  * %s\n", w)
		}
	}
	info, err := os.Stat(pos[0])
	if err != nil {
		return r.fail("Error formatting policy: %v", err)
	}
	if err := os.WriteFile(pos[0], out, info.Mode().Perm()); err != nil {
		return r.fail("Error writing policy: %v", err)
	}
	r.out("Success! Formatted policy: %s\n", pos[0])
	return ExitOK
}
