package raft

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"slices"

	"github.com/hashicorp/go-hclog"
)

// levelTrace is the slog level for hclog's Trace, below slog.LevelDebug.
const levelTrace = slog.LevelDebug - 4

// hclogAdapter lets hashicorp/raft log through a *slog.Logger. The slog
// handler decides what is enabled, so SetLevel is ignored.
type hclogAdapter struct {
	root *slog.Logger
	name string
	args []any
	l    *slog.Logger // root with args and name applied
}

var _ hclog.Logger = (*hclogAdapter)(nil)

func newHCLogger(root *slog.Logger, name string) *hclogAdapter {
	return (&hclogAdapter{root: root}).derive(name, nil)
}

func (a *hclogAdapter) derive(name string, args []any) *hclogAdapter {
	l := a.root.With(args...)
	if name != "" {
		l = l.With("logger", name)
	}
	return &hclogAdapter{root: a.root, name: name, args: args, l: l}
}

func toSlogLevel(level hclog.Level) slog.Level {
	switch level {
	case hclog.Trace:
		return levelTrace
	case hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

func (a *hclogAdapter) Log(level hclog.Level, msg string, args ...any) {
	a.l.Log(context.Background(), toSlogLevel(level), msg, formatArgs(args)...)
}

// formatArgs renders hclog.Format values (printf-style pairs hclog expands
// itself) so slog does not print them raw. args is modified in place.
func formatArgs(args []any) []any {
	for i, v := range args {
		if f, ok := v.(hclog.Format); ok && len(f) > 0 {
			if format, ok := f[0].(string); ok {
				args[i] = fmt.Sprintf(format, f[1:]...)
			}
		}
	}
	return args
}

func (a *hclogAdapter) Trace(msg string, args ...any) { a.Log(hclog.Trace, msg, args...) }
func (a *hclogAdapter) Debug(msg string, args ...any) { a.Log(hclog.Debug, msg, args...) }
func (a *hclogAdapter) Info(msg string, args ...any)  { a.Log(hclog.Info, msg, args...) }
func (a *hclogAdapter) Warn(msg string, args ...any)  { a.Log(hclog.Warn, msg, args...) }
func (a *hclogAdapter) Error(msg string, args ...any) { a.Log(hclog.Error, msg, args...) }

func (a *hclogAdapter) enabled(level hclog.Level) bool {
	return a.l.Enabled(context.Background(), toSlogLevel(level))
}

func (a *hclogAdapter) IsTrace() bool { return a.enabled(hclog.Trace) }
func (a *hclogAdapter) IsDebug() bool { return a.enabled(hclog.Debug) }
func (a *hclogAdapter) IsInfo() bool  { return a.enabled(hclog.Info) }
func (a *hclogAdapter) IsWarn() bool  { return a.enabled(hclog.Warn) }
func (a *hclogAdapter) IsError() bool { return a.enabled(hclog.Error) }

func (a *hclogAdapter) ImpliedArgs() []any { return slices.Clone(a.args) }

func (a *hclogAdapter) With(args ...any) hclog.Logger {
	return a.derive(a.name, append(slices.Clone(a.args), args...))
}

func (a *hclogAdapter) Name() string { return a.name }

func (a *hclogAdapter) Named(name string) hclog.Logger {
	if a.name != "" {
		name = a.name + "." + name
	}
	return a.derive(name, a.args)
}

func (a *hclogAdapter) ResetNamed(name string) hclog.Logger { return a.derive(name, a.args) }

func (a *hclogAdapter) SetLevel(hclog.Level) {}

func (a *hclogAdapter) GetLevel() hclog.Level {
	for _, lv := range []hclog.Level{hclog.Trace, hclog.Debug, hclog.Info, hclog.Warn, hclog.Error} {
		if a.enabled(lv) {
			return lv
		}
	}
	return hclog.Off
}

func (a *hclogAdapter) StandardLogger(*hclog.StandardLoggerOptions) *log.Logger {
	return slog.NewLogLogger(a.l.Handler(), slog.LevelInfo)
}

func (a *hclogAdapter) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	return a.StandardLogger(opts).Writer()
}
