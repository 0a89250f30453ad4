package volume

import (
	"context"
	"errors"
	"log/slog"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/mounter"
	"github.com/cofre-io/cofre/csi/rotation"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

// Classes reads SecretProviderClasses (kubeapi.Classes). A missing class
// is an error wrapping kubeapi.ErrClassNotFound.
type Classes interface {
	Get(ctx context.Context, namespace, name string) (*secretsstorev1.SecretProviderClass, error)
}

// Provider answers Mount calls (*providerclient.Client).
type Provider interface {
	Mount(ctx context.Context, req *providerclient.MountRequest) (*providerclient.MountResponse, error)
}

// Providers finds a provider by the name a class gives.
type Providers interface {
	Get(name string) (Provider, error)
}

// PodStatuses keeps SecretProviderClassPodStatus objects (kubeapi.PodStatuses).
type PodStatuses interface {
	Upsert(ctx context.Context, s kubeapi.PodStatus) (metav1.OwnerReference, error)
	Delete(ctx context.Context, pod attributes.Pod, class, target, nodeID string) error
}

// SecretSyncer writes synced Secrets (secretsync.Syncer).
type SecretSyncer interface {
	Apply(ctx context.Context, s *corev1.Secret, owner metav1.OwnerReference) (bool, error)
}

// Events records pod events (kubeapi.Events); best effort.
type Events interface {
	Event(ctx context.Context, pod attributes.Pod, typ, reason, message string)
}

// PoolProviders adapts a providerclient.Pool to Providers.
type PoolProviders struct{ Pool *providerclient.Pool }

// Get implements Providers.
func (p PoolProviders) Get(name string) (Provider, error) { return p.Pool.Get(name) }

// DefaultProviderTimeout bounds one Mount call to a provider.
const DefaultProviderTimeout = 60 * time.Second

// Config holds a Manager's dependencies and settings.
type Config struct {
	// NodeID labels status objects.
	NodeID    string
	Mounter   mounter.Mounter
	Classes   Classes
	Providers Providers
	// Statuses, Secrets and Events are optional (local mode has none).
	Statuses PodStatuses
	Secrets  SecretSyncer
	Events   Events
	// Policy decides refresh times; zero fields get defaults.
	Policy rotation.Policy
	// Clock defaults to the wall clock.
	Clock rotation.Clock
	// Workers bounds concurrent scheduled refreshes.
	Workers int
	// ProviderTimeout bounds each provider call (DefaultProviderTimeout).
	ProviderTimeout time.Duration
	// Permission is the default file mode sent to providers (0644).
	Permission uint32
	Logger     *slog.Logger
	// Metrics, when set, are updated.
	Metrics *Metrics
}

func (c *Config) validate() error {
	if c.NodeID == "" {
		return errors.New("volume: no node ID")
	}
	if c.Mounter == nil || c.Classes == nil || c.Providers == nil {
		return errors.New("volume: Mounter, Classes and Providers are required")
	}
	if err := c.Policy.Validate(); err != nil {
		return err
	}
	if c.Clock == nil {
		c.Clock = rotation.RealClock{}
	}
	if c.ProviderTimeout <= 0 {
		c.ProviderTimeout = DefaultProviderTimeout
	}
	if c.Permission == 0 {
		c.Permission = 0o644
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}
