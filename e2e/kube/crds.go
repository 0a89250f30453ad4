package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// The upstream Secrets Store CSI driver module whose CRDs are installed. Its
// YAML is read from the Go module cache at run time, never copied here.
const (
	CSIDriverModule  = "sigs.k8s.io/secrets-store-csi-driver"
	CSIDriverVersion = "v1.6.0"
	// EnvCRDDir overrides the directory holding the CRD YAML files
	// (default: config/crd/bases of the module above).
	EnvCRDDir = "COFRE_CSI_CRDS"
)

// SecretProviderClass API coordinates, for the dynamic client.
const (
	SecretsStoreGroup   = "secrets-store.csi.x-k8s.io"
	SecretsStoreVersion = "v1"
)

// SecretProviderClassResource is the resource of SecretProviderClass objects.
func SecretProviderClassResource() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: SecretsStoreGroup, Version: SecretsStoreVersion, Resource: "secretproviderclasses"}
}

// SecretProviderClassPodStatusResource is the resource of
// SecretProviderClassPodStatus objects.
func SecretProviderClassPodStatusResource() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: SecretsStoreGroup, Version: SecretsStoreVersion, Resource: "secretproviderclasspodstatuses"}
}

func crdResource() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
}

// crdDir finds the CRD YAML directory: $COFRE_CSI_CRDS, else the module's
// directory as `go mod download -json` reports it (run outside this module so
// that go.mod and go.sum are left alone).
func crdDir(ctx context.Context, workDir string) (string, error) {
	if dir := os.Getenv(EnvCRDDir); dir != "" {
		return dir, nil
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("locating %s: %w (or set %s)", CSIDriverModule, err, EnvCRDDir)
	}
	cmd := exec.CommandContext(ctx, goBin, "mod", "download", "-json", CSIDriverModule+"@"+CSIDriverVersion)
	cmd.Dir = workDir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w: %s", CSIDriverModule, CSIDriverVersion, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil {
		return "", fmt.Errorf("go mod download: %w", err)
	}
	if mod.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: no directory: %s", CSIDriverModule, CSIDriverVersion, mod.Error)
	}
	return filepath.Join(mod.Dir, "config", "crd", "bases"), nil
}

// installCRDs creates every CRD found in the YAML files and waits until each
// is Established (served).
func (c *Cluster) installCRDs(ctx context.Context) error {
	dir, err := crdDir(ctx, c.Dir)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no CRD YAML in %s", dir)
	}
	var names []string
	for _, f := range files {
		objs, err := decodeYAML(f)
		if err != nil {
			return err
		}
		for _, obj := range objs {
			if obj.GetKind() != "CustomResourceDefinition" {
				continue
			}
			_, err := c.Dynamic.Resource(crdResource()).Create(ctx, obj, metav1.CreateOptions{})
			if err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("creating CRD %s: %w", obj.GetName(), err)
			}
			names = append(names, obj.GetName())
		}
	}
	for _, name := range names {
		if err := c.waitEstablished(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

// decodeYAML reads every object of a (multi-document) YAML file.
func decodeYAML(path string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 64<<10)
	var objs []*unstructured.Unstructured
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(m) == 0 {
			continue // an empty document
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
}

// waitEstablished polls the CRD until its Established condition is True.
func (c *Cluster) waitEstablished(ctx context.Context, name string) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		obj, err := c.Dynamic.Resource(crdResource()).Get(ctx, name, metav1.GetOptions{})
		if err == nil && conditionTrue(obj, "Established") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("CRD %s not established: %w (last error: %v)", name, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// conditionTrue reports whether status.conditions holds typ with status True.
func conditionTrue(obj *unstructured.Unstructured, typ string) bool {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if ok && m["type"] == typ && m["status"] == "True" {
			return true
		}
	}
	return false
}
