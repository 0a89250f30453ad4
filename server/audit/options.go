package audit

import (
	"strconv"
	"strings"
)

// FormatOptions are the options every device type accepts.
type FormatOptions struct {
	// Prefix is written before each JSON line.
	Prefix string
	// LogRaw logs sensitive values in clear (no HMAC). Default false.
	LogRaw bool
	// HMACAccessor hashes token accessors. Default true.
	HMACAccessor bool
	// ElideListResponses replaces the keys and key_info of list responses
	// by their counts. Default false.
	ElideListResponses bool
	// SkipTest skips the device's reachability test when it is enabled.
	SkipTest bool
}

// ParseFormatOptions reads the common options from a device's options
// ("format" must be "json" or empty; booleans as strconv.ParseBool reads
// them) and fills the defaults.
func ParseFormatOptions(opts map[string]string) (FormatOptions, error) {
	fo := FormatOptions{HMACAccessor: true, Prefix: opts["prefix"]}
	switch f := strings.ToLower(strings.TrimSpace(opts["format"])); f {
	case "", "json":
	default:
		return fo, invalid(ErrInvalidOption, "unsupported audit format %q: only \"json\" is supported", opts["format"])
	}
	for _, b := range []struct {
		key string
		dst *bool
	}{
		{"log_raw", &fo.LogRaw},
		{"hmac_accessor", &fo.HMACAccessor},
		{"elide_list_responses", &fo.ElideListResponses},
		{"skip_test", &fo.SkipTest},
	} {
		v, ok := opts[b.key]
		if !ok || strings.TrimSpace(v) == "" {
			continue
		}
		parsed, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fo, invalid(ErrInvalidOption, "unable to parse %q: %q is not a boolean", b.key, v)
		}
		*b.dst = parsed
	}
	return fo, nil
}
