package database

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func FuzzUsernameTemplate(f *testing.F) {
	for _, s := range []string{
		`{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}`,
		`{{ printf "v-%s-%s" (.RoleName | truncate 4) (random 20) | truncate 16 }}`,
		`{{ .RoleName | uppercase | replace "-" "_" }}-{{ uuid }}`,
		`{{ .DisplayName | sha256 | truncate 10 }}{{ timestamp "20060102" }}`,
		`{{ .RoleName | truncate_sha256 12 }}{{ unix_time_millis }}{{ base64 .DisplayName }}`,
		`{{ if .RoleName }}{{ .RoleName }}{{ else }}x{{ end }}`,
		`{{ with .DisplayName }}{{ . }}{{ end }}{{ printf "%5.2q" .RoleName }}`,
		`{{ printf "%[1]*d" 5 1 }}`, `{{range 3}}x{{end}}`, `{{ block "b" . }}x{{ end }}`,
	} {
		f.Add(s, "myrole", "token")
	}
	f.Add("plain-name", "é", "\x00")
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, tmpl, role, display string) {
		r := usernameRenderer{now: func() time.Time { return now }, rand: strings.NewReader(strings.Repeat("0123456789abcdef", 1024))}
		start := time.Now()
		out, err := r.render(tmpl, usernameData{RoleName: role, DisplayName: display}, 63)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("render took %v", d)
		}
		if err != nil {
			return
		}
		if out == "" || len(out) > 63 || out != strings.TrimSpace(out) {
			t.Fatalf("render(%q) = %q", tmpl, out)
		}
		if utf8.ValidString(tmpl+role+display) && !utf8.ValidString(out) {
			t.Fatalf("render(%q) = %q: invalid UTF-8 from valid input", tmpl, out)
		}
	})
}

func FuzzNormalizeStatements(f *testing.F) {
	f.Add(`["CREATE ROLE a", "GRANT b TO a"]`, "RFJPUCBST0xFIGE7")
	f.Add("CREATE ROLE \"{{name}}\"; GRANT x TO \"{{name}}\"", "")
	f.Add("[", "W10=")
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, s := range normalizeStatements([]string{a, b}) {
			if strings.TrimSpace(s) == "" || s != strings.TrimSpace(s) {
				t.Fatalf("normalizeStatements gave %q", s)
			}
		}
	})
}
