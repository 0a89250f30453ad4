package cli

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/hashicorp/vault/api"
)

func rwCommands(t map[string]command) {
	t["read"] = command{"Read data at a path", cmdRead}
	t["write"] = command{"Write data to a path (key=value, key=@file, key=-, or - for a JSON object)", cmdWrite}
	t["list"] = command{"List the keys under a path", cmdList}
	t["delete"] = command{"Delete data at a path", cmdDelete}
	t["patch"] = command{"Update some keys of the data at a path (JSON merge patch)", cmdPatch}
}

// kvSources reads "-" from standard input (once) and "@file" from disk.
func (r *runner) kvSources() kvSources {
	return kvSources{stdin: r.readStdin, readFile: os.ReadFile}
}

// cleanPath trims the slashes a user may type around an API path.
func cleanPath(p string) string {
	return strings.Trim(p, "/")
}

func cmdRead(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH [KEY=VALUE...]", "Reads data at PATH. Extra KEY=VALUE arguments become query parameters.")
	pos, c, code, ok := r.start(fs, args, 1, -1)
	if !ok {
		return code
	}
	path := cleanPath(pos[0])
	q := url.Values{}
	for i, a := range pos[1:] {
		k, v, found := strings.Cut(a, "=")
		if !found || k == "" {
			return r.usage("Argument %d must have the form key=value.", i+2)
		}
		q.Add(k, v)
	}
	rep, err := r.send(ctx, c, request{method: "GET", path: path, query: q})
	if errors.Is(err, errNotFound) {
		return r.notFound(path)
	}
	if err != nil {
		return r.fail("Error reading %s: %s", path, apiError(err))
	}
	if rep.secret == nil {
		return r.notFound(path)
	}
	return r.printSecret(rep)
}

// notFound reports an empty path as Vault does: on standard error, exit 2.
func (r *runner) notFound(path string) int {
	r.env.Stderr.Write([]byte("No value found at " + path + "\n"))
	return ExitUsage
}

func cmdWrite(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH [DATA KEY=VALUE...]", `Writes data to PATH. Each argument is key=value, key=@file (the file's
content), key=- (standard input), or a lone - (a JSON object from standard
input) or @file.json. Repeating a key sends a list.`)
	force := fs.Bool("force", false, "write even with no data")
	fs.BoolVar(force, "f", false, "alias of -force")
	pos, c, code, ok := r.start(fs, args, 1, -1)
	if !ok {
		return code
	}
	path := cleanPath(pos[0])
	data, err := parseKV(pos[1:], r.kvSources())
	if err != nil {
		return r.usage("Failed to parse data: %v", err)
	}
	if len(data) == 0 && !*force {
		return r.usage("Must supply data or use -force.")
	}
	rep, err := r.send(ctx, c, request{method: "PUT", path: path, body: data})
	if err != nil {
		return r.fail("Error writing data to %s: %s", path, apiError(err))
	}
	if rep.secret == nil {
		if r.format == "table" {
			r.out("Success! Data written to: %s\n", path)
		}
		return ExitOK
	}
	return r.printSecret(rep)
}

func cmdList(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Lists the keys under PATH. Keys ending in / hold more keys.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	return r.list(ctx, c, cleanPath(pos[0]))
}

// list prints the keys at path; -format=json prints the array alone, as
// Vault's CLI does.
func (r *runner) list(ctx context.Context, c *api.Client, path string, fallbacks ...string) int {
	rep, err := r.send(ctx, c, request{method: "GET", path: path, query: url.Values{"list": {"true"}}})
	for _, fb := range fallbacks {
		var re *api.ResponseError
		if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden {
			break
		}
		path = fb
		rep, err = r.send(ctx, c, request{method: "GET", path: path, query: url.Values{"list": {"true"}}})
	}
	if errors.Is(err, errNotFound) {
		return r.notFound(path + "/")
	}
	if err != nil {
		return r.fail("Error listing %s/: %s", path, apiError(err))
	}
	keys, ok := rep.data()["keys"]
	if !ok {
		return r.notFound(path + "/")
	}
	if r.field != "" {
		return r.printSecret(rep)
	}
	if r.format == "json" {
		return r.printJSON(keys)
	}
	if rep.secret != nil {
		r.printWarnings(rep.secret.Warnings)
	}
	var lines [][]string
	for _, k := range strList(keys) {
		lines = append(lines, []string{k})
	}
	r.printColumns([]string{"Keys"}, lines)
	return ExitOK
}

func cmdDelete(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH [KEY=VALUE...]", "Deletes data at PATH. Extra KEY=VALUE arguments become query parameters.")
	pos, c, code, ok := r.start(fs, args, 1, -1)
	if !ok {
		return code
	}
	path := cleanPath(pos[0])
	q := url.Values{}
	for i, a := range pos[1:] {
		k, v, found := strings.Cut(a, "=")
		if !found || k == "" {
			return r.usage("Argument %d must have the form key=value.", i+2)
		}
		q.Add(k, v)
	}
	rep, err := r.send(ctx, c, request{method: "DELETE", path: path, query: q})
	if err != nil && !errors.Is(err, errNotFound) {
		return r.fail("Error deleting %s: %s", path, apiError(err))
	}
	if rep == nil || rep.secret == nil {
		if r.format == "table" {
			r.out("Success! Data deleted (if it existed) at: %s\n", path)
		}
		return ExitOK
	}
	return r.printSecret(rep)
}

func cmdPatch(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH [DATA KEY=VALUE...]", `Sends a JSON merge patch (RFC 7386) of the given keys to PATH with HTTP
PATCH. Arguments are as for "write".`)
	pos, c, code, ok := r.start(fs, args, 1, -1)
	if !ok {
		return code
	}
	path := cleanPath(pos[0])
	data, err := parseKV(pos[1:], r.kvSources())
	if err != nil {
		return r.usage("Failed to parse data: %v", err)
	}
	if len(data) == 0 {
		return r.usage("Must supply data.")
	}
	rep, err := r.send(ctx, c, request{method: "PATCH", path: path, body: data, header: mergePatchHeader()})
	if err != nil {
		return r.fail("Error patching %s: %s", path, apiError(err))
	}
	if rep.secret == nil {
		if r.format == "table" {
			r.out("Success! Data patched at: %s\n", path)
		}
		return ExitOK
	}
	return r.printSecret(rep)
}

func mergePatchHeader() http.Header {
	return http.Header{"Content-Type": {"application/merge-patch+json"}}
}
