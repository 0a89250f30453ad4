package volume

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/secretsync"
	"github.com/cofre-io/cofre/pkg/atomicwriter"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

// fetched is one successful provider answer with the class it was for.
type fetched struct {
	class    *secretsstorev1.SecretProviderClass
	interval time.Duration
	resp     *providerclient.MountResponse
}

// firstMount mounts v and fills it; on error the caller unmounts.
func (m *Manager) firstMount(ctx context.Context, v *vol) error {
	// Read the class and find the provider before mounting anything.
	class, interval, prov, err := m.resolve(ctx, v)
	if err != nil {
		return err
	}
	if err := m.cfg.Mounter.Mount(v.target, v.fsGroup); err != nil {
		return err
	}
	if v.writer, err = atomicwriter.New(v.target, atomicwriter.Options{FSGroup: v.fsGroup}); err != nil {
		return err
	}
	resp, err := m.callProvider(ctx, v, class, prov)
	if err != nil {
		return err
	}
	f := fetched{class: class, interval: interval, resp: resp}
	res, err := v.writer.Write(payload(resp.Files))
	if err != nil {
		return fmt.Errorf("writing the volume: %w", err)
	}
	if m.cfg.Statuses != nil {
		if v.owner, err = m.cfg.Statuses.Upsert(ctx, m.status(v, resp)); err != nil {
			return err
		}
	}
	v.objects, v.interval, v.failures = resp.ObjectVersions, interval, 0
	m.syncSecrets(ctx, v, f)
	next := m.cfg.Policy.AfterSuccess(m.cfg.Clock.Now(), interval, resp.RefreshAfter)
	m.sched.Schedule(v.target, next)
	m.cfg.Logger.Info("volume published", "target", v.target, "pod", podName(v.spec.Pod), "class", v.class,
		"files", len(resp.Files), "version", res.Version, "next_refresh", next)
	return nil
}

// refresh fetches v's content again and applies it; failures keep the
// files and schedule a retry.
func (m *Manager) refresh(ctx context.Context, v *vol, trigger string) {
	f, res, err := m.tryRefresh(ctx, v)
	now := m.cfg.Clock.Now()
	if err != nil {
		v.failures++
		next := m.cfg.Policy.AfterFailure(now, v.failures, v.interval)
		m.sched.Schedule(v.target, next)
		m.countRefresh(trigger, resultError)
		m.cfg.Logger.Warn("refresh failed; files kept", "target", v.target, "pod", podName(v.spec.Pod),
			"failures", v.failures, "retry", next, "err", err)
		m.event(ctx, v, eventWarning, ReasonRotationFailed, fmt.Sprintf("refresh failed, files kept, retry at %s: %v", next.UTC().Format(time.RFC3339), err))
		return
	}
	v.failures = 0
	next := m.cfg.Policy.AfterSuccess(now, f.interval, f.resp.RefreshAfter)
	m.sched.Schedule(v.target, next)
	if res.Changed {
		m.countRefresh(trigger, resultChanged)
		m.cfg.Logger.Info("volume rotated", "target", v.target, "pod", podName(v.spec.Pod), "version", res.Version, "next_refresh", next)
		m.event(ctx, v, eventNormal, ReasonRotated, "volume content updated to version "+strconv.FormatUint(res.Version, 10))
	} else {
		m.countRefresh(trigger, resultUnchanged)
	}
}

