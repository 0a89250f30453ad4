package cli

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/vault/api"
)

func kvCommands(t map[string]command) {
	t["kv put"] = command{"Write a secret (KV v2: a new version)", cmdKVPut}
	t["kv get"] = command{"Read a secret (KV v2: the latest or -version)", cmdKVGet}
	t["kv patch"] = command{"Update some keys of a KV v2 secret", cmdKVPatch}
	t["kv delete"] = command{"Delete a secret (KV v2: soft-delete versions)", cmdKVDelete}
	t["kv undelete"] = command{"Restore soft-deleted KV v2 versions", cmdKVUndelete}
	t["kv destroy"] = command{"Permanently destroy KV v2 versions", cmdKVDestroy}
	t["kv list"] = command{"List secrets under a path", cmdKVList}
	t["kv rollback"] = command{"Write an older KV v2 version as the newest", cmdKVRollback}
	t["kv enable-versioning"] = command{"Turn a KV v1 mount into KV v2", cmdKVEnableVersioning}
	t["kv metadata get"] = command{"Show a KV v2 secret's metadata and versions", cmdKVMetadataGet}
	t["kv metadata put"] = command{"Set a KV v2 secret's metadata", cmdKVMetadataPut}
	t["kv metadata delete"] = command{"Delete a KV v2 secret with all versions and metadata", cmdKVMetadataDelete}
}

// kvTarget is a secret's location: its mount, its key below the mount and
// the mount's KV version.
type kvTarget struct {
	mount string // without slashes
	key   string // without leading or trailing slashes
	v2    bool
}

// path is the API path: mount/<kind>/key for KV v2, mount/key for v1.
func (t kvTarget) path(kind string) string {
	parts := []string{t.mount}
	if t.v2 {
		parts = append(parts, kind)
	}
	if t.key != "" {
		parts = append(parts, t.key)
	}
	return strings.Join(parts, "/")
}

// kvFlags registers -mount.
func kvFlags(fs *flag.FlagSet) *string {
	return fs.String("mount", "", "the KV mount; PATH is then the secret's path below it")
}

// kvResolve finds the mount and its version with GET
// sys/internal/ui/mounts/<path>. A server that does not know that endpoint
// (404) is taken to hold a KV v1 mount at the first path segment, as
// Vault's CLI does.
func (r *runner) kvResolve(ctx context.Context, c *api.Client, mount, arg string) (kvTarget, error) {
	full := strings.Trim(arg, "/")
	if mount != "" {
		full = strings.Trim(mount, "/") + "/" + full
	}
	full = strings.Trim(full, "/")
	rep, err := r.send(ctx, c, request{method: "GET", path: "sys/internal/ui/mounts/" + full})
	if errors.Is(err, errNotFound) {
		if mount != "" {
			return kvTarget{mount: strings.Trim(mount, "/"), key: strings.Trim(arg, "/")}, nil
		}
		m, k, _ := strings.Cut(full, "/")
		return kvTarget{mount: m, key: k}, nil
	}
	if err != nil {
		return kvTarget{}, err
	}
	d := rep.data()
	mp := strings.Trim(str(d["path"]), "/")
	if mp == "" {
		return kvTarget{}, errors.New("the server did not report a mount for this path")
	}
	opts, _ := d["options"].(map[string]any)
	key := strings.Trim(strings.TrimPrefix(full, mp), "/")
	return kvTarget{mount: mp, key: key, v2: str(opts["version"]) == "2"}, nil
}

// kvStart parses, builds the client and resolves PATH (the first
// positional argument).
func (r *runner) kvStart(ctx context.Context, fs *flag.FlagSet, mount *string, args []string, minArgs, maxArgs int) (kvTarget, []string, *api.Client, int, bool) {
	pos, c, code, ok := r.start(fs, args, minArgs, maxArgs)
	if !ok {
		return kvTarget{}, nil, nil, code, false
	}
	t, err := r.kvResolve(ctx, c, *mount, pos[0])
	if err != nil {
		return kvTarget{}, nil, nil, r.fail("Error finding the KV mount of %s: %s", pos[0], apiError(err)), false
	}
	return t, pos[1:], c, ExitOK, true
}

func (r *runner) needV2(t kvTarget, what string) (int, bool) {
	if t.v2 {
		return ExitOK, true
	}
	return r.fail("%s needs a KV version 2 mount; %s/ is version 1 (see \"cofre kv enable-versioning\")", what, t.mount), false
}

// casFlag is -cas: unset (-1) or a version number.
func casFlag(fs *flag.FlagSet) *int {
	return fs.Int("cas", -1, "check-and-set: write only if the current version is this (0: only if absent)")
}

func kvBody(data map[string]any, cas int) map[string]any {
	body := map[string]any{"data": data}
	if cas >= 0 {
		body["options"] = map[string]any{"cas": cas}
	}
	return body
}

func cmdKVPut(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH K=V...", "Writes the secret at PATH; on KV v2 it becomes a new version. Arguments are as for \"write\".")
	mount := kvFlags(fs)
	cas := casFlag(fs)
	t, rest, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, -1)
	if !ok {
		return code
	}
	data, err := parseKV(rest, r.kvSources())
	if err != nil {
		return r.usage("Failed to parse data: %v", err)
	}
	if len(data) == 0 {
		return r.usage("Must supply data.")
	}
	body := data
	if t.v2 {
		body = kvBody(data, *cas)
	}
	rep, err := r.send(ctx, c, request{method: "PUT", path: t.path("data"), body: body})
	if err != nil {
		return r.fail("Error writing data to %s: %s", t.path("data"), apiError(err))
	}
	return r.printKVWrite(t, rep)
}

