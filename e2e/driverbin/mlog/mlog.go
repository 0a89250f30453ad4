// Package mlog stands in for monis.app/mlog when building the Secrets
// Store CSI driver for Cofre's end-to-end tests: the functions the driver
// calls, implemented on klog (which the driver already configures).
package mlog

import (
	"context"
	"fmt"

	"k8s.io/klog/v2"
)

// LogFormat is a log output format.
type LogFormat string

// The formats the driver selects between. Both log through klog's text
// output here: the tests read the logs, nothing parses them.
const (
	FormatText LogFormat = "text"
	FormatJSON LogFormat = "json"
)

// Setup prepares logging and returns a function that flushes it.
func Setup() func() {
	return klog.Flush
}

// ValidateAndSetKlogLevelAndFormatGlobally checks the verbosity and the
// format; klog's own flags already set the verbosity.
func ValidateAndSetKlogLevelAndFormatGlobally(_ context.Context, level klog.Level, format LogFormat) error {
	if level < 0 {
		return fmt.Errorf("invalid log level %d", level)
	}
	switch format {
	case FormatText, FormatJSON:
		return nil
	}
	return fmt.Errorf("invalid log format %q", format)
}

// Error logs err with msg and key/value pairs.
func Error(msg string, err error, keysAndValues ...any) {
	klog.ErrorSDepth(1, err, msg, keysAndValues...)
}

// Fatal logs err and exits with status 1.
func Fatal(err error, keysAndValues ...any) {
	klog.ErrorSDepth(1, err, "fatal error", keysAndValues...)
	klog.FlushAndExit(klog.ExitFlushTimeout, 1)
}
