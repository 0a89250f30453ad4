package identity

import (
	"context"
	"errors"
	"testing"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestIdentity(t *testing.T) {
	ready := errors.New("providers directory missing")
	var notReady error
	s, err := New("secrets-store.csi.k8s.io", "1.2.3", func(context.Context) error { return notReady })
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.GetPluginInfo(t.Context(), &csi.GetPluginInfoRequest{})
	if err != nil || info.GetName() != "secrets-store.csi.k8s.io" || info.GetVendorVersion() != "1.2.3" {
		t.Errorf("GetPluginInfo = %v, %v", info, err)
	}
	caps, err := s.GetPluginCapabilities(t.Context(), &csi.GetPluginCapabilitiesRequest{})
	if err != nil || len(caps.GetCapabilities()) != 0 {
		t.Errorf("GetPluginCapabilities = %v, %v", caps, err)
	}
	p, err := s.Probe(t.Context(), &csi.ProbeRequest{})
	if err != nil || !p.GetReady().GetValue() {
		t.Errorf("Probe = %v, %v", p, err)
	}
	notReady = ready
	if _, err := s.Probe(t.Context(), &csi.ProbeRequest{}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("Probe when not ready = %v", err)
	}
	for _, bad := range []string{"", "Not_A_Name", "a-very-long-name-that-goes-on-and-on-and-on-beyond-sixty-three-chars.example.com"} {
		if _, err := New(bad, "1", nil); !errors.Is(err, ErrBadName) {
			t.Errorf("New(%q) = %v", bad, err)
		}
	}
}
