package volume_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	dynfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/mounter"
	"github.com/cofre-io/cofre/csi/rotation"
	"github.com/cofre-io/cofre/csi/rotation/rotationtest"
	"github.com/cofre-io/cofre/csi/secretsync"
	"github.com/cofre-io/cofre/csi/volume"
	"github.com/cofre-io/cofre/pkg/providerclient"
	"github.com/cofre-io/cofre/pkg/providerclient/providertest"
)

var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

const interval = 2 * time.Minute

// classes is an in-memory Classes.
type classes struct {
	mu sync.Mutex
	m  map[string]*secretsstorev1.SecretProviderClass
}

func (c *classes) Get(_ context.Context, ns, name string) (*secretsstorev1.SecretProviderClass, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	spc, ok := c.m[ns+"/"+name]
	if !ok {
		return nil, fmt.Errorf("%w: %s/%s", kubeapi.ErrClassNotFound, ns, name)
	}
	return spc.DeepCopy(), nil
}

func (c *classes) put(spc *secretsstorev1.SecretProviderClass) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[spc.Namespace+"/"+spc.Name] = spc
}

// event is a recorded event.
type event struct{ typ, reason, msg string }

type events struct {
	mu  sync.Mutex
	got []event
}

func (e *events) Event(_ context.Context, _ attributes.Pod, typ, reason, msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, event{typ, reason, msg})
}

func (e *events) reasons() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.got {
		out = append(out, ev.reason)
	}
	return out
}

// env is a Manager with real kubeapi and secretsync over fake clients,
// a Dir mounter, a fake provider on a real socket and a fake clock.
type env struct {
	m        *volume.Manager
	clock    *rotationtest.FakeClock
	classes  *classes
	provider *providertest.Provider
	dyn      *dynfake.FakeDynamicClient
	kube     *fake.Clientset
	events   *events
	dir      string // parent of targets
}

func newEnv(t *testing.T, h providertest.Handler) *env {
	t.Helper()
	sockets := t.TempDir()
	e := &env{
		clock:   rotationtest.NewFakeClock(t0),
		classes: &classes{m: map[string]*secretsstorev1.SecretProviderClass{}},
		dyn: dynfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
			kubeapi.PodStatusResource: "SecretProviderClassPodStatusList",
		}),
		kube:   fake.NewClientset(),
		events: &events{},
		dir:    t.TempDir(),
	}
	// The API server gives objects UIDs; the fake does not.
	e.dyn.PrependReactor("create", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if u, ok := a.(k8stesting.CreateAction).GetObject().(*unstructured.Unstructured); ok && u.GetUID() == "" {
			u.SetUID(types.UID("uid-" + u.GetName()))
		}
		return false, nil, nil
	})
	e.provider = providertest.Start(t, sockets, "fake", h)
	pool := providerclient.NewPool(sockets, providerclient.Options{})
	t.Cleanup(func() { _ = pool.Close() })
	e.classes.put(class("db", nil))
	m, err := volume.New(volume.Config{
		NodeID:    "node-1",
		Mounter:   mounter.Dir{},
		Classes:   e.classes,
		Providers: volume.PoolProviders{Pool: pool},
		Statuses:  &kubeapi.PodStatuses{Client: e.dyn},
		Secrets:   &secretsync.Syncer{Client: e.kube},
		Events:    e.events,
		Policy:    rotation.Policy{Interval: interval, MinBackoff: 5 * time.Second, MaxBackoff: time.Minute},
		Clock:     e.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.m = m
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

func class(name string, annotations map[string]string) *secretsstorev1.SecretProviderClass {
	spc := &secretsstorev1.SecretProviderClass{}
	spc.Name, spc.Namespace, spc.Annotations = name, "ns", annotations
	spc.Spec.Provider = "fake"
	spc.Spec.Parameters = map[string]string{"roleName": "app"}
	spc.Spec.SecretObjects = []*secretsstorev1.SecretObject{{
		SecretName: "db-secret",
		Data:       []*secretsstorev1.SecretObjectData{{ObjectName: "password", Key: "pw"}},
	}}
	return spc
}

func (e *env) request(target string) volume.Request {
	v, err := attributes.Parse(map[string]string{
		attributes.Class: "db", attributes.PodName: "app-0", attributes.PodNamespace: "ns",
		attributes.PodUID: "uid-1", attributes.ServiceAccount: "app", attributes.Ephemeral: "true",
	})
	if err != nil {
		panic(err)
	}
	return volume.Request{VolumeID: "vol-1", Target: filepath.Join(e.dir, target), Volume: v}
}

func (e *env) read(t *testing.T, target, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, target, file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// advance moves the clock once the scheduler sleeps on its one timer (so
// that the timer is not created after the clock moved).
func (e *env) advance(t *testing.T, d time.Duration) {
	t.Helper()
	waitFor(t, "the scheduler to sleep", func() bool { return e.clock.Timers() == 1 })
	e.clock.Advance(d)
}

// waitFor polls cond until it holds or 10 seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling with a deadline
	}
}

// content is a provider handler whose password can be changed.
type content struct {
	mu       sync.Mutex
	password string
	hint     time.Time
}

func (c *content) set(pw string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.password = pw
}

func (c *content) handler(ctx context.Context, _ *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
	c.mu.Lock()
	pw, hint := c.password, c.hint
	c.mu.Unlock()
	if !hint.IsZero() {
		if err := setHint(ctx, hint); err != nil {
			return nil, err
		}
	}
	return &v1alpha1.MountResponse{
		ObjectVersion: []*v1alpha1.ObjectVersion{{Id: "password", Version: pw}},
		Files: []*v1alpha1.File{
			{Path: "password", Mode: 0o600, Contents: []byte(pw)},
			{Path: "config/user", Mode: 0o644, Contents: []byte("app")},
		},
	}, nil
}
