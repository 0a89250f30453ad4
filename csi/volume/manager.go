package volume

import (
	"context"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/rotation"
	"github.com/cofre-io/cofre/pkg/atomicwriter"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

// Request is one NodePublishVolume, already checked.
type Request struct {
	VolumeID string
	Target   string
	Volume   attributes.Volume
	// Secrets are the node-publish secrets, passed to the provider.
	Secrets map[string]string
	// FSGroup owns the files when set (volume_mount_group).
	FSGroup *int64
}

// Manager publishes, refreshes and unpublishes volumes; see the package doc.
type Manager struct {
	cfg   Config
	sched *rotation.Scheduler

	mu   sync.Mutex
	vols map[string]*vol
}

// vol is the state of one published volume. Fields after mu are guarded
// by it; id, class and podUID never change.
type vol struct {
	id, target, class, podUID string

	mu       sync.Mutex
	removed  bool // unpublished (or never published): start over
	spec     attributes.Volume
	secrets  map[string]string
	fsGroup  *int64
	writer   *atomicwriter.Writer
	objects  []providerclient.ObjectVersion
	owner    metav1.OwnerReference // the status object, for Secret owners
	interval time.Duration
	failures int
}

// New returns a Manager; call Run to start refreshing.
func New(cfg Config) (*Manager, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, vols: map[string]*vol{}}
	m.sched = rotation.NewScheduler(cfg.Clock, cfg.Workers, m.scheduled)
	return m, nil
}

// Run refreshes volumes as they fall due until ctx ends, then waits for
// refreshes under way.
func (m *Manager) Run(ctx context.Context) { m.sched.Run(ctx) }

// Publish publishes a volume, or refreshes it when it is published already
// and due. A refresh failure of a published volume is not returned (the
// files stay; it is retried): only a first publish fails.
func (m *Manager) Publish(ctx context.Context, req Request) error {
	for {
		v, fresh, err := m.lookup(req)
		if err != nil {
			return err
		}
		v.mu.Lock()
		if v.removed {
			v.mu.Unlock()
			continue // raced with an unpublish or a failed first publish
		}
		err = m.publishLocked(ctx, v, fresh, req)
		v.mu.Unlock()
		return err
	}
}

// lookup returns the target's state, creating it (fresh) when new.
func (m *Manager) lookup(req Request) (*vol, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.vols[req.Target]; ok {
		if v.id != req.VolumeID || v.class != req.Volume.Class || v.podUID != req.Volume.Pod.UID {
			return nil, false, fmt.Errorf("%w: %s holds volume %s of class %s", ErrConflict, req.Target, v.id, v.class)
		}
		return v, false, nil
	}
	v := &vol{id: req.VolumeID, target: req.Target, class: req.Volume.Class, podUID: req.Volume.Pod.UID}
	m.vols[req.Target] = v
	m.setVolumes()
	return v, true, nil
}

func (m *Manager) publishLocked(ctx context.Context, v *vol, fresh bool, req Request) error {
	v.spec, v.secrets = req.Volume, req.Secrets
	if !fresh {
		if due, ok := m.sched.Due(v.target); ok && due.After(m.cfg.Clock.Now()) {
			return nil // not due: the kubelet polls more often than we refresh
		}
		m.refresh(ctx, v, triggerKubelet)
		return nil
	}
	v.fsGroup = req.FSGroup
	mounted, err := m.cfg.Mounter.IsMounted(v.target)
	if err != nil {
		m.forget(v)
		return err
	}
	if mounted {
		// Published before this process started: adopt and refresh.
		if v.writer, err = atomicwriter.New(v.target, atomicwriter.Options{FSGroup: v.fsGroup}); err != nil {
			m.forget(v)
			return err
		}
		m.cfg.Logger.Info("adopting a volume mounted before start", "target", v.target)
		m.refresh(ctx, v, triggerKubelet)
		return nil
	}
	if err := m.firstMount(ctx, v); err != nil {
		m.event(ctx, v, eventWarning, ReasonMountFailed, err.Error())
		m.count(metricPublish, resultError)
		if uerr := m.cfg.Mounter.Unmount(v.target); uerr != nil {
			m.cfg.Logger.Error("cleaning up a failed publish", "target", v.target, "err", uerr)
		}
		m.forget(v)
		return err
	}
	m.count(metricPublish, resultOK)
	return nil
}

// forget drops v's state (v.mu held).
func (m *Manager) forget(v *vol) {
	v.removed = true
	m.mu.Lock()
	if m.vols[v.target] == v {
		delete(m.vols, v.target)
	}
	m.setVolumes()
	m.mu.Unlock()
	m.sched.Cancel(v.target)
}

// Unpublish unmounts target and removes it, its status object and its
// schedule. An unknown or already removed target is not an error; a
// target published for another volume ID wraps ErrNotFound.
func (m *Manager) Unpublish(ctx context.Context, volumeID, target string) error {
	m.mu.Lock()
	v, ok := m.vols[target]
	if ok && v.id != volumeID {
		m.mu.Unlock()
		return fmt.Errorf("%w: %s holds volume %s", ErrNotFound, target, v.id)
	}
	m.mu.Unlock()
	if ok {
		v.mu.Lock()
		defer v.mu.Unlock()
		if !v.removed {
			m.forget(v)
		}
	}
	if err := m.cfg.Mounter.Unmount(target); err != nil {
		m.count(metricUnpublish, resultError)
		return err
	}
	if ok && m.cfg.Statuses != nil {
		if err := m.cfg.Statuses.Delete(ctx, v.spec.Pod, v.class, target, m.cfg.NodeID); err != nil {
			m.cfg.Logger.Warn("deleting the pod status object", "target", target, "err", err)
		}
	}
	m.count(metricUnpublish, resultOK)
	return nil
}

// scheduled is the scheduler's callback.
func (m *Manager) scheduled(ctx context.Context, target string) {
	m.mu.Lock()
	v, ok := m.vols[target]
	m.mu.Unlock()
	if !ok {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.removed || ctx.Err() != nil {
		return
	}
	if due, ok := m.sched.Due(target); ok && due.After(m.cfg.Clock.Now()) {
		return // a republish refreshed it while this call waited
	}
	m.refresh(ctx, v, triggerSchedule)
}

// Published lists the targets of the volumes published now.
func (m *Manager) Published() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.vols))
	for t := range m.vols {
		out = append(out, t)
	}
	return out
}

// Due returns when the volume at target is next refreshed.
func (m *Manager) Due(target string) (time.Time, bool) { return m.sched.Due(target) }