// printKVWrite shows a write's result: v2's version metadata under the
// secret's path, or v1's success line.
func (r *runner) printKVWrite(t kvTarget, rep *reply) int {
	if rep.secret == nil {
		if r.format == "table" && r.field == "" {
			r.out("Success! Data written to: %s\n", t.path("data"))
		}
		return ExitOK
	}
	if r.format == "json" || r.field != "" || !t.v2 {
		return r.printSecret(rep)
	}
	r.printWarnings(rep.secret.Warnings)
	r.printSections(section{"Secret Path", nil, t.path("data")}, section{"Metadata", dataRows(rep.data()), ""})
	return ExitOK
}

func cmdKVGet(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Reads the secret at PATH; on KV v2 the latest version or -version.")
	mount := kvFlags(fs)
	version := fs.Int("version", 0, "the version to read (KV v2; 0: the latest)")
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	q := url.Values{}
	if *version > 0 {
		if code, ok := r.needV2(t, "-version"); !ok {
			return code
		}
		q.Set("version", strconv.Itoa(*version))
	}
	p := t.path("data")
	rep, err := r.send(ctx, c, request{method: "GET", path: p, query: q})
	if errors.Is(err, errNotFound) || (err == nil && rep.secret == nil) {
		return r.notFound(p)
	}
	if err != nil {
		return r.fail("Error reading %s: %s", p, apiError(err))
	}
	if !t.v2 {
		return r.printSecret(rep)
	}
	d := rep.data()
	inner, _ := d["data"].(map[string]any)
	meta, _ := d["metadata"].(map[string]any)
	if r.field != "" {
		v, ok := inner[r.field]
		if !ok {
			return r.fail("Field %q not present in secret", r.field)
		}
		return r.printField(v)
	}
	if r.format == "json" {
		return r.printRawJSON(rep.raw)
	}
	r.printWarnings(rep.secret.Warnings)
	secs := []section{{"Secret Path", nil, p}, {"Metadata", dataRows(meta), ""}}
	if inner != nil {
		secs = append(secs, section{"Data", dataRows(inner), ""})
	}
	r.printSections(secs...)
	return ExitOK
}

func cmdKVPatch(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH K=V...", `Changes the given keys of the KV v2 secret at PATH and keeps the others,
writing a new version. -method=patch (default) sends an HTTP PATCH; -method=rw
reads, merges and writes with check-and-set.`)
	mount := kvFlags(fs)
	cas := casFlag(fs)
	method := fs.String("method", "patch", `"patch" or "rw"`)
	t, rest, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, -1)
	if !ok {
		return code
	}
	if code, ok := r.needV2(t, "kv patch"); !ok {
		return code
	}
	data, err := parseKV(rest, r.kvSources())
	if err != nil {
		return r.usage("Failed to parse data: %v", err)
	}
	if len(data) == 0 {
		return r.usage("Must supply data.")
	}
	p := t.path("data")
	var rep *reply
	switch *method {
	case "patch":
		rep, err = r.send(ctx, c, request{method: "PATCH", path: p, body: kvBody(data, *cas),
			header: http.Header{"Content-Type": {"application/merge-patch+json"}}})
	case "rw":
		rep, err = r.kvReadModifyWrite(ctx, c, p, data, *cas)
	default:
		return r.usage("Invalid -method %q: use \"patch\" or \"rw\".", *method)
	}
	if errors.Is(err, errNotFound) {
		return r.notFound(p)
	}
	if err != nil {
		return r.fail("Error patching %s: %s", p, apiError(err))
	}
	return r.printKVWrite(t, rep)
}

// kvReadModifyWrite merges data into the latest version and writes it
// with cas set to that version (or to the caller's -cas).
func (r *runner) kvReadModifyWrite(ctx context.Context, c *api.Client, p string, data map[string]any, cas int) (*reply, error) {
	cur, err := r.send(ctx, c, request{method: "GET", path: p})
	if err != nil {
		return nil, err
	}
	d := cur.data()
	inner, _ := d["data"].(map[string]any)
	if inner == nil {
		return nil, errNotFound
	}
	for k, v := range data {
		inner[k] = v
	}
	if cas < 0 {
		meta, _ := d["metadata"].(map[string]any)
		cas = int(num(meta["version"]))
	}
	return r.send(ctx, c, request{method: "PUT", path: p, body: kvBody(inner, cas)})
}

func cmdKVList(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Lists the secrets under PATH.")
	mount := kvFlags(fs)
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	if t.v2 {
		// A token that may list only under data/ (a policy written for
		// secret/data/...) still gets its listing: Cofre answers LIST on
		// data/ as on metadata/.
		return r.list(ctx, c, t.path("metadata"), t.path("data"))
	}
	return r.list(ctx, c, t.path("metadata"))
}

func cmdKVDelete(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", `Deletes the secret at PATH. On KV v2 this soft-deletes the latest version
(or -versions), which "kv undelete" can restore.`)
	mount := kvFlags(fs)
	versions := fs.String("versions", "", "comma-separated versions to delete (KV v2)")
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	req := request{method: "DELETE", path: t.path("data")}
	if *versions != "" {
		if code, ok := r.needV2(t, "-versions"); !ok {
			return code
		}
		v, err := parseVersions(*versions)
		if err != nil {
			return r.usage("%v", err)
		}
		req = request{method: "POST", path: t.path("delete"), body: map[string]any{"versions": v}}
	}
	if _, err := r.send(ctx, c, req); err != nil && !errors.Is(err, errNotFound) {
		return r.fail("Error deleting %s: %s", req.path, apiError(err))
	}
	r.out("Success! Data deleted (if it existed) at: %s\n", req.path)
	return ExitOK
}

// parseVersions reads "1,2,3".
func parseVersions(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return nil, errors.New("-versions must be a comma-separated list of version numbers")
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("-versions must name at least one version")
	}
	return out, nil
}
