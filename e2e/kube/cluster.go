package kube

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Errors returned by Start and FindBinaries.
var (
	// ErrMissingBinary: kube-apiserver or etcd is not installed.
	ErrMissingBinary = errors.New("e2e binary missing")
	// ErrStart: a component did not start or did not become ready in time.
	ErrStart = errors.New("test cluster did not start")
	// ErrBadOptions: Options holds a value Start cannot use.
	ErrBadOptions = errors.New("bad test cluster options")
)

// KeyType is the kind of service-account signing key.
type KeyType int

const (
	// KeyRSA is a 2048-bit RSA key (RS256 tokens), what kubeadm clusters use.
	KeyRSA KeyType = iota
	// KeyECDSA is a P-256 key (ES256 tokens).
	KeyECDSA
)

// DefaultIssuer is the service-account issuer unless Options.Issuer is set;
// it is also the apiserver's API audience.
const DefaultIssuer = "https://kubernetes.default.svc.cluster.local"

// Options configure Start; the zero value is a usable default.
type Options struct {
	// Binaries to run; zero fields are found with FindBinaries.
	Binaries Binaries
	// Issuer is the service-account issuer (and API audience).
	Issuer string
	// ServiceAccountKey is the kind of token signing key.
	ServiceAccountKey KeyType
	// StartTimeout bounds the whole start (default 2 minutes).
	StartTimeout time.Duration
	// SkipCRDs leaves out the Secrets Store CSI CRDs.
	SkipCRDs bool
	// LogOutput receives the end of the etcd and apiserver logs when Start
	// fails (default os.Stderr).
	LogOutput io.Writer
}

func (o *Options) validate() error {
	if o.Issuer == "" {
		o.Issuer = DefaultIssuer
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 2 * time.Minute
	}
	if o.StartTimeout < 0 {
		return fmt.Errorf("%w: negative start timeout", ErrBadOptions)
	}
	if o.LogOutput == nil {
		o.LogOutput = os.Stderr
	}
	if o.Binaries.APIServer == "" || o.Binaries.Etcd == "" {
		found, err := FindBinaries()
		if err != nil {
			return err
		}
		if o.Binaries.APIServer == "" {
			o.Binaries.APIServer = found.APIServer
		}
		if o.Binaries.Etcd == "" {
			o.Binaries.Etcd = found.Etcd
		}
	}
	return nil
}

// Cluster is a running etcd and kube-apiserver on 127.0.0.1, with no
// kubelet, scheduler or controller manager: pods stay Pending, namespaces
// are never finalized, nothing is garbage collected. Its methods may be
// called concurrently; Stop ends it.
type Cluster struct {
	// Clientset and Dynamic are admin clients (group system:masters).
	Clientset kubernetes.Interface
	Dynamic   dynamic.Interface
	// RESTConfig is the admin client configuration (client certificate).
	RESTConfig *rest.Config
	// Host is the apiserver URL, https://127.0.0.1:<port>.
	Host string
	// CACert is the PEM of the CA that signed the apiserver's certificate.
	CACert []byte
	// ServiceAccountPublicKey is the PEM (PKIX) of the key verifying
	// service-account tokens.
	ServiceAccountPublicKey []byte
	// Kubeconfig is the path of an admin kubeconfig file.
	Kubeconfig string
	// Issuer is the service-account issuer ("iss" of tokens), which is also
	// the API audience tokens get when a TokenRequest names none.
	Issuer string
	// Dir is the temporary directory holding keys, etcd data and the logs
	// (etcd.log, kube-apiserver.log); Stop removes it.
	Dir string
	// StartDuration is how long Start took.
	StartDuration time.Duration

	etcd, apiserver *process
	stopOnce        sync.Once
	reviewerMu      sync.Mutex
	reviewerReady   bool
}

// Start runs etcd and kube-apiserver, waits for /readyz and installs the
// Secrets Store CSI CRDs (unless opts.SkipCRDs), waiting until they are
// Established. On error nothing is left running and the temporary directory
// is gone; the end of the logs went to opts.LogOutput.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	begin := time.Now()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	sweepStale()
	dir, err := makeDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Issuer: opts.Issuer}
	if err := c.start(ctx, opts); err != nil {
		c.DumpLogs(opts.LogOutput)
		c.Stop()
		return nil, err
	}
	c.StartDuration = time.Since(begin)
	return c, nil
}

