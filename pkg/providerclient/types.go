package providerclient

import (
	"os"
	"time"
)

// MountRequest is what a driver sends for one volume.
type MountRequest struct {
	// Attributes are the SecretProviderClass parameters merged with the
	// volume attributes the kubelet passed (pod name, namespace, UID,
	// ServiceAccount name and tokens).
	Attributes map[string]string
	// Secrets are the node-publish secrets (nodePublishSecretRef); nil is
	// sent as JSON null, as the upstream driver does.
	Secrets map[string]string
	// TargetPath is where the volume is mounted.
	TargetPath string
	// Permission is the default file mode.
	Permission os.FileMode
	// CurrentObjectVersions are the versions of the objects mounted now.
	CurrentObjectVersions []ObjectVersion
}

// ObjectVersion is the version of one object of a volume.
type ObjectVersion struct {
	ID      string
	Version string
}

// File is one file of the volume, as the provider returns it. Its path is
// not checked here: the writer validates paths.
type File struct {
	Path     string
	Mode     os.FileMode
	Contents []byte
}

// MountResponse is a successful Mount.
type MountResponse struct {
	Files          []File
	ObjectVersions []ObjectVersion
	// RefreshAfter is when the provider wants the next Mount call (Cofre's
	// refresh hint); zero when it gave none.
	RefreshAfter time.Time
}

// VersionInfo is a provider's answer to Version.
type VersionInfo struct {
	// Version is the protocol version ("v1alpha1").
	Version string
	// RuntimeName and RuntimeVersion name the provider.
	RuntimeName    string
	RuntimeVersion string
}
