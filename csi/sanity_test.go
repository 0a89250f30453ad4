package csi_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	csispec "github.com/container-storage-interface/spec/lib/go/csi"
	"github.com/kubernetes-csi/csi-test/v5/pkg/sanity"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"google.golang.org/grpc"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"

	"github.com/cofre-io/cofre/csi"
	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/identity"
	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/mounter"
	"github.com/cofre-io/cofre/pkg/providerclient/providertest"
)

// oneClass serves a single SecretProviderClass, default/db.
type oneClass struct{ provider string }

func (c oneClass) Get(_ context.Context, ns, name string) (*secretsstorev1.SecretProviderClass, error) {
	if ns != "default" || name != "db" {
		return nil, fmt.Errorf("%w: %s/%s", kubeapi.ErrClassNotFound, ns, name)
	}
	spc := &secretsstorev1.SecretProviderClass{}
	spc.Name, spc.Namespace, spc.Spec.Provider = name, ns, secretsstorev1.Provider(c.provider)
	return spc, nil
}

// fakeController stands in for what the kubelet does with an inline
// volume: csi-sanity creates volumes through a controller, the kubelet
// would pass the pod's volume attributes instead. It is served on its own
// socket; the driver has no controller service.
type fakeController struct {
	csispec.UnimplementedControllerServer
}

func (fakeController) CreateVolume(_ context.Context, req *csispec.CreateVolumeRequest) (*csispec.CreateVolumeResponse, error) {
	return &csispec.CreateVolumeResponse{Volume: &csispec.Volume{
		VolumeId: req.GetName(),
		VolumeContext: map[string]string{
			attributes.Class: "db", attributes.PodName: "sanity", attributes.PodNamespace: "default",
			attributes.PodUID: "uid-" + req.GetName(), attributes.ServiceAccount: "default", attributes.Ephemeral: "true",
		},
	}}, nil
}

func (fakeController) DeleteVolume(context.Context, *csispec.DeleteVolumeRequest) (*csispec.DeleteVolumeResponse, error) {
	return &csispec.DeleteVolumeResponse{}, nil
}

// readOnly makes every NodePublishVolume read-only, as the kubelet sends
// Secrets Store volumes (csi-sanity publishes read-write, which the driver
// refuses).
func readOnly(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if r, ok := req.(*csispec.NodePublishVolumeRequest); ok {
		r.Readonly = true
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func TestSanity(t *testing.T) {
	dir := t.TempDir()
	providers := filepath.Join(dir, "providers")
	if err := mkdir(providers); err != nil {
		t.Fatal(err)
	}
	fake := providertest.Start(t, providers, "fake", providertest.Files(map[string]string{"password": "s3cret", "user": "app"}))
	cfg := csi.Config{
		Endpoint: "unix://" + filepath.Join(dir, "csi.sock"), NodeID: "sanity-node", DriverName: csi.DefaultDriverName,
		ProvidersDir: providers, RotationInterval: time.Minute, ProviderTimeout: 10 * time.Second, LogLevel: "info",
	}
	d, err := csi.NewDriver(cfg, csi.Deps{Mounter: mounter.Dir{}, Classes: oneClass{provider: "fake"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := d.Serve(ctx); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	defer wg.Wait()
	defer cancel()

	ctrlSock := filepath.Join(dir, "controller.sock")
	lis, err := net.Listen("unix", ctrlSock)
	if err != nil {
		t.Fatal(err)
	}
	ctrl := grpc.NewServer()
	csispec.RegisterControllerServer(ctrl, fakeController{})
	ids, err := identity.New(csi.DefaultDriverName, csi.Version, nil) // csi-sanity asks every endpoint
	if err != nil {
		t.Fatal(err)
	}
	csispec.RegisterIdentityServer(ctrl, ids)
	go func() { _ = ctrl.Serve(lis) }()
	defer ctrl.Stop()

	sc := sanity.NewTestConfig()
	sc.Address = cfg.Endpoint
	sc.ControllerAddress = "unix://" + ctrlSock
	sc.TargetPath = filepath.Join(dir, "mount")
	sc.StagingPath = filepath.Join(dir, "staging")
	sc.DialOptions = append(sc.DialOptions, grpc.WithUnaryInterceptor(readOnly))
	sanity.GinkgoTest(&sc)
	gomega.RegisterFailHandler(ginkgo.Fail)
	suite, reporter := ginkgo.GinkgoConfiguration()
	// The node service is under test: the controller specs would test the
	// stand-in controller above.
	suite.SkipStrings = []string{`\[Controller Server\]`, `\[GroupController`}
	reporter.Succinct = true
	ginkgo.RunSpecs(t, "cofre csi sanity", suite, reporter)
	if len(fake.Requests()) == 0 {
		t.Error("no spec published a volume through the provider")
	}
}
