package node

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/volume"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

// volumes records calls and fails with err.
type volumes struct {
	err       error
	published []volume.Request
	removed   []string
}

func (v *volumes) Publish(_ context.Context, req volume.Request) error {
	v.published = append(v.published, req)
	return v.err
}

func (v *volumes) Unpublish(_ context.Context, id, target string) error {
	v.removed = append(v.removed, id+" "+target)
	return v.err
}

func validRequest() *csi.NodePublishVolumeRequest {
	return &csi.NodePublishVolumeRequest{
		VolumeId:   "csi-abc",
		TargetPath: "/var/lib/kubelet/pods/p/volumes/kubernetes.io~csi/secrets/mount",
		VolumeCapability: &csi.VolumeCapability{
			AccessType: &csi.VolumeCapability_Mount{Mount: &csi.VolumeCapability_MountVolume{VolumeMountGroup: "2000"}},
			AccessMode: &csi.VolumeCapability_AccessMode{Mode: csi.VolumeCapability_AccessMode_SINGLE_NODE_WRITER},
		},
		Readonly: true,
		VolumeContext: map[string]string{
			attributes.Class: "db", attributes.PodName: "app", attributes.PodNamespace: "ns", attributes.PodUID: "uid",
			attributes.ServiceAccount: "sa", attributes.Ephemeral: "true",
		},
		Secrets: map[string]string{"k": "v"},
	}
}

func TestPublishChecksFields(t *testing.T) {
	tests := []struct {
		name   string
		change func(*csi.NodePublishVolumeRequest)
		want   string
	}{
		{"no volume id", func(r *csi.NodePublishVolumeRequest) { r.VolumeId = "" }, "volume_id"},
		{"no target", func(r *csi.NodePublishVolumeRequest) { r.TargetPath = "" }, "target_path"},
		{"relative target", func(r *csi.NodePublishVolumeRequest) { r.TargetPath = "mount" }, "absolute"},
		{"unclean target", func(r *csi.NodePublishVolumeRequest) { r.TargetPath = "/a/../b" }, "clean"},
		{"no capability", func(r *csi.NodePublishVolumeRequest) { r.VolumeCapability = nil }, "volume_capability"},
		{"block", func(r *csi.NodePublishVolumeRequest) {
			r.VolumeCapability.AccessType = &csi.VolumeCapability_Block{Block: &csi.VolumeCapability_BlockVolume{}}
		}, "block"},
		{"no access type", func(r *csi.NodePublishVolumeRequest) { r.VolumeCapability.AccessType = nil }, "access_type"},
		{"read-write", func(r *csi.NodePublishVolumeRequest) { r.Readonly = false }, "readonly"},
		{"no context", func(r *csi.NodePublishVolumeRequest) { r.VolumeContext = nil }, "no volume attributes"},
		{"no class", func(r *csi.NodePublishVolumeRequest) { delete(r.VolumeContext, attributes.Class) }, "secretProviderClass"},
		{"no pod info", func(r *csi.NodePublishVolumeRequest) { delete(r.VolumeContext, attributes.PodUID) }, "podInfoOnMount"},
		{"bad group", func(r *csi.NodePublishVolumeRequest) {
			r.VolumeCapability.GetMount().VolumeMountGroup = "wheel"
		}, "group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &volumes{}
			s := New("node-1", v)
			req := validRequest()
			tt.change(req)
			_, err := s.NodePublishVolume(t.Context(), req)
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want InvalidArgument mentioning %q", err, tt.want)
			}
			if len(v.published) != 0 {
				t.Error("invalid request reached the volume manager")
			}
		})
	}
}

func TestPublish(t *testing.T) {
	v := &volumes{}
	s := New("node-1", v)
	if _, err := s.NodePublishVolume(t.Context(), validRequest()); err != nil {
		t.Fatal(err)
	}
	got := v.published[0]
	if got.VolumeID != "csi-abc" || got.Volume.Class != "db" || got.Volume.Pod.UID != "uid" || got.Secrets["k"] != "v" ||
		got.FSGroup == nil || *got.FSGroup != 2000 {
		t.Errorf("request = %+v", got)
	}
	if _, err := s.NodeUnpublishVolume(t.Context(), &csi.NodeUnpublishVolumeRequest{VolumeId: "csi-abc", TargetPath: "/t"}); err != nil {
		t.Fatal(err)
	}
	if v.removed[0] != "csi-abc /t" {
		t.Errorf("unpublished %v", v.removed)
	}
	for _, bad := range []*csi.NodeUnpublishVolumeRequest{{TargetPath: "/t"}, {VolumeId: "x"}, {VolumeId: "x", TargetPath: "t"}} {
		if _, err := s.NodeUnpublishVolume(t.Context(), bad); status.Code(err) != codes.InvalidArgument {
			t.Errorf("NodeUnpublishVolume(%v) = %v", bad, err)
		}
	}
}

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		err  error
		want codes.Code
	}{
		{fmt.Errorf("x: %w", kubeapi.ErrClassNotFound), codes.NotFound},
		{fmt.Errorf("x: %w", volume.ErrConflict), codes.AlreadyExists},
		{fmt.Errorf("x: %w", volume.ErrBadClass), codes.FailedPrecondition},
		{fmt.Errorf("x: %w", providerclient.ErrNoProvider), codes.FailedPrecondition},
		{fmt.Errorf("x: %w", providerclient.ErrBadProviderName), codes.FailedPrecondition},
		{&providerclient.Error{Provider: "p", Code: "Unavailable"}, codes.Internal},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), codes.DeadlineExceeded},
		{errors.New("disk full"), codes.Internal},
	}
	for _, tt := range tests {
		s := New("node-1", &volumes{err: tt.err})
		_, err := s.NodePublishVolume(t.Context(), validRequest())
		if status.Code(err) != tt.want || !strings.Contains(err.Error(), tt.err.Error()) {
			t.Errorf("%v -> %v, want %v with the reason", tt.err, err, tt.want)
		}
	}
}

func TestInfoAndCapabilities(t *testing.T) {
	s := New("node-1", &volumes{})
	info, err := s.NodeGetInfo(t.Context(), &csi.NodeGetInfoRequest{})
	if err != nil || info.GetNodeId() != "node-1" {
		t.Errorf("NodeGetInfo = %v, %v", info, err)
	}
	caps, err := s.NodeGetCapabilities(t.Context(), &csi.NodeGetCapabilitiesRequest{})
	if err != nil || len(caps.GetCapabilities()) != 1 || caps.GetCapabilities()[0].GetRpc().GetType() != csi.NodeServiceCapability_RPC_VOLUME_MOUNT_GROUP {
		t.Errorf("NodeGetCapabilities = %v, %v", caps, err)
	}
	if _, err := s.NodeStageVolume(t.Context(), &csi.NodeStageVolumeRequest{}); status.Code(err) != codes.Unimplemented {
		t.Errorf("NodeStageVolume = %v, want Unimplemented", err)
	}
}
