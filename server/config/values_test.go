package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90s", 90 * time.Second, true},
		{"768h", 768 * time.Hour, true},
		{"1h30m", 90 * time.Minute, true},
		{"30d", 30 * 24 * time.Hour, true},
		{"3600", time.Hour, true},
		{" 60 ", time.Minute, true},
		{"0", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"-5s", 0, false},
		{"1.5d", 0, false},
		{"d", 0, false},
		{"soon", 0, false},
		{"99999999999999999999", 0, false},
		{"9999999999999d", 0, false},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestNumbersAsStrings(t *testing.T) {
	src := okListener + "storage \"raft\" {\n  path = 1.5\n  node_id = 12\n}\n"
	c, err := Parse("c.hcl", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.Storage.Path != "1.5" || c.Storage.NodeID != "12" {
		t.Errorf("storage = %+v", c.Storage)
	}
	// A huge exponent is refused rather than spelled out digit by digit.
	_, err = Parse("c.hcl", []byte(okListener+okStorage+"api_addr = 1e1000000\n"))
	if err == nil || !strings.Contains(err.Error(), "c.hcl:5,12-21: Invalid value for \"api_addr\"; the number is out of range") {
		t.Errorf("error = %v", err)
	}
}
