package audit

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the audit layer's Prometheus collectors, in a registry of
// their own (no global state): the HTTP layer may serve Registry() as is or
// merge it into a larger one.
type Metrics struct {
	registry         *prometheus.Registry
	requestFailures  *prometheus.CounterVec
	responseFailures *prometheus.CounterVec
}

// NewMetrics returns fresh collectors registered in a new registry.
//
//	cofre_audit_log_request_failures_total{device="file/"}
//	cofre_audit_log_response_failures_total{device="file/"}
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requestFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cofre", Subsystem: "audit", Name: "log_request_failures_total",
			Help: "Request entries an audit device failed to record.",
		}, []string{"device"}),
		responseFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cofre", Subsystem: "audit", Name: "log_response_failures_total",
			Help: "Response entries an audit device failed to record.",
		}, []string{"device"}),
	}
	m.registry.MustRegister(m.requestFailures, m.responseFailures)
	return m
}

// Registry is where the collectors live.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

func (m *Metrics) failed(kind, device string) {
	if kind == TypeRequest {
		m.requestFailures.WithLabelValues(device).Inc()
		return
	}
	m.responseFailures.WithLabelValues(device).Inc()
}
