package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/provider/mount"
	"github.com/cofre-io/cofre/provider/session"
)

// Metrics are the provider's counters and histograms.
type Metrics struct {
	mounts        *prometheus.CounterVec
	errors        *prometheus.CounterVec
	duration      prometheus.Histogram
	secrets       *prometheus.CounterVec
	logins        *prometheus.CounterVec
	tokenRenewals *prometheus.CounterVec
	leaseRenewals *prometheus.CounterVec
}

// New creates the metrics and registers them on reg.
func New(reg prometheus.Registerer) (*Metrics, error) {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cofre", Subsystem: "provider", Name: name, Help: help}, labels)
	}
	m := &Metrics{
		mounts: counter("mounts_total", "Mount calls by result.", "result"),
		errors: counter("mount_errors_total", "Failed Mount calls by error code.", "code"),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "cofre", Subsystem: "provider", Name: "mount_duration_seconds",
			Help:    "Latency of Mount calls.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}),
		secrets:       counter("secrets_total", "Secrets a Mount needed, by how they were obtained (hit: kept; renewed: kept after a lease renewal; read: read again; issued: issued and kept).", "how"),
		logins:        counter("logins_total", "Logins to the server by result.", "result"),
		tokenRenewals: counter("token_renewals_total", "Login token renewals by result.", "result"),
		leaseRenewals: counter("lease_renewals_total", "Lease renewals by result.", "result"),
	}
	for _, c := range []prometheus.Collector{m.mounts, m.errors, m.duration, m.secrets, m.logins, m.tokenRenewals, m.leaseRenewals} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func result(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// Mount records a Mount call that took d; code is "" on success.
func (m *Metrics) Mount(d time.Duration, code providerapi.Code) {
	if m == nil {
		return
	}
	m.duration.Observe(d.Seconds())
	if code == "" {
		m.mounts.WithLabelValues("ok").Inc()
		return
	}
	m.mounts.WithLabelValues("error").Inc()
	m.errors.WithLabelValues(string(code)).Inc()
}

// Secret implements mount.Observer.
func (m *Metrics) Secret(how string) {
	if m != nil {
		m.secrets.WithLabelValues(how).Inc()
	}
}

// LeaseRenewal implements mount.Observer.
func (m *Metrics) LeaseRenewal(err error) {
	if m != nil {
		m.leaseRenewals.WithLabelValues(result(err)).Inc()
	}
}

// Login implements session.Observer.
func (m *Metrics) Login(err error) {
	if m != nil {
		m.logins.WithLabelValues(result(err)).Inc()
	}
}

// TokenRenewal implements session.Observer.
func (m *Metrics) TokenRenewal(err error) {
	if m != nil {
		m.tokenRenewals.WithLabelValues(result(err)).Inc()
	}
}

var (
	_ mount.Observer   = (*Metrics)(nil)
	_ session.Observer = (*Metrics)(nil)
)
