package params

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits on outside input, far above what a real volume needs.
const (
	// MaxObjects bounds the objects of one class.
	MaxObjects = 1000
	// MaxInputSize bounds each of the attributes and secrets JSON.
	MaxInputSize = 4 << 20
)

// DefaultPermission is the file mode used when the driver sends none.
const DefaultPermission os.FileMode = 0o644

// DefaultAuthMountPath is the kubernetes auth mount used when the class
// names none.
const DefaultAuthMountPath = "kubernetes"

// Parse parses a Mount request. attributes is the JSON object of string
// values the driver sends; secrets the JSON object of the node-publish
// secrets (may be empty); permission the JSON number of the default file
// mode (may be empty). Errors wrap ErrInvalid.
func Parse(attributes, secrets, permission, targetPath string) (*Request, error) {
	attrs, err := decodeStringMap("attributes", attributes)
	if err != nil {
		return nil, err
	}
	secretMap, err := decodeStringMap("secrets", secrets)
	if err != nil {
		return nil, err
	}
	r := &Request{TargetPath: targetPath}
	if r.Permission, err = parsePermission(permission); err != nil {
		return nil, err
	}
	if err := checkKeys(attrs); err != nil {
		return nil, err
	}
	if r.Pod, err = parsePod(attrs); err != nil {
		return nil, err
	}
	tokens := attrs[AttrTokens]
	if tokens == "" {
		tokens = secretMap[AttrTokens]
	}
	if r.Tokens, err = parseTokens(tokens); err != nil {
		return nil, err
	}
	if r.Class, err = parseClass(attrs); err != nil {
		return nil, err
	}
	return r, nil
}

func decodeStringMap(what, s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return map[string]string{}, nil
	}
	if len(s) > MaxInputSize {
		return nil, fmt.Errorf("%w: %s larger than %d bytes", ErrInvalid, what, MaxInputSize)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("%w: %s is not a JSON object of strings", ErrInvalid, what)
	}
	if m == nil {
		m = map[string]string{}
	}
	return m, nil
}

func parsePermission(s string) (os.FileMode, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultPermission, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 || n > 0o777 {
		return 0, fmt.Errorf("%w: permission %q is not a file mode between 1 and 0777", ErrInvalid, truncate(s))
	}
	return os.FileMode(n), nil
}

// checkKeys refuses unknown attributes, naming them (sorted).
func checkKeys(attrs map[string]string) error {
	var unknown []string
	for k := range attrs {
		if knownParams[k] || driverKeys[k] || strings.HasPrefix(k, kubeletPrefix) {
			continue
		}
		unknown = append(unknown, strconv.Quote(truncate(k)))
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fmt.Errorf("%w: unknown parameter %s", ErrInvalid, strings.Join(unknown, ", "))
}

func parsePod(attrs map[string]string) (Pod, error) {
	p := Pod{
		Name:           attrs[AttrPodName],
		Namespace:      attrs[AttrPodNamespace],
		UID:            attrs[AttrPodUID],
		ServiceAccount: attrs[AttrServiceAccount],
	}
	var missing []string
	for _, f := range []struct{ key, val string }{
		{AttrPodName, p.Name}, {AttrPodNamespace, p.Namespace}, {AttrPodUID, p.UID}, {AttrServiceAccount, p.ServiceAccount},
	} {
		if f.val == "" {
			missing = append(missing, f.key)
		}
	}
	if len(missing) > 0 {
		return Pod{}, fmt.Errorf("%w: missing pod information %s (the CSIDriver needs podInfoOnMount: true)",
			ErrInvalid, strings.Join(missing, ", "))
	}
	return p, nil
}

// tokenEntry is the kubelet's encoding of one requested token.
type tokenEntry struct {
	Token               string    `json:"token"`
	ExpirationTimestamp time.Time `json:"expirationTimestamp"`
}

func parseTokens(s string) (map[string]ServiceAccountToken, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var m map[string]tokenEntry
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("%w: %s is not a JSON object of {token, expirationTimestamp}", ErrInvalid, AttrTokens)
	}
	out := make(map[string]ServiceAccountToken, len(m))
	for aud, e := range m {
		if e.Token == "" {
			continue
		}
		out[aud] = ServiceAccountToken{Token: e.Token, Expiry: e.ExpirationTimestamp}
	}
	return out, nil
}

// truncate shortens outside strings quoted in errors.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
