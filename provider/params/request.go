package params

import (
	"net/url"
	"os"
	"time"
)

// Request is a parsed Mount request.
type Request struct {
	Pod   Pod
	Class Class
	// Tokens are the ServiceAccount tokens the driver passed
	// (csi.storage.k8s.io/serviceAccount.tokens), by audience. They are
	// verified by the server at login, never trusted here.
	Tokens map[string]ServiceAccountToken
	// Permission is the default mode of the files (the driver's
	// "permission"; 0644 when it sends none).
	Permission os.FileMode
	// TargetPath is where the driver mounts the volume. The provider never
	// writes there; it is kept for logs.
	TargetPath string
}

// Pod is the pod the volume belongs to, as the kubelet describes it
// (CSIDriver podInfoOnMount).
type Pod struct {
	Name           string
	Namespace      string
	UID            string
	ServiceAccount string
}

// ServiceAccountToken is one entry of csi.storage.k8s.io/serviceAccount.tokens.
type ServiceAccountToken struct {
	Token  string
	Expiry time.Time
}

// Class is the SecretProviderClass's view of the server: how to reach it,
// how to log in and what to read.
type Class struct {
	// RoleName is the kubernetes auth role to log in with (required).
	RoleName string
	// Address is the server's URL; "" means the provider's default.
	Address string
	// AuthMountPath is the kubernetes auth mount, without "auth/"
	// (default "kubernetes").
	AuthMountPath string
	// Audience is the audience of the ServiceAccount token presented at
	// login; "" means the API server's default audience.
	Audience string
	TLS      TLS
	Objects  []Object
}

// TLS is the class's TLS configuration for the server connection. Empty
// fields mean the provider's defaults.
type TLS struct {
	CACertPath     string
	ServerName     string
	ClientCertPath string
	ClientKeyPath  string
	SkipVerify     bool
}

// Encoding says how a secret value is encoded on the server; the file
// receives the decoded bytes.
type Encoding string

// The encodings of an object.
const (
	EncodingUTF8   Encoding = "utf-8"
	EncodingBase64 Encoding = "base64"
	EncodingHex    Encoding = "hex"
)

// The methods an object may use.
const (
	MethodGet  = "GET"
	MethodPut  = "PUT"
	MethodPost = "POST"
)

// Object is one entry of the objects YAML.
type Object struct {
	// Name is the object's path in the volume: a file, or a directory
	// when neither Key nor Template is set (one file per key of the
	// secret). It is relative, clean and stays inside the volume.
	Name string
	// Path is the secret's API path without /v1/ and without the query.
	Path string
	// Query holds the query parameters (?version= on the path; for GET,
	// also the secretArgs).
	Query url.Values
	// Key selects one key of the secret's data.
	Key string
	// Method is GET, PUT or POST.
	Method string
	// Args is the JSON body of a PUT or POST.
	Args map[string]any
	// Encoding decodes the selected values.
	Encoding Encoding
	// Mode is the file mode; 0 means the request's Permission.
	Mode os.FileMode
	// Template, when set, is a Go text/template over the secret's data
	// whose output is the file.
	Template string
	// Optional skips the object, instead of failing the mount, when the
	// secret or the key is missing.
	Optional bool
}

// IsWrite reports whether the object's request writes (PUT or POST):
// such requests may issue something new and are never repeated needlessly.
func (o *Object) IsWrite() bool { return o.Method != MethodGet }
