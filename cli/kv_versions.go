package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
)

func cmdKVUndelete(ctx context.Context, r *runner, args []string) int {
	return r.kvVersionsOp(ctx, args, "undelete", "Restores soft-deleted versions of the KV v2 secret at PATH.")
}

func cmdKVDestroy(ctx context.Context, r *runner, args []string) int {
	return r.kvVersionsOp(ctx, args, "destroy", "Permanently removes the data of versions of the KV v2 secret at PATH.")
}

// kvVersionsOp posts {"versions": [...]} to mount/<op>/key.
func (r *runner) kvVersionsOp(ctx context.Context, args []string, op, help string) int {
	fs := r.flags("-versions=N[,N...] PATH", help)
	mount := kvFlags(fs)
	versions := fs.String("versions", "", "comma-separated versions (required)")
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	if code, ok := r.needV2(t, "kv "+op); !ok {
		return code
	}
	v, err := parseVersions(*versions)
	if err != nil {
		return r.usage("%v", err)
	}
	p := t.path(op)
	if _, err := r.send(ctx, c, request{method: "PUT", path: p, body: map[string]any{"versions": v}}); err != nil {
		return r.fail("Error writing data to %s: %s", p, apiError(err))
	}
	r.out("Success! Data written to: %s\n", p)
	return ExitOK
}

func cmdKVRollback(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("-version=N PATH", `Writes version N of the KV v2 secret at PATH again as its newest version
(check-and-set against the current version).`)
	mount := kvFlags(fs)
	version := fs.Int("version", 0, "the version to roll back to (required)")
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	if code, ok := r.needV2(t, "kv rollback"); !ok {
		return code
	}
	if *version <= 0 {
		return r.usage("Missing -version=N.")
	}
	meta, err := r.send(ctx, c, request{method: "GET", path: t.path("metadata")})
	if errors.Is(err, errNotFound) {
		return r.notFound(t.path("metadata"))
	}
	if err != nil {
		return r.fail("Error reading metadata of %s: %s", t.path("metadata"), apiError(err))
	}
	current := num(meta.data()["current_version"])
	vmeta, _ := meta.data()["versions"].(map[string]any)
	info, ok := vmeta[strconv.Itoa(*version)].(map[string]any)
	switch {
	case !ok:
		return r.fail("Version %d does not exist at %s", *version, t.path("data"))
	case boolean(info["destroyed"]):
		return r.fail("Version %d at %s is destroyed and cannot be rolled back to", *version, t.path("data"))
	case str(info["deletion_time"]) != "":
		return r.fail("Version %d at %s is deleted; undelete it first", *version, t.path("data"))
	}
	old, err := r.send(ctx, c, request{method: "GET", path: t.path("data"), query: url.Values{"version": {strconv.Itoa(*version)}}})
	if err != nil {
		return r.fail("Error reading version %d of %s: %s", *version, t.path("data"), apiError(err))
	}
	data, _ := old.data()["data"].(map[string]any)
	if data == nil {
		return r.fail("Version %d at %s holds no data", *version, t.path("data"))
	}
	rep, err := r.send(ctx, c, request{method: "PUT", path: t.path("data"), body: kvBody(data, int(current))})
	if err != nil {
		return r.fail("Error writing data to %s: %s", t.path("data"), apiError(err))
	}
	return r.printKVWrite(t, rep)
}

func cmdKVEnableVersioning(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Upgrades the KV mount at PATH to version 2; existing keys become version 1.")
	pos, c, code, ok := r.start(fs, args, 1, 1)
	if !ok {
		return code
	}
	p := mountPath(pos[0])
	body := map[string]any{"options": map[string]any{"version": "2"}}
	if _, err := r.send(ctx, c, request{method: "POST", path: "sys/mounts/" + p + "/tune", body: body}); err != nil {
		return r.fail("Error tuning secrets engine %s: %s", p, apiError(err))
	}
	r.out("Success! Tuned the secrets engine at: %s/\n", p)
	return ExitOK
}

func cmdKVMetadataGet(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Shows the metadata and every version of the KV v2 secret at PATH.")
	mount := kvFlags(fs)
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	if code, ok := r.needV2(t, "kv metadata"); !ok {
		return code
	}
	p := t.path("metadata")
	rep, err := r.send(ctx, c, request{method: "GET", path: p})
	if errors.Is(err, errNotFound) || (err == nil && rep.secret == nil) {
		return r.notFound(p)
	}
	if err != nil {
		return r.fail("Error reading %s: %s", p, apiError(err))
	}
	if r.format == "json" || r.field != "" {
		return r.printSecret(rep)
	}
	d := rep.data()
	versions, _ := d["versions"].(map[string]any)
	rest := map[string]any{}
	for k, v := range d {
		if k != "versions" {
			rest[k] = v
		}
	}
	secs := []section{{"Metadata Path", nil, p}, {"Metadata", dataRows(rest), ""}}
	nums := make([]int, 0, len(versions))
	for k := range versions {
		if n, err := strconv.Atoi(k); err == nil {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	for _, n := range nums {
		info, _ := versions[strconv.Itoa(n)].(map[string]any)
		secs = append(secs, section{fmt.Sprintf("Version %d", n), dataRows(info), ""})
	}
	r.printSections(secs...)
	return ExitOK
}

func cmdKVMetadataPut(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Sets metadata of the KV v2 secret at PATH; only the given flags change.")
	mount := kvFlags(fs)
	maxVersions := fs.Int("max-versions", -1, "versions to keep (0: the mount's setting)")
	var casRequired optBool
	var deleteAfter ttlFlag
	custom := mapFlag{}
	fs.Var(&casRequired, "cas-required", "require check-and-set on writes")
	fs.Var(&deleteAfter, "delete-version-after", "delete versions this long after they are written (0: never)")
	fs.Var(custom, "custom-metadata", "custom metadata key=value (repeatable)")
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	if code, ok := r.needV2(t, "kv metadata"); !ok {
		return code
	}
	body := map[string]any{}
	if *maxVersions >= 0 {
		body["max_versions"] = *maxVersions
	}
	if casRequired.set {
		body["cas_required"] = casRequired.v
	}
	if deleteAfter.set {
		body["delete_version_after"] = deleteAfter.api()
	}
	if len(custom) > 0 {
		body["custom_metadata"] = map[string]string(custom)
	}
	p := t.path("metadata")
	if _, err := r.send(ctx, c, request{method: "POST", path: p, body: body}); err != nil {
		return r.fail("Error writing data to %s: %s", p, apiError(err))
	}
	r.out("Success! Data written to: %s\n", p)
	return ExitOK
}

func cmdKVMetadataDelete(ctx context.Context, r *runner, args []string) int {
	fs := r.flags("PATH", "Deletes the KV v2 secret at PATH: every version and its metadata, permanently.")
	mount := kvFlags(fs)
	t, _, c, code, ok := r.kvStart(ctx, fs, mount, args, 1, 1)
	if !ok {
		return code
	}
	if code, ok := r.needV2(t, "kv metadata"); !ok {
		return code
	}
	p := t.path("metadata")
	if _, err := r.send(ctx, c, request{method: "DELETE", path: p}); err != nil && !errors.Is(err, errNotFound) {
		return r.fail("Error deleting %s: %s", p, apiError(err))
	}
	r.out("Success! Data deleted (if it existed) at: %s\n", p)
	return ExitOK
}
