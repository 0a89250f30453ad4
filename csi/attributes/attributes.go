package attributes

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
)

// ErrInvalid: a volume attribute or the mount group is missing or
// malformed.
var ErrInvalid = errors.New("invalid volume attributes")

// Volume attribute keys.
const (
	// Class names the SecretProviderClass (set in the pod's manifest).
	Class = "secretProviderClass"
	// Added by the kubelet when the CSIDriver sets podInfoOnMount.
	PodName        = "csi.storage.k8s.io/pod.name"
	PodNamespace   = "csi.storage.k8s.io/pod.namespace"
	PodUID         = "csi.storage.k8s.io/pod.uid"
	ServiceAccount = "csi.storage.k8s.io/serviceAccount.name"
	Ephemeral      = "csi.storage.k8s.io/ephemeral"
	// Tokens is added by the kubelet when the CSIDriver sets tokenRequests:
	// a JSON object from audience to {token, expirationTimestamp}.
	Tokens = "csi.storage.k8s.io/serviceAccount.tokens"
)

// MaxSize bounds the total size of the attributes.
const MaxSize = 1 << 20

// Pod identifies the pod a volume belongs to.
type Pod struct {
	Name, Namespace, UID, ServiceAccount string
}

// Volume is the parsed volume context of an inline volume.
type Volume struct {
	// Class is the SecretProviderClass name, in Pod.Namespace.
	Class string
	Pod   Pod
	// TokensExpire is the earliest expiry of the ServiceAccount tokens
	// passed (zero when none were).
	TokensExpire time.Time
	// Attributes is the whole volume context, passed on to the provider.
	Attributes map[string]string
}

// Parse checks a NodePublishVolume volume context: a SecretProviderClass
// name, the pod's name, namespace and UID (podInfoOnMount), the ephemeral
// flag when present ("true": only inline volumes are served) and the
// tokens' JSON when present.
func Parse(ctx map[string]string) (Volume, error) {
	if len(ctx) == 0 {
		return Volume{}, fmt.Errorf("%w: no volume attributes", ErrInvalid)
	}
	size := 0
	for k, v := range ctx {
		size += len(k) + len(v)
	}
	if size > MaxSize {
		return Volume{}, fmt.Errorf("%w: attributes larger than %d bytes", ErrInvalid, MaxSize)
	}
	v := Volume{
		Class: ctx[Class],
		Pod: Pod{
			Name: ctx[PodName], Namespace: ctx[PodNamespace], UID: ctx[PodUID], ServiceAccount: ctx[ServiceAccount],
		},
		Attributes: maps.Clone(ctx),
	}
	if err := checkName(Class, v.Class, validation.IsDNS1123Subdomain); err != nil {
		return Volume{}, err
	}
	if err := checkName(PodName, v.Pod.Name, validation.IsDNS1123Subdomain); err != nil {
		return Volume{}, fmt.Errorf("%w (the CSIDriver needs podInfoOnMount: true)", err)
	}
	if err := checkName(PodNamespace, v.Pod.Namespace, validation.IsDNS1123Label); err != nil {
		return Volume{}, fmt.Errorf("%w (the CSIDriver needs podInfoOnMount: true)", err)
	}
	if err := checkUID(v.Pod.UID); err != nil {
		return Volume{}, err
	}
	if sa := v.Pod.ServiceAccount; sa != "" {
		if err := checkName(ServiceAccount, sa, validation.IsDNS1123Subdomain); err != nil {
			return Volume{}, err
		}
	}
	if e, ok := ctx[Ephemeral]; ok && e != "true" {
		return Volume{}, fmt.Errorf("%w: %s is %q: only inline ephemeral volumes are supported", ErrInvalid, Ephemeral, quote(e))
	}
	var err error
	if v.TokensExpire, err = tokensExpire(ctx[Tokens]); err != nil {
		return Volume{}, err
	}
	return v, nil
}

func checkName(key, val string, valid func(string) []string) error {
	if val == "" {
		return fmt.Errorf("%w: %s is missing", ErrInvalid, key)
	}
	if errs := valid(val); len(errs) > 0 {
		return fmt.Errorf("%w: %s %q: %s", ErrInvalid, key, quote(val), strings.Join(errs, "; "))
	}
	return nil
}

// checkUID accepts what Kubernetes generates (a UUID) and anything else
// printable up to 128 bytes, since the UID only ends up in object fields.
func checkUID(uid string) error {
	if uid == "" {
		return fmt.Errorf("%w: %s is missing (the CSIDriver needs podInfoOnMount: true)", ErrInvalid, PodUID)
	}
	if len(uid) > 128 {
		return fmt.Errorf("%w: %s longer than 128 bytes", ErrInvalid, PodUID)
	}
	for _, r := range uid {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("%w: %s %q has a character outside printable ASCII", ErrInvalid, PodUID, quote(uid))
		}
	}
	return nil
}

// tokenEntry is the kubelet's encoding of one requested token.
type tokenEntry struct {
	Token               string    `json:"token"`
	ExpirationTimestamp time.Time `json:"expirationTimestamp"`
}

// tokensExpire checks the tokens attribute and returns the earliest
// expiry. Token values never appear in errors.
func tokensExpire(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	var m map[string]tokenEntry
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return time.Time{}, fmt.Errorf("%w: %s is not a JSON object of {token, expirationTimestamp}", ErrInvalid, Tokens)
	}
	var earliest time.Time
	for aud, e := range m {
		if e.Token == "" {
			return time.Time{}, fmt.Errorf("%w: %s: audience %q has no token", ErrInvalid, Tokens, quote(aud))
		}
		if !e.ExpirationTimestamp.IsZero() && (earliest.IsZero() || e.ExpirationTimestamp.Before(earliest)) {
			earliest = e.ExpirationTimestamp
		}
	}
	return earliest, nil
}

// ParseMountGroup parses volume_mount_group: "" (none) or a decimal group
// ID from 0 to 2^31-1.
func ParseMountGroup(s string) (*int64, error) {
	if s == "" {
		return nil, nil
	}
	gid, err := strconv.ParseInt(s, 10, 64)
	if err != nil || gid < 0 || gid > 1<<31-1 || strconv.FormatInt(gid, 10) != s {
		return nil, fmt.Errorf("%w: volume mount group %q is not a group ID", ErrInvalid, quote(s))
	}
	return &gid, nil
}

// ProviderAttributes are the attributes sent to the provider: the class's
// parameters overlaid with every volume attribute (a volume attribute wins
// over a parameter of the same name, as with the upstream driver).
func ProviderAttributes(params, volume map[string]string) map[string]string {
	out := make(map[string]string, len(params)+len(volume))
	maps.Copy(out, params)
	maps.Copy(out, volume)
	return out
}

// quote shortens outside strings placed in errors.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
