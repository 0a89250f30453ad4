package local

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestParseFlags(t *testing.T) {
	env := map[string]string{"COFRE_ADDR": "https://cofre:8200", "COFRE_TOKEN": "tok"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	c, err := ParseFlags([]string{"--class", "spc.yaml", "--target", "dir"}, getenv, &out)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "https://cofre:8200" || c.Token != "tok" || c.Interval != DefaultInterval || c.AppRolePath != "approle" {
		t.Errorf("config = %+v", c)
	}
	sidFile := filepath.Join(t.TempDir(), "sid")
	if err := os.WriteFile(sidFile, []byte("secret-id\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = ParseFlags([]string{"-class", "a", "-target", "b", "-role-id", "r", "-secret-id-file", sidFile}, func(string) string { return "" }, &out)
	if err != nil || c.SecretID != "secret-id" || c.Addr != "http://127.0.0.1:8200" {
		t.Errorf("AppRole config = %+v, %v", c, err)
	}
	for _, bad := range [][]string{
		{"-target", "b"},
		{"-class", "a"},
		{"-class", "a", "-target", "b", "-role-id", "r"},
		{"-class", "a", "-target", "b", "-interval", "10ms"},
		{"-class", "a", "-target", "b", "extra"},
	} {
		if _, err := ParseFlags(bad, getenv, &out); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseFlags(%q) = %v", bad, err)
		}
	}
	if _, err := ParseFlags([]string{"-class", "a", "-target", "b"}, func(string) string { return "" }, &out); !errors.Is(err, ErrConfig) {
		t.Errorf("no credentials accepted: %v", err)
	}
}
