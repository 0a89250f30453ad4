// Package csi is `cofre csi`, Cofre's CSI node driver for Secrets Store
// inline volumes: a drop-in replacement for the upstream Secrets Store CSI
// driver (same CRDs, volume attributes and provider protocol) that writes
// files atomically into a tmpfs, owns them by the pod's fsGroup, keeps a
// ..version file, refreshes volumes as leases and certificates require
// (Cofre's provider hints when) and syncs native Secrets.
//
// This package wires the pieces: flags into a Config, Kubernetes clients,
// the volume Manager, and the gRPC Identity and Node services on the
// -endpoint unix socket, plus optional metrics and health HTTP listeners.
// `cofre csi mount` (local mode) is in csi/local. The sub-packages hold
// the logic: attributes (volume context parsing), volume (publish,
// refresh, unpublish), rotation (when to refresh), mounter (tmpfs),
// kubeapi (classes, pod statuses, events), secretsync, identity, node.
package csi
