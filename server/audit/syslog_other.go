//go:build windows || plan9

package audit

// NewSyslogDevice reports that syslog does not exist on this platform.
func NewSyslogDevice(DeviceConfig) (Device, error) {
	return nil, invalid(ErrInvalidOption, "the syslog audit device is not supported on this platform")
}
