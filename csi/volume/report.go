package volume

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Event reasons recorded on pods.
const (
	ReasonMountFailed      = "FailedToMount"
	ReasonRotated          = "SecretRotated"
	ReasonRotationFailed   = "FailedToRotate"
	ReasonSecretSyncFailed = "FailedToSyncSecret"
)

const (
	eventNormal  = "Normal"
	eventWarning = "Warning"
)

func (m *Manager) event(ctx context.Context, v *vol, typ, reason, msg string) {
	if m.cfg.Events != nil {
		m.cfg.Events.Event(ctx, v.spec.Pod, typ, reason, msg)
	}
}

// Label values of the metrics.
const (
	metricPublish   = "publish"
	metricUnpublish = "unpublish"
	resultOK        = "ok"
	resultError     = "error"
	resultChanged   = "changed"
	resultUnchanged = "unchanged"
	triggerKubelet  = "kubelet"
	triggerSchedule = "schedule"
)

// Metrics are the driver's Prometheus metrics.
type Metrics struct {
	ops      *prometheus.CounterVec
	refresh  *prometheus.CounterVec
	provider *prometheus.HistogramVec
	volumes  prometheus.Gauge
}

// NewMetrics registers the metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cofre_csi", Name: "node_operations_total",
			Help: "NodePublishVolume (first publish) and NodeUnpublishVolume calls by result.",
		}, []string{"operation", "result"}),
		refresh: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cofre_csi", Name: "refreshes_total",
			Help: "Refreshes of published volumes by trigger (kubelet, schedule) and result (changed, unchanged, error).",
		}, []string{"trigger", "result"}),
		provider: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "cofre_csi", Name: "provider_mount_seconds",
			Help:    "Latency of provider Mount calls by provider and result.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}, []string{"provider", "result"}),
		volumes: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "cofre_csi", Name: "volumes",
			Help: "Volumes published on this node.",
		}),
	}
	for _, c := range []prometheus.Collector{m.ops, m.refresh, m.provider, m.volumes} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Manager) count(op, result string) {
	if m.cfg.Metrics != nil {
		m.cfg.Metrics.ops.WithLabelValues(op, result).Inc()
	}
}

func (m *Manager) countRefresh(trigger, result string) {
	if m.cfg.Metrics != nil {
		m.cfg.Metrics.refresh.WithLabelValues(trigger, result).Inc()
	}
}

func (m *Manager) observeProvider(name string, d time.Duration, err error) {
	if m.cfg.Metrics != nil {
		result := resultOK
		if err != nil {
			result = resultError
		}
		m.cfg.Metrics.provider.WithLabelValues(name, result).Observe(d.Seconds())
	}
}

// setVolumes updates the volume gauge (m.mu held).
func (m *Manager) setVolumes() {
	if m.cfg.Metrics != nil {
		m.cfg.Metrics.volumes.Set(float64(len(m.vols)))
	}
}
