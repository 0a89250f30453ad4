package audit

import (
	"errors"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
)

// Errors of the audit layer. The client-facing ones wrap a logical kind so
// the HTTP layer answers with the right status.
var (
	// ErrRequestNotRecorded: devices are enabled and none recorded the
	// request; the request must not run (500).
	ErrRequestNotRecorded = &logical.Error{Kind: logical.ErrInternal, Msg: "audit: no audit device could record the request"}
	// ErrResponseNotRecorded: devices are enabled and none recorded the
	// response; it must not be returned (500).
	ErrResponseNotRecorded = &logical.Error{Kind: logical.ErrInternal, Msg: "audit: no audit device could record the response"}

	// ErrPathInUse: a device is enabled at this path, or at a path that
	// contains it or that it contains (400).
	ErrPathInUse = fmt.Errorf("audit: path already in use: %w", logical.ErrInvalidRequest)
	// ErrNoSuchDevice: no device at this path (400).
	ErrNoSuchDevice = fmt.Errorf("audit: no audit device at this path: %w", logical.ErrInvalidRequest)
	// ErrUnknownType: no factory for the device type (400).
	ErrUnknownType = fmt.Errorf("audit: unknown audit device type: %w", logical.ErrInvalidRequest)
	// ErrInvalidOption: an option has a bad value or a required one is
	// missing (400).
	ErrInvalidOption = fmt.Errorf("audit: invalid option: %w", logical.ErrInvalidRequest)
	// ErrDeviceTest: the device could not reach its destination when it
	// was enabled (400); nothing was stored.
	ErrDeviceTest = fmt.Errorf("audit: the audit device failed its test: %w", logical.ErrInvalidRequest)

	// ErrNotLoaded: the manager is not loaded (the server is sealed).
	ErrNotLoaded = errors.New("audit: audit table is not loaded")
	// ErrDeviceClosed: a write reached a device after it was disabled.
	ErrDeviceClosed = errors.New("audit: device is closed")
	// ErrTimeout: a device did not finish a write within the broker's
	// timeout.
	ErrTimeout = errors.New("audit: device write timed out")
)

// invalid returns a client-facing 400 naming the option problem; kind is
// one of the sentinels above and stays reachable with errors.Is.
func invalid(kind error, format string, args ...any) error {
	return &logical.Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}
