package csi

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	env := map[string]string{"NODE_NAME": "node-7"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	c, err := ParseFlags([]string{"-endpoint", "unix:///run/csi/csi.sock", "-rotation-interval", "30s", "-metrics-addr", ":8095"}, getenv, &out)
	if err != nil {
		t.Fatal(err)
	}
	if c.NodeID != "node-7" || c.DriverName != DefaultDriverName || c.ProvidersDir != DefaultProvidersDir ||
		c.RotationInterval != 30*time.Second || c.MetricsAddr != ":8095" || c.HealthAddr != "" {
		t.Errorf("config = %+v", c)
	}
	for _, bad := range [][]string{
		{"-endpoint", "tcp://1.2.3.4:5"},
		{"-endpoint", "unix://relative.sock"},
		{"-rotation-interval", "10ms"},
		{"-log-level", "loud"},
		{"-drivername", ""},
		{"extra"},
	} {
		if _, err := ParseFlags(bad, getenv, &out); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseFlags(%q) = %v, want ErrConfig", bad, err)
		}
	}
	if _, err := ParseFlags(nil, func(string) string { return "" }, &out); err == nil || !strings.Contains(err.Error(), "-nodeid") {
		t.Errorf("no node ID: %v", err)
	}
}

func mkdirAll(p string) error { return os.MkdirAll(p, 0o755) }