// addrInUse is what both etcd and kube-apiserver log when a port is taken.
const addrInUse = "address already in use"

func (c *Cluster) start(ctx context.Context, opts Options) error {
	p, err := newPKI(time.Now(), opts.ServiceAccountKey)
	if err != nil {
		return fmt.Errorf("%w: keys: %w", ErrStart, err)
	}
	files, err := p.write(c.Dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStart, err)
	}
	c.CACert, c.ServiceAccountPublicKey = p.caCert, p.saPub
	admin, err := tls.X509KeyPair(p.adminCert, p.adminKey)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStart, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.caCert)
	httpc := &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			Proxy:           nil, // loopback only, whatever the environment says
			TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{admin}},
		},
	}
	defer httpc.CloseIdleConnections()

	// A port found free may be taken before a child binds it: retry then.
	for attempt := 1; ; attempt++ {
		err = c.startProcesses(ctx, opts, files, httpc)
		if err == nil {
			break
		}
		retry := attempt < 3 && ctx.Err() == nil &&
			(c.etcd.inUse() || c.apiserver.inUse())
		if !retry {
			return err
		}
		c.stopProcesses()
		_ = os.RemoveAll(filepath.Join(c.Dir, "etcd-data"))
	}
	if err := c.connect(p); err != nil {
		return fmt.Errorf("%w: %w", ErrStart, err)
	}
	if opts.SkipCRDs {
		return nil
	}
	if err := c.installCRDs(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrStart, err)
	}
	return nil
}

// startProcesses starts etcd, waits for its health, then kube-apiserver and
// waits for /readyz.
func (c *Cluster) startProcesses(ctx context.Context, opts Options, files pkiFiles, httpc *http.Client) error {
	ports, err := freePorts(3)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStart, err)
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	c.etcd, err = startProcess("etcd", opts.Binaries.Etcd, etcdArgs(c.Dir, ports[0], ports[1]), c.Dir)
	if err != nil {
		return err
	}
	if err := waitFor(ctx, "etcd", func(ctx context.Context) error {
		return etcdHealthy(ctx, httpc, etcdURL)
	}, c.etcd); err != nil {
		return err
	}
	c.Host = "https://127.0.0.1:" + strconv.Itoa(ports[2])
	c.apiserver, err = startProcess("kube-apiserver", opts.Binaries.APIServer,
		apiserverArgs(c.Dir, files, etcdURL, ports[2], opts.Issuer), c.Dir)
	if err != nil {
		return err
	}
	return waitFor(ctx, "kube-apiserver", func(ctx context.Context) error {
		return apiserverReady(ctx, httpc, c.Host)
	}, c.apiserver, c.etcd)
}

// pollInterval is how often readiness is polled while starting.
const pollInterval = 50 * time.Millisecond

// waitFor polls check until it returns nil, one of procs exits or ctx
// ends; what is awaited is named in the error.
func waitFor(ctx context.Context, what string, check func(context.Context) error, procs ...*process) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		for _, p := range procs {
			if p.exited() {
				return p.exitError()
			}
		}
		err := check(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %s not ready: %w (last: %v)", ErrStart, what, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// inUse reports whether p exited because a port was taken.
func (p *process) inUse() bool {
	return p != nil && p.exited() && p.logContains(addrInUse)
}

// DumpLogs writes the end of the etcd and kube-apiserver logs to w.
func (c *Cluster) DumpLogs(w io.Writer) {
	for _, p := range []*process{c.etcd, c.apiserver} {
		if p == nil {
			continue
		}
		fmt.Fprintf(w, "----- %s (end of %s) -----\n%s\n", p.name, p.logPath, p.logTail(16<<10))
	}
}

// Stop kills kube-apiserver and etcd, waits for them and removes Dir. It
// may be called more than once.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		c.stopProcesses()
		_ = os.RemoveAll(c.Dir)
	})
}

func (c *Cluster) stopProcesses() {
	c.apiserver.stop()
	c.etcd.stop()
	c.apiserver, c.etcd = nil, nil
}
