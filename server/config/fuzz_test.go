package config

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add("config.hcl", fullHCL)
	f.Add("config.hcl", okListener+okStorage)
	f.Add("config.hcl", "listener \"tcp\" { max_request_size = 1e400 }\n")
	f.Add("config.hcl", "default_lease_ttl = 9223372036854775807\n")
	f.Add("config.json", `{"listener": {"tcp": {"tls_disable": "1"}}, "storage": {"inmem": {}}}`)
	f.Add("config.json", `{"seal": [{"static": {"key_env": "X"}}, {"transit": {"disabled": true}}]}`)
	f.Add("config.json", `{"listener": [1, 2, null]}`)
	f.Fuzz(func(t *testing.T, name, src string) {
		c, err := Parse(name, []byte(src))
		if err != nil {
			if c != nil {
				t.Fatal("config and error both returned")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		if c.Storage == nil || len(c.Listeners) == 0 || c.LogLevel == "" {
			t.Fatalf("accepted config without defaults: %+v", c)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("valid config fails a second Validate: %v", err)
		}
	})
}
