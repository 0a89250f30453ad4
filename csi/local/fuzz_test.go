package local

import (
	"testing"
)

// FuzzParseClass feeds arbitrary manifests to the class parser: it never
// panics, and what it accepts is a cofre (or vault) SecretProviderClass
// with a name, a namespace and objects.
func FuzzParseClass(f *testing.F) {
	f.Add([]byte(classYAML))
	f.Add([]byte(`{"apiVersion":"secrets-store.csi.x-k8s.io/v1","kind":"SecretProviderClass","metadata":{"name":"a"},"spec":{"provider":"vault","parameters":{"objects":"- x"}}}`))
	f.Add([]byte("kind: Pod\n"))
	f.Add([]byte("a: [\n"))
	f.Add([]byte("apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: {name: a}\nspec: {provider: cofre, parameters: {objects: x}, secretObjects: [{secretName: s, data: [{objectName: o, key: k}]}]}\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		spc, err := parseClass(raw)
		if err != nil {
			return
		}
		if spc.Name == "" || spc.Namespace == "" || spc.Spec.Parameters["objects"] == "" ||
			(spc.Spec.Provider != "cofre" && spc.Spec.Provider != "vault") || spc.Kind != "SecretProviderClass" {
			t.Fatalf("accepted %+v", spc)
		}
	})
}
