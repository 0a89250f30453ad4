package csi

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/local"
	"github.com/cofre-io/cofre/csi/secretsync"
	"github.com/cofre-io/cofre/pkg/kubeclient"
)

// Main runs `cofre csi` (the driver) or `cofre csi mount` (local mode)
// until ctx ends and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "mount" {
		return local.Main(ctx, args[1:], stdout, stderr, getenv)
	}
	cfg, err := ParseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	level, _ := parseLevel(cfg.LogLevel)
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})).With("component", "csi")
	deps, err := KubeDeps(cfg, logger)
	if err != nil {
		fmt.Fprintf(stderr, "cofre csi: %v\n", err)
		return 1
	}
	d, err := NewDriver(cfg, deps)
	if err != nil {
		fmt.Fprintf(stderr, "cofre csi: %v\n", err)
		return 1
	}
	if err := d.Serve(ctx); err != nil {
		fmt.Fprintf(stderr, "cofre csi: %v\n", err)
		return 1
	}
	return 0
}

// KubeDeps builds the driver's Kubernetes-backed dependencies from
// cfg.Kubeconfig (in-cluster when empty): SecretProviderClasses, pod status
// objects, Secret sync and Events. The mounter is left to NewDriver's
// default (tmpfs).
func KubeDeps(cfg Config, logger *slog.Logger) (Deps, error) {
	rc, err := kubeclient.Load(cfg.Kubeconfig, "cofre-csi/"+Version)
	if err != nil {
		return Deps{}, err
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return Deps{}, err
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return Deps{}, err
	}
	return Deps{
		Classes:  &kubeapi.Classes{Client: dyn},
		Statuses: &kubeapi.PodStatuses{Client: dyn},
		Secrets:  &secretsync.Syncer{Client: cs},
		Events:   &kubeapi.Events{Client: cs, Component: "cofre-csi", Host: cfg.NodeID, Logger: logger},
		Logger:   logger,
	}, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("-log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}
