package lease_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

var update = flag.Bool("update", false, "rewrite the testdata transcripts with the actual output")

// TestTranscripts replays testdata/*.txt: each block is a command, a
// "----" line and the expected output, ended by a blank line. Times are
// relative to the start; lease ids are shown by the alias given at issue.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) { runTranscript(t, file, inmem.New()) })
		if !*update {
			// The same story over storage without transactions, where
			// entries and indexes are written one by one.
			t.Run(name+"/plain", func(t *testing.T) { runTranscript(t, file, plainStorage{inmem.New()}) })
		}
	}
}

type block struct {
	comments []string
	cmd      string
	want     []string
}

func parseTranscript(t *testing.T, file string) []block {
	t.Helper()
	fh, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []block
	var cur *block
	var comments []string
	inOutput := false
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case inOutput && line == "":
			inOutput = false
			out = append(out, *cur)
			cur = nil
		case inOutput:
			cur.want = append(cur.want, line)
		case cur != nil && line == "----":
			inOutput = true
		case cur != nil:
			t.Fatalf("%s: command %q is not followed by ----", file, cur.cmd)
		case line == "" || strings.HasPrefix(line, "#"):
			comments = append(comments, line)
		default:
			cur = &block{comments: comments, cmd: line}
			comments = nil
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

func runTranscript(t *testing.T, file string, store storage.Backend) {
	blocks := parseTranscript(t, file)
	r := &runner{t: t, f: newFixture(t, store), ids: map[string]string{}, aliases: map[string]string{}}
	var rewritten strings.Builder
	for _, b := range blocks {
		got := r.run(b.cmd)
		if *update {
			for _, c := range b.comments {
				rewritten.WriteString(c + "\n")
			}
			rewritten.WriteString(b.cmd + "\n----\n" + join(got) + "\n\n")
			continue
		}
		if join(got) != join(b.want) {
			t.Errorf("%s: %s\n got:\n%s\nwant:\n%s", file, b.cmd, join(got), join(b.want))
		}
	}
	if *update {
		if err := os.WriteFile(file, []byte(strings.TrimRight(rewritten.String(), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type runner struct {
	t       *testing.T
	f       *fixture
	ids     map[string]string // alias -> lease id
	aliases map[string]string // lease id -> alias
}

// args splits "k=v" words into a map; bare words go to pos.
func args(words []string) (pos []string, kv map[string]string) {
	kv = map[string]string{}
	for _, w := range words {
		if k, v, ok := strings.Cut(w, "="); ok {
			kv[k] = v
		} else {
			pos = append(pos, w)
		}
	}
	return pos, kv
}

func (r *runner) dur(s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		r.t.Fatalf("bad duration %q", s)
	}
	return d
}

// name replaces every known lease id in s by its alias.
func (r *runner) name(s string) string {
	ids := make([]string, 0, len(r.aliases))
	for id := range r.aliases {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return len(ids[i]) > len(ids[j]) })
	for _, id := range ids {
		s = strings.ReplaceAll(s, id, r.aliases[id])
	}
	return s
}

func (r *runner) errLine(err error) []string { return []string{"error: " + r.name(err.Error())} }

func (r *runner) id(alias string) string {
	if id, ok := r.ids[alias]; ok {
		return id
	}
	return alias // not an alias: a raw id
}

func (r *runner) allIDs() []string {
	out := make([]string, 0, len(r.ids))
	for _, id := range r.ids {
		out = append(out, id)
	}
	return out
}

func (r *runner) calls() []string {
	var out []string
	r.f.mounts.mu.Lock()
	paths := make([]string, 0, len(r.f.mounts.m))
	for p := range r.f.mounts.m {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, c := range r.f.mounts.m[p].backend.takeCalls() {
			out = append(out, r.name(c))
		}
	}
	r.f.mounts.mu.Unlock()
	sort.Strings(out)
	for i := range out {
		out[i] = "> " + out[i]
	}
	return out
}

// run executes cmd, waits for the scheduler to settle, and appends the
// backend calls made meanwhile (sorted, each prefixed with "> ").
func (r *runner) run(cmd string) []string {
	out := r.exec(cmd)
	r.f.settle(r.allIDs())
	return append(out, r.calls()...)
}

func (r *runner) exec(cmd string) []string {
	ctx := context.Background()
	words := strings.Fields(cmd)
	pos, kv := args(words[1:])
	arg := func(i int) string {
		if i >= len(pos) {
			r.t.Fatalf("%q: missing argument %d", cmd, i+1)
		}
		return pos[i]
	}
	f, m := r.f, r.f.m
	switch words[0] {
	case "mount":
		f.mounts.set(arg(0), &fakeMount{accessor: kv["accessor"], defaultTTL: r.dur(kv["default"]), maxTTL: r.dur(kv["max"]), backend: &fakeBackend{}})
		return []string{"ok"}
	case "unmount":
		f.mounts.set(arg(0), nil)
		return []string{"ok"}
	case "remount":
		mt := *f.mounts.get(arg(0))
		mt.accessor = kv["accessor"]
		f.mounts.set(arg(0), &mt)
		return []string{"ok"}
	case "down", "up":
		f.mounts.get(arg(0)).backend.setDown(words[0] == "down")
		return []string{"ok"}
	case "renew-cap":
		b := f.mounts.get(arg(0)).backend
		b.mu.Lock()
		b.renewCap = r.dur(kv["ttl"])
		b.mu.Unlock()
		return []string{"ok"}
	case "issue":
		s := &logical.Secret{TTL: r.dur(kv["ttl"]), MaxTTL: r.dur(kv["max"]), Renewable: kv["renewable"] != "false",
			InternalData: map[string]any{"secret_type": "fake", "n": 1}}
		reg := lease.Registration{MountPath: kv["mount"], MountType: "fake", Path: kv["path"], Secret: s,
			RequestData: map[string]any{"role": kv["path"]}, Token: kv["token"], IndexToken: kv["token"]}
		if idx, ok := kv["index"]; ok {
			reg.IndexToken = idx
		}
		if mt := f.mounts.get(kv["mount"]); mt != nil {
			reg.MountAccessor = mt.accessor
			reg.Limits = lease.Limits{DefaultTTL: mt.defaultTTL, MaxTTL: mt.maxTTL}
		}
		if na := kv["notafter"]; na != "" {
			reg.NotAfter = f.clock.Now().Add(r.dur(na))
		}
		e, err := m.Register(ctx, reg)
		if err != nil {
			return r.errLine(err)
		}
		if e == nil {
			return []string{"no lease"}
		}
		alias := arg(0)
		r.ids[alias], r.aliases[e.ID] = e.ID, alias
		return []string{fmt.Sprintf("%s: %s/… ttl=%s expire=%s max_expire=%s renewable=%t",
			alias, e.FullPath(), e.ExpireTime.Sub(e.IssueTime), f.rel(e.ExpireTime), f.rel(e.MaxExpire), e.Renewable)}
	case "renew":
		res, err := m.Renew(ctx, r.id(arg(0)), r.dur(kv["inc"]))
		if err != nil {
			return r.errLine(err)
		}
		out := []string{fmt.Sprintf("ttl=%s expire=%s renewable=%t", res.TTL, f.rel(res.Entry.ExpireTime), res.Entry.Renewable)}
		for _, w := range res.Warnings {
			out = append(out, "warning: "+w)
		}
		return out
	case "revoke":
		if err := m.Revoke(ctx, r.id(arg(0)), kv["sync"] != "false"); err != nil {
			return r.errLine(err)
		}
		return []string{"ok"}
	case "revoke-prefix", "revoke-mount":
		var res lease.BulkResult
		var err error
		if words[0] == "revoke-mount" {
			res, err = m.RevokeMount(ctx, arg(0), f.mounts.get(arg(0)).accessor)
		} else {
			res, err = m.RevokePrefix(ctx, r.id(arg(0)), kv["sync"] != "false")
		}
		line := fmt.Sprintf("revoked=%d queued=%d", res.Revoked, res.Queued)
		if err != nil {
			line += " error: " + r.name(err.Error())
		}
		return []string{line}
	case "revoke-force":
		n, err := m.RevokeForce(ctx, r.id(arg(0)))
		if err != nil {
			return r.errLine(err)
		}
		return []string{fmt.Sprintf("deleted=%d", n)}
	case "revoke-token":
		if err := m.RevokeByToken(ctx, arg(0)); err != nil {
			return r.errLine(err)
		}
		return []string{"ok"}
	case "lookup":
		e, err := m.Lookup(ctx, r.id(arg(0)))
		if err != nil {
			return r.errLine(err)
		}
		line := fmt.Sprintf("ttl=%s expire=%s renewable=%t last_renewal=%s", e.Remaining(f.clock.Now()), f.rel(e.ExpireTime), e.Renewable, f.rel(e.LastRenewal))
		if e.RevokeAttempts > 0 {
			line += fmt.Sprintf(" attempts=%d irrevocable=%t error=%q", e.RevokeAttempts, e.Irrevocable, e.LastError)
		}
		return []string{r.name(line)}
	case "list":
		prefix := ""
		if len(pos) > 0 {
			prefix = pos[0]
		}
		keys, err := m.List(ctx, prefix)
		if err != nil {
			return r.errLine(err)
		}
		out := make([]string, 0, len(keys))
		for _, k := range keys {
			if a, ok := r.aliases[strings.TrimSuffix(prefix, "/")+"/"+k]; ok && prefix != "" {
				k = a
			}
			out = append(out, k)
		}
		if len(out) == 0 {
			return []string{"(empty)"}
		}
		return out
	case "irrevocable":
		leases, total, perMount, err := m.Irrevocable(ctx, 0)
		if err != nil {
			return r.errLine(err)
		}
		var out []string
		for _, l := range leases {
			out = append(out, r.name(fmt.Sprintf("%s mount=%s attempts=%d error=%q", l.ID, l.MountPath, l.Attempts, l.Error)))
		}
		mounts := make([]string, 0, len(perMount))
		for p, n := range perMount {
			mounts = append(mounts, p+"="+strconv.Itoa(n))
		}
		sort.Strings(mounts)
		return append(out, strings.TrimSpace(fmt.Sprintf("total=%d %s", total, strings.Join(mounts, " "))))
	case "advance":
		f.clock.Advance(r.dur(arg(0)))
		return []string{"now " + f.rel(f.clock.Now())}
	case "restart":
		m.Unload()
		f.load()
		return []string{fmt.Sprintf("pending=%d", f.m.Pending())}
	case "stop":
		m.Unload()
		return []string{"stopped"}
	case "start":
		f.load()
		return []string{"started"}
	case "tidy":
		res, err := m.Tidy(ctx)
		if err != nil {
			return r.errLine(err)
		}
		return []string{fmt.Sprintf("leases=%d queued=%d dangling=%d", res.Leases, res.Queued, res.DanglingIndexes)}
	case "drop-token":
		f.tokens.mu.Lock()
		f.tokens.gone[arg(0)] = true
		f.tokens.mu.Unlock()
		return []string{"ok"}
	case "pending":
		return []string{fmt.Sprintf("pending=%d", m.Pending())}
	}
	r.t.Fatalf("unknown command %q", cmd)
	return nil
}
