package local

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/mounter"
	"github.com/cofre-io/cofre/csi/rotation"
	"github.com/cofre-io/cofre/csi/volume"
	"github.com/cofre-io/cofre/provider/objversion"
)

// Main runs `cofre csi mount` until ctx ends (or once, with -once) and
// returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := ParseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel))); err != nil {
		fmt.Fprintf(stderr, "-log-level %q: %v\n", cfg.LogLevel, err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})).With("component", "csi.local")
	if err := Run(ctx, cfg, log, stdout); err != nil {
		fmt.Fprintf(stderr, "cofre csi mount: %v\n", err)
		return 1
	}
	return 0
}

// localPod is the identity local volumes are recorded under.
const localPod = "local"

// Run renders cfg.Class into cfg.Target, then keeps it fresh until ctx
// ends (unless cfg.Once). It fails when the first rendering fails.
func Run(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	spc, err := loadClass(cfg.Class)
	if err != nil {
		return err
	}
	target, err := filepath.Abs(cfg.Target)
	if err != nil {
		return err
	}
	vc := vault.DefaultConfig()
	vc.Address, vc.Timeout = cfg.Addr, cfg.Timeout
	if cfg.CACert != "" {
		if err := vc.ConfigureTLS(&vault.TLSConfig{CACert: cfg.CACert}); err != nil {
			return err
		}
	}
	base, err := vault.NewClient(vc)
	if err != nil {
		return err
	}
	base.ClearToken() // never pick up a token file or variable by accident
	key, err := objversion.RandomKey()
	if err != nil {
		return err
	}
	hasher, err := objversion.New(key)
	if err != nil {
		return err
	}
	src := &source{
		auth:   &auth{base: base, token: cfg.Token, roleID: cfg.RoleID, secretID: cfg.SecretID, mount: cfg.AppRolePath, now: time.Now},
		hasher: hasher, now: time.Now, log: log, kept: map[string]*kept{},
	}
	if cfg.RoleID != "" {
		src.auth.token = "" // AppRole wins over a token in the environment
	}
	m, err := volume.New(volume.Config{
		NodeID: localPod, Mounter: mounter.NewKeep(), Classes: fileClasses{path: cfg.Class},
		Providers: oneProvider{src}, Policy: rotation.Policy{Interval: cfg.Interval}, Logger: log,
	})
	if err != nil {
		return err
	}
	pod := attributes.Pod{Name: localPod, Namespace: spc.Namespace, UID: localPod, ServiceAccount: localPod}
	req := volume.Request{VolumeID: localPod, Target: target, Volume: attributes.Volume{
		Class: spc.Name, Pod: pod,
		Attributes: map[string]string{
			attributes.Class: spc.Name, attributes.PodName: pod.Name, attributes.PodNamespace: pod.Namespace,
			attributes.PodUID: pod.UID, attributes.ServiceAccount: pod.ServiceAccount,
		},
	}}
	if err := m.Publish(ctx, req); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cofre csi mount: %s/%s rendered into %s\n", spc.Namespace, spc.Name, target)
	if cfg.Once {
		return nil
	}
	m.Run(ctx)
	return nil
}

// oneProvider serves every class with the local source.
type oneProvider struct{ src *source }

func (p oneProvider) Get(string) (volume.Provider, error) { return p.src, nil }
