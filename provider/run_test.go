package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/providertest"
)

func TestParseFlags(t *testing.T) {
	env := map[string]string{"COFRE_ADDR": "https://cofre.cofre.svc:8200", "POD_NAMESPACE": "cofre"}
	var stderr bytes.Buffer
	c, err := ParseFlags([]string{"-endpoint", "/tmp/x.sock", "-metrics-addr", ":9090"}, func(k string) string { return env[k] }, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "https://cofre.cofre.svc:8200" || c.HMACSecretNamespace != "cofre" || c.HMACSecretName != DefaultHMACSecretName ||
		c.Endpoint != "/tmp/x.sock" || c.MetricsAddr != ":9090" || c.HealthAddr != ":8080" {
		t.Fatalf("%+v", c)
	}
	c, err = ParseFlags([]string{"-hmac-secret-name", "kube-system/key"}, func(string) string { return "" }, &stderr)
	if err != nil || c.HMACSecretNamespace != "kube-system" || c.HMACSecretName != "key" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, args := range [][]string{{"-addr", "cofre:8200"}, {"-cache-idle", "0s"}, {"extra"}, {"-log-level", "loud"}} {
		if _, err := ParseFlags(args, func(string) string { return "" }, &stderr); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if code := Main(context.Background(), []string{"-nope"}, &stderr, &stderr, func(string) string { return "" }); code != 2 {
		t.Fatalf("exit %d", code)
	}
}

// TestRunServesMounts runs the whole provider (socket, gRPC, sessions,
// cache) against an in-process server and mounts through gRPC as the
// driver does.
func TestRunServesMounts(t *testing.T) {
	clock := providertest.NewClock(time.Now().UTC().Truncate(time.Second))
	srv := providertest.StartServer(t, clock)
	kube := providertest.NewKube(t, clock)
	srv.EnableKubernetes(t, "kubernetes", kube)
	srv.Policy(t, "app", `path "secret/data/app/*" { capabilities = ["read"] }`)
	srv.Write(t, "auth/kubernetes/role/app", map[string]any{
		"bound_service_account_names": "app", "bound_service_account_namespaces": "shop", "policies": "app",
	})
	srv.PutKV(t, "app/db", map[string]any{"password": "s3cret"})

	dir := t.TempDir()
	keyFile := filepath.Join(dir, "hmac")
	if err := os.WriteFile(keyFile, []byte("0123456789abcdef0123456789abcdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseFlags([]string{"-endpoint", filepath.Join(dir, "cofre.sock"), "-addr", srv.Addr, "-hmac-key-file", keyFile,
		"-health-addr", "", "-metrics-addr", ""}, func(string) string { return "" }, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() { done <- Run(ctx, cfg, newLogger(cfg, &logs)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	conn, err := grpc.NewClient("unix:"+cfg.Endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := v1alpha1.NewCSIDriverProviderClient(conn)
	podTok := kube.Mint(providertest.Account{Namespace: "shop", ServiceAccount: "app", PodName: "p", PodUID: "uid-p"})
	tokens, _ := json.Marshal(map[string]any{"": map[string]string{"token": podTok, "expirationTimestamp": clock.Now().Add(time.Hour).Format(time.RFC3339)}})
	attrs, _ := json.Marshal(map[string]string{
		"roleName": "app", "objects": "- {objectName: db-password, secretPath: secret/data/app/db, secretKey: password, filePermission: 0600}",
		params.AttrPodName: "p", params.AttrPodNamespace: "shop", params.AttrPodUID: "uid-p", params.AttrServiceAccount: "app",
		params.AttrTokens: string(tokens), "secretProviderClass": "app",
	})
	// The socket may not exist yet: the call waits for it, with a deadline.
	var hdr metadata.MD
	callCtx, callCancel := context.WithTimeout(ctx, 10*time.Second)
	defer callCancel()
	resp, err := client.Mount(callCtx, &v1alpha1.MountRequest{Attributes: string(attrs), Secrets: "{}", Permission: "420", TargetPath: "/t"},
		grpc.Header(&hdr), grpc.WaitForReady(true))
	if err != nil {
		t.Fatalf("mount: %v\n%s", err, logs.String())
	}
	if len(resp.Files) != 1 || resp.Files[0].Path != "db-password" || string(resp.Files[0].Contents) != "s3cret" || resp.Files[0].Mode != 0o600 {
		t.Fatalf("%v", resp.Files)
	}
	if _, ok := providerapi.RefreshAfter(hdr); ok {
		t.Fatal("a KV-only volume got a refresh hint")
	}
	if strings.Contains(logs.String(), "s3cret") || strings.Contains(logs.String(), podTok) {
		t.Fatal("logs hold a secret or a token")
	}
}
