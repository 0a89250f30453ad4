package local

import (
	"context"
	"errors"
	"fmt"
	"os"

	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
	"sigs.k8s.io/yaml"
)

// ErrClassFile: the class file is not a usable SecretProviderClass.
var ErrClassFile = errors.New("invalid SecretProviderClass file")

// maxClassFile bounds the class file.
const maxClassFile = 1 << 20

// defaultNamespace is the namespace of a class file that names none.
const defaultNamespace = "default"

// loadClass reads a SecretProviderClass from a YAML (or JSON) file.
func loadClass(path string) (*secretsstorev1.SecretProviderClass, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClassFile, err)
	}
	if st.Size() > maxClassFile {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrClassFile, path, maxClassFile)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClassFile, err)
	}
	return parseClass(raw)
}

// parseClass parses a SecretProviderClass manifest, strictly: unknown
// fields are errors.
func parseClass(raw []byte) (*secretsstorev1.SecretProviderClass, error) {
	var spc secretsstorev1.SecretProviderClass
	if err := yaml.UnmarshalStrict(raw, &spc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrClassFile, err)
	}
	if spc.Kind != "SecretProviderClass" || spc.APIVersion != secretsstorev1.GroupVersion.String() {
		return nil, fmt.Errorf("%w: kind %q apiVersion %q, want SecretProviderClass %s",
			ErrClassFile, spc.Kind, spc.APIVersion, secretsstorev1.GroupVersion)
	}
	if spc.Name == "" {
		return nil, fmt.Errorf("%w: metadata.name is empty", ErrClassFile)
	}
	switch spc.Spec.Provider {
	case "cofre", "vault":
	default:
		return nil, fmt.Errorf("%w: provider %q: local mode renders classes of provider cofre (or vault)", ErrClassFile, spc.Spec.Provider)
	}
	if spc.Spec.Parameters["objects"] == "" {
		return nil, fmt.Errorf("%w: parameters.objects is empty", ErrClassFile)
	}
	if spc.Namespace == "" {
		spc.Namespace = defaultNamespace
	}
	return &spc, nil
}

// fileClasses serves the class file to the volume manager, read again on
// every call so that edits apply at the next refresh.
type fileClasses struct{ path string }

func (f fileClasses) Get(_ context.Context, namespace, name string) (*secretsstorev1.SecretProviderClass, error) {
	spc, err := loadClass(f.path)
	if err != nil {
		return nil, err
	}
	if spc.Namespace != namespace || spc.Name != name {
		return nil, fmt.Errorf("%w: the file now holds %s/%s, not %s/%s", ErrClassFile, spc.Namespace, spc.Name, namespace, name)
	}
	return spc, nil
}
