package kubeclient

import (
	"errors"
	"testing"

	"sigs.k8s.io/yaml"
)

// FuzzKubeconfig resolves arbitrary kubeconfig documents: no panic, and
// failures are only ErrInvalid or ErrUnsupported (or a YAML error).
func FuzzKubeconfig(f *testing.F) {
	f.Add("clusters:\n- name: c\n  cluster: {server: https://k}\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\n")
	f.Add("current-context: x\ncontexts: []\n")
	f.Add("clusters:\n- name: c\n  cluster: {server: https://k, certificate-authority-data: '%%'}\ncontexts:\n- name: a\n  context: {cluster: c}\n")
	f.Fuzz(func(t *testing.T, doc string) {
		var kc kubeconfig
		if yaml.Unmarshal([]byte(doc), &kc) != nil {
			return
		}
		cfg, err := kc.restConfig(t.TempDir())
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if cfg.Host == "" {
			t.Fatal("accepted a config without a server")
		}
	})
}
