package database

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func toJSONString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		p, err := generatePassword(nil2rand())
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != passwordLength || !strings.ContainsAny(p, lower) || !strings.ContainsAny(p, upper) || !strings.ContainsAny(p, digits) {
			t.Fatalf("password %q", p)
		}
		if strings.Trim(p, alphaNum) != "" {
			t.Fatalf("password %q is not alphanumeric", p)
		}
		if seen[p] {
			t.Fatalf("repeated password %q", p)
		}
		seen[p] = true
	}
	// A source that never yields a digit never satisfies the rule; a short
	// source is an error, not a weak password.
	if _, err := generatePassword(bytes.NewReader(make([]byte, 10))); err == nil {
		t.Fatal("short random source accepted")
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true}, {"app", "app", true}, {"app", "apps", false},
		{"dev-*", "dev-x", true}, {"dev-*", "prod-x", false}, {"*-ro", "db-ro", true},
		{"a*b*c", "axxbyyc", true}, {"a*b*c", "acb", false}, {"a*a", "a", false},
	}
	for _, c := range cases {
		if got := globMatch(c.pattern, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pattern, c.s, got)
		}
	}
}

func TestLeaseTTLs(t *testing.T) {
	b := &Backend{sys: logical.StaticSystemView{DefaultTTL: time.Hour, MaxTTL: 4 * time.Hour}}
	cases := []struct {
		def, max, wantTTL, wantMax time.Duration
	}{
		{0, 0, time.Hour, 4 * time.Hour},
		{10 * time.Minute, 0, 10 * time.Minute, 4 * time.Hour},
		{0, 30 * time.Minute, 30 * time.Minute, 30 * time.Minute},
		{5 * time.Hour, 8 * time.Hour, 4 * time.Hour, 4 * time.Hour},
	}
	for _, c := range cases {
		ttl, max := b.leaseTTLs(&role{DefaultTTL: c.def, MaxTTL: c.max})
		if ttl != c.wantTTL || max != c.wantMax {
			t.Errorf("leaseTTLs(%v, %v) = %v, %v; want %v, %v", c.def, c.max, ttl, max, c.wantTTL, c.wantMax)
		}
	}
}

func TestUsernameTemplates(t *testing.T) {
	now := time.Unix(1700000000, 0)
	r := usernameRenderer{now: func() time.Time { return now }, rand: nil2rand()}
	data := usernameData{RoleName: "myrolename", DisplayName: "token"}
	pg := `{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}`
	got, err := r.render(pg, data, 63)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(got, "-")
	if len(parts) != 5 || parts[0] != "v" || parts[1] != "token" || parts[2] != "myrolena" || len(parts[3]) != 20 || parts[4] != "1700000000" {
		t.Fatalf("postgres default = %q", got)
	}
	got, err = r.render(`{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}`, data, 32)
	if err != nil || len(got) != 32 || !strings.HasPrefix(got, "v-token-myrolename-") {
		t.Fatalf("mysql default = %q %v", got, err)
	}
	for tmpl, want := range map[string]string{
		`{{ .RoleName | uppercase }}`:                                "MYROLENAME",
		`{{ .DisplayName | replace "o" "0" }}`:                       "t0ken",
		`{{ unix_time_millis }}`:                                     "1700000000000",
		`{{ timestamp "2006" }}`:                                     "2023",
		`{{ .RoleName | truncate_sha256 10 }}`:                       "myrolename",
		`{{ "abcdefghijklmnop" | truncate_sha256 10 }}`:              "ab" + sha8("abcdefghijklmnop"),
		`{{ if eq .RoleName "myrolename" }}yes{{ else }}no{{ end }}`: "yes",
	} {
		if got, err := r.render(tmpl, data, 0); err != nil || got != want {
			t.Errorf("render(%s) = %q, %v; want %q", tmpl, got, err, want)
		}
	}
	// Cut to the database's limit on a character boundary.
	if got, _ := r.render("ééééé", data, 5); got != "éé" {
		t.Errorf("truncate to 5 bytes = %q", got)
	}
	for _, bad := range []string{
		"", "   ", "{{ .Nope }}", "{{ random 0 }}", "{{ random 100000 }}", `{{ printf "%*d" 100000000 1 }}`,
		"{{range 100000000}}{{end}}", `{{define "a"}}{{template "a"}}{{end}}{{template "a"}}`, "{{ truncate -1 .RoleName }}",
		strings.Repeat("x", maxTemplateLen+1), `{{ printf "%0999d%0999d%0999d%0999d%0999d" 1 2 3 4 5 }}`,
	} {
		if got, err := r.render(bad, data, 63); err == nil {
			t.Errorf("render(%.40q) = %q, want an error", bad, got)
		}
	}
}

func sha8(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:8]
}

// nil2rand is the real random source (a name that reads at call sites).
func nil2rand() io.Reader { return rand.Reader }