func (m *Manager) tryRefresh(ctx context.Context, v *vol) (fetched, atomicwriter.Result, error) {
	mounted, err := m.cfg.Mounter.IsMounted(v.target)
	if err != nil {
		return fetched{}, atomicwriter.Result{}, err
	}
	if !mounted {
		return fetched{}, atomicwriter.Result{}, fmt.Errorf("%w at %s", ErrNotMounted, v.target)
	}
	class, interval, prov, err := m.resolve(ctx, v)
	if err != nil {
		return fetched{}, atomicwriter.Result{}, err
	}
	v.interval = interval
	resp, err := m.callProvider(ctx, v, class, prov)
	if err != nil {
		return fetched{}, atomicwriter.Result{}, err
	}
	res, err := v.writer.Write(payload(resp.Files))
	if err != nil {
		return fetched{}, atomicwriter.Result{}, fmt.Errorf("writing the volume: %w", err)
	}
	f := fetched{class: class, interval: interval, resp: resp}
	if m.cfg.Statuses != nil {
		owner, err := m.cfg.Statuses.Upsert(ctx, m.status(v, resp))
		if err != nil {
			m.cfg.Logger.Warn("updating the pod status object", "target", v.target, "err", err)
		} else {
			v.owner = owner
		}
	}
	v.objects = resp.ObjectVersions
	m.syncSecrets(ctx, v, f)
	return f, res, nil
}

// resolve reads v's class, its interval and its provider.
func (m *Manager) resolve(ctx context.Context, v *vol) (*secretsstorev1.SecretProviderClass, time.Duration, Provider, error) {
	class, err := m.cfg.Classes.Get(ctx, v.spec.Pod.Namespace, v.class)
	if err != nil {
		return nil, 0, nil, err
	}
	interval, err := ClassInterval(class)
	if err != nil {
		return nil, 0, nil, err
	}
	name := string(class.Spec.Provider)
	if name == "" {
		return nil, 0, nil, fmt.Errorf("%w: %s/%s names no provider", ErrBadClass, class.Namespace, class.Name)
	}
	prov, err := m.cfg.Providers.Get(name)
	if err != nil {
		return nil, 0, nil, err
	}
	return class, interval, prov, nil
}

func (m *Manager) callProvider(ctx context.Context, v *vol, class *secretsstorev1.SecretProviderClass, prov Provider) (*providerclient.MountResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.ProviderTimeout)
	defer cancel()
	start := m.cfg.Clock.Now()
	resp, err := prov.Mount(ctx, &providerclient.MountRequest{
		Attributes:            attributes.ProviderAttributes(class.Spec.Parameters, v.spec.Attributes),
		Secrets:               v.secrets,
		TargetPath:            v.target,
		Permission:            os.FileMode(m.cfg.Permission),
		CurrentObjectVersions: v.objects,
	})
	m.observeProvider(string(class.Spec.Provider), m.cfg.Clock.Now().Sub(start), err)
	return resp, err
}

func (m *Manager) status(v *vol, resp *providerclient.MountResponse) kubeapi.PodStatus {
	return kubeapi.PodStatus{Pod: v.spec.Pod, Class: v.class, Target: v.target, NodeID: m.cfg.NodeID, Objects: resp.ObjectVersions}
}

// syncSecrets writes the class's secretObjects; failures are reported as
// events and retried with the next refresh, never failing the mount.
func (m *Manager) syncSecrets(ctx context.Context, v *vol, f fetched) {
	if m.cfg.Secrets == nil || len(f.class.Spec.SecretObjects) == 0 {
		return
	}
	files := make(map[string][]byte, len(f.resp.Files))
	for _, file := range f.resp.Files {
		files[file.Path] = file.Contents
	}
	secrets, err := secretsync.Build(v.spec.Pod.Namespace, f.class.Spec.SecretObjects, files)
	if err == nil && v.owner.UID == "" {
		err = errors.New("no status object to own the secrets")
	}
	for _, s := range secrets {
		if err != nil {
			break
		}
		_, err = m.cfg.Secrets.Apply(ctx, s, v.owner)
	}
	if err != nil {
		m.cfg.Logger.Warn("secret sync failed", "target", v.target, "pod", podName(v.spec.Pod), "err", err)
		m.event(ctx, v, eventWarning, ReasonSecretSyncFailed, err.Error())
	}
}

func payload(files []providerclient.File) []atomicwriter.File {
	out := make([]atomicwriter.File, len(files))
	for i, f := range files {
		out[i] = atomicwriter.File{Path: f.Path, Mode: f.Mode, Data: f.Contents}
	}
	return out
}

func podName(p attributes.Pod) string { return p.Namespace + "/" + p.Name }
