package dbplugin

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	do := `DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'x') THEN
    CREATE ROLE x; GRANT y TO x;
  END IF;
END
$$`
	cases := []struct {
		name string
		d    Dialect
		in   string
		want []string
	}{
		{"empty", Postgres, "", nil},
		{"blanks and semicolons", Postgres, " ;\n; ", nil},
		{"one", Postgres, `CREATE ROLE "{{name}}"`, []string{`CREATE ROLE "{{name}}"`}},
		{"two", Postgres, "CREATE ROLE a;\n GRANT b TO a;", []string{"CREATE ROLE a", "GRANT b TO a"}},
		{"semicolon in string", Postgres, `ALTER ROLE a PASSWORD 'x;y'; SELECT 1`, []string{`ALTER ROLE a PASSWORD 'x;y'`, "SELECT 1"}},
		{"doubled quote", Postgres, `SELECT 'it''s;'; SELECT 2`, []string{`SELECT 'it''s;'`, "SELECT 2"}},
		{"backslash is literal in standard strings", Postgres, `SELECT 'a\'; SELECT 2`, []string{`SELECT 'a\'`, "SELECT 2"}},
		{"backslash escapes in E strings", Postgres, `SELECT E'a\';b'; SELECT 2`, []string{`SELECT E'a\';b'`, "SELECT 2"}},
		{"identifier ending in e is no E string", Postgres, `SELECT some'a\'; SELECT 2`, []string{`SELECT some'a\'`, "SELECT 2"}},
		{"quoted identifier", Postgres, `CREATE ROLE "a;b"; SELECT 1`, []string{`CREATE ROLE "a;b"`, "SELECT 1"}},
		{"line comment", Postgres, "SELECT 1 -- a;b\n; SELECT 2", []string{"SELECT 1 -- a;b", "SELECT 2"}},
		{"comment only piece dropped", Postgres, "SELECT 1; -- done;", []string{"SELECT 1"}},
		{"nested block comment", Postgres, "SELECT /* a /* b; */ c; */ 1; SELECT 2", []string{"SELECT /* a /* b; */ c; */ 1", "SELECT 2"}},
		{"DO block", Postgres, do + "; SELECT 1", []string{do, "SELECT 1"}},
		{"tagged dollar body", Postgres, "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ $body$ LANGUAGE sql; SELECT 2",
			[]string{"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $$ $body$ LANGUAGE sql", "SELECT 2"}},
		{"parameter is no dollar quote", Postgres, "SELECT $1; SELECT $2", []string{"SELECT $1", "SELECT $2"}},
		{"dollar inside identifier", Postgres, "SELECT a$b$; SELECT 2", []string{"SELECT a$b$", "SELECT 2"}},
		{"unterminated string runs to the end", Postgres, "SELECT 'a; SELECT 2", []string{"SELECT 'a; SELECT 2"}},
		{"mysql backslash in string", MySQL, `SELECT 'a\';b'; SELECT 2`, []string{`SELECT 'a\';b'`, "SELECT 2"}},
		{"mysql double-quoted string", MySQL, `SELECT "a\";b"; SELECT 2`, []string{`SELECT "a\";b"`, "SELECT 2"}},
		{"mysql backticks", MySQL, "CREATE USER `a;b`@'%'; SELECT 2", []string{"CREATE USER `a;b`@'%'", "SELECT 2"}},
		{"mysql hash comment", MySQL, "SELECT 1 # x;y\n; SELECT 2", []string{"SELECT 1 # x;y", "SELECT 2"}},
		{"mysql dash comment needs a space", MySQL, "SELECT 1--1; SELECT 2", []string{"SELECT 1--1", "SELECT 2"}},
		{"mysql dash comment", MySQL, "SELECT 1 -- x;y\n; SELECT 2", []string{"SELECT 1 -- x;y", "SELECT 2"}},
		{"mysql dollar is plain", MySQL, "SELECT $$; SELECT 2", []string{"SELECT $$", "SELECT 2"}},
		{"mysql block comments do not nest", MySQL, "SELECT /* /* */ 1; SELECT 2 */", []string{"SELECT /* /* */ 1", "SELECT 2 */"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := SplitStatements(c.in, c.d)
			if !slices.Equal(got, c.want) {
				t.Fatalf("SplitStatements(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestRenderIsOnePass(t *testing.T) {
	got := Render(`CREATE ROLE "{{name}}" PASSWORD '{{password}}' {{unknown}}`, map[string]string{"name": "{{password}}", "password": "p"})
	if want := `CREATE ROLE "{{password}}" PASSWORD 'p' {{unknown}}`; got != want {
		t.Fatalf("Render = %q, want %q", got, want)
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"v-token-app-AbC123-1700000000", "user.name@x", "ünï"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", `a"b`, "a'b", "a`b", `a\b`, "a;b", "a\nb", "a\x00b"} {
		if err := CheckName(bad); err == nil {
			t.Errorf("CheckName(%q) accepted", bad)
		}
	}
}

// naiveSplit is the obvious splitter, right for text without quotes,
// comments or dollar signs.
func naiveSplit(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func FuzzSplitStatements(f *testing.F) {
	for _, s := range []string{
		"CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";",
		"DO $$ BEGIN CREATE ROLE x; END $$; SELECT 1",
		"SELECT $a$ ; $a$; SELECT E'\\';'; /* ; /* ; */ */ -- ;\n SELECT 2",
		"CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON *.* TO '{{name}}'@'%'; # c;\n",
		"SELECT \"a\\\";\"; SELECT `b;`",
		"$1;$$;$",
		"'", "\"", "/*", "--", "$$", "E'\\",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, pg bool) {
		d := MySQL
		if pg {
			d = Postgres
		}
		got := SplitStatements(s, d)
		for _, p := range got {
			if p == "" || p != strings.TrimSpace(p) {
				t.Fatalf("piece %q is empty or untrimmed", p)
			}
			if !strings.Contains(s, p) {
				t.Fatalf("piece %q is not a substring of the input", p)
			}
		}
		// Each piece is one whole statement: split alone, it stays as is.
		for _, p := range got {
			if again := SplitStatements(p, d); len(again) != 1 || again[0] != p {
				t.Fatalf("piece %q of %q splits into %q", p, s, again)
			}
		}
		// Without any lexical special character the naive split is right.
		if !strings.ContainsAny(s, "'\"`$-#/\\") {
			if want := naiveSplit(s); !slices.Equal(got, want) {
				t.Fatalf("SplitStatements(%q) = %q, naive %q", s, got, want)
			}
		}
	})
}
