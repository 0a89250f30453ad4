package raft

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
)

func TestHCLogAdapter(t *testing.T) {
	var buf bytes.Buffer
	root := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	l := newHCLogger(root, "raft").Named("snapshot").With("id", "s1")
	l.Info("restore progress", "pct", hclog.Fmt("%0.1f%%", 42.0))
	l.Trace("too detailed")
	out := buf.String()
	for _, want := range []string{"level=INFO", `msg="restore progress"`, "logger=raft.snapshot", "id=s1", "pct=42.0%"} {
		if !strings.Contains(out, want) {
			t.Errorf("log line %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "too detailed") {
		t.Error("trace message logged at debug level")
	}
	if l.IsTrace() || !l.IsDebug() || l.GetLevel() != hclog.Debug {
		t.Errorf("levels: trace=%v debug=%v get=%v", l.IsTrace(), l.IsDebug(), l.GetLevel())
	}
	if l.Name() != "raft.snapshot" || len(l.ImpliedArgs()) != 2 {
		t.Errorf("name %q implied %v", l.Name(), l.ImpliedArgs())
	}
}
