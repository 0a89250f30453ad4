package transitseal

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/cofre-io/cofre/server/seal"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	vault "github.com/hashicorp/vault/api"
)

var (
	// ErrTransitConfig is returned by New for a configuration that
	// cannot work: no address, token, key name or mount path, or TLS files
	// that do not load.
	ErrTransitConfig = errors.New("seal: transit seal configuration is invalid")
	// ErrTransitUnavailable is wrapped when the transit server cannot be
	// used right now: unreachable, sealed, failing, or refusing the token.
	// Unlike seal.ErrDecrypt it says nothing about the blob.
	ErrTransitUnavailable = errors.New("seal: transit server is unavailable")
)

// Config is the transit seal's configuration: the other server's
// address, the token, and the transit key at mount_path/keys/key_name. The
// token needs "update" on <mount_path>/encrypt/<key_name> and
// <mount_path>/decrypt/<key_name>; an AEAD key (aes256-gcm96, the default)
// is expected.
type Config struct {
	Address   string
	Token     string // secret: never logged
	KeyName   string
	MountPath string
	Namespace string
	// TLS to the transit server.
	TLSCACert     string
	TLSClientCert string
	TLSClientKey  string
	TLSServerName string
	TLSSkipVerify bool
	// DisableRenewal stops the wrapper from renewing its token (when
	// something else, such as an agent, manages it).
	DisableRenewal bool
	// Logger receives renewal problems (never the token); nil discards.
	Logger *slog.Logger
}

// transitEnv maps unset Config fields to the environment variables
// Vault reads for them.
func (c *Config) fromEnv(getenv func(string) string) error {
	for _, f := range []struct {
		dst *string
		env string
	}{
		{&c.Address, "VAULT_ADDR"}, {&c.Token, "VAULT_TOKEN"},
		{&c.KeyName, "VAULT_TRANSIT_SEAL_KEY_NAME"}, {&c.MountPath, "VAULT_TRANSIT_SEAL_MOUNT_PATH"},
		{&c.Namespace, "VAULT_NAMESPACE"}, {&c.TLSCACert, "VAULT_CACERT"},
		{&c.TLSClientCert, "VAULT_CLIENT_CERT"}, {&c.TLSClientKey, "VAULT_CLIENT_KEY"},
		{&c.TLSServerName, "VAULT_TLS_SERVER_NAME"},
	} {
		if *f.dst == "" {
			*f.dst = getenv(f.env)
		}
	}
	for _, f := range []struct {
		dst *bool
		env string
	}{{&c.TLSSkipVerify, "VAULT_SKIP_VERIFY"}, {&c.DisableRenewal, "VAULT_TRANSIT_SEAL_DISABLE_RENEWAL"}} {
		if v := getenv(f.env); v != "" && !*f.dst {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%w: %s is not a boolean", ErrTransitConfig, f.env)
			}
			*f.dst = b
		}
	}
	switch {
	case c.Address == "":
		return fmt.Errorf("%w: address is required (or VAULT_ADDR)", ErrTransitConfig)
	case c.Token == "":
		return fmt.Errorf("%w: token is required (or VAULT_TOKEN)", ErrTransitConfig)
	case c.KeyName == "":
		return fmt.Errorf("%w: key_name is required", ErrTransitConfig)
	case strings.Trim(c.MountPath, "/") == "":
		return fmt.Errorf("%w: mount_path is required", ErrTransitConfig)
	}
	return nil
}

// Transit is the transit seal: a Wrapper whose key lives in the transit
// engine of another Cofre (or Vault, or OpenBao) server. Encrypt and
// Decrypt call <mount_path>/encrypt/<key_name> and
// <mount_path>/decrypt/<key_name> there with the official Vault client.
//
// The aad is bound by putting it inside the plaintext the transit server
// encrypts, next to the secret, and checking it on the way back; this works
// with every transit server and key version, whether or not it supports
// associated_data. The plaintext sent is
//
//	1 (one byte) || uint32be(len(aad)) || aad || secret
//
// and the blob stored is the server's ciphertext string, "vault:v<N>:...".
// Rotating the transit key is safe: old versions keep decrypting.
//
// Unless DisableRenewal is set, a goroutine renews the token at half its
// TTL; Close stops it. A Transit is safe for concurrent use.
type Transit struct {
	client  *vault.Client
	encPath string
	decPath string
	addr    string
	log     *slog.Logger

	stop context.CancelFunc
	wg   sync.WaitGroup
	once sync.Once
}

var _ seal.Wrapper = (*Transit)(nil)

// transitEnvelopeVersion is the first byte of every plaintext this seal
// sends.
const transitEnvelopeVersion = 1

// New builds the transit seal from cfg, with unset fields taken from
// the environment through getenv (nil means none): VAULT_ADDR, VAULT_TOKEN,
// VAULT_TRANSIT_SEAL_KEY_NAME, VAULT_TRANSIT_SEAL_MOUNT_PATH,
// VAULT_NAMESPACE, VAULT_CACERT, VAULT_CLIENT_CERT, VAULT_CLIENT_KEY,
// VAULT_TLS_SERVER_NAME, VAULT_SKIP_VERIFY and
// VAULT_TRANSIT_SEAL_DISABLE_RENEWAL. (The Vault client also reads its own
// tuning variables, such as VAULT_MAX_RETRIES, from the process.) It does
// not contact the server; the first Encrypt or Decrypt does. Errors wrap
// ErrTransitConfig.
func New(cfg Config, getenv func(string) string) (*Transit, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if err := cfg.fromEnv(getenv); err != nil {
		return nil, err
	}
	conf := vault.DefaultConfig()
	if conf.Error != nil {
		return nil, fmt.Errorf("%w: %v", ErrTransitConfig, conf.Error)
	}
	conf.Address = cfg.Address
	tlsConf := &vault.TLSConfig{
		CACert: cfg.TLSCACert, ClientCert: cfg.TLSClientCert, ClientKey: cfg.TLSClientKey,
		TLSServerName: cfg.TLSServerName, Insecure: cfg.TLSSkipVerify,
	}
	if err := conf.ConfigureTLS(tlsConf); err != nil {
		return nil, fmt.Errorf("%w: TLS: %v", ErrTransitConfig, err)
	}
	client, err := vault.NewClient(conf)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTransitConfig, err)
	}
	client.SetToken(cfg.Token)
	if cfg.Namespace != "" {
		client.SetNamespace(cfg.Namespace)
	} else {
		client.ClearNamespace()
	}
	mount := strings.Trim(cfg.MountPath, "/")
	t := &Transit{
		client:  client,
		encPath: mount + "/encrypt/" + cfg.KeyName,
		decPath: mount + "/decrypt/" + cfg.KeyName,
		addr:    cfg.Address,
		log:     cfg.Logger,
	}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	t.stop = stop
	if !cfg.DisableRenewal {
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			t.renewLoop(ctx, timerAfter)
		}()
	}
	return t, nil
}

// Type implements Wrapper.
func (t *Transit) Type() string { return seal.TypeTransit }

// Close stops the token renewal and waits for it. It is safe to call more
// than once; Encrypt and Decrypt keep working after it.
func (t *Transit) Close() error {
	t.once.Do(t.stop)
	t.wg.Wait()
	return nil
}

// Encrypt implements Wrapper.
func (t *Transit) Encrypt(ctx context.Context, plaintext, aad []byte) ([]byte, error) {
	env := sealEnvelope(plaintext, aad)
	defer clear(env)
	b64 := base64.StdEncoding.EncodeToString(env)
	sec, err := t.client.Logical().WriteWithContext(ctx, t.encPath, map[string]any{"plaintext": b64})
	if err != nil {
		return nil, t.remoteError("encrypt", err, false)
	}
	ct, _ := dataString(sec, "ciphertext")
	if !strings.HasPrefix(ct, "vault:v") {
		return nil, fmt.Errorf("%w: %s answered encrypt without a ciphertext", ErrTransitUnavailable, t.addr)
	}
	return []byte(ct), nil
}

// Decrypt implements Wrapper.
func (t *Transit) Decrypt(ctx context.Context, blob, aad []byte) ([]byte, error) {
	if !bytes.HasPrefix(blob, []byte("vault:v")) {
		return nil, fmt.Errorf("%w: not a transit seal blob", seal.ErrDecrypt)
	}
	sec, err := t.client.Logical().WriteWithContext(ctx, t.decPath, map[string]any{"ciphertext": string(blob)})
	if err != nil {
		return nil, t.remoteError("decrypt", err, true)
	}
	b64, ok := dataString(sec, "plaintext")
	if !ok {
		return nil, fmt.Errorf("%w: %s answered decrypt without a plaintext", ErrTransitUnavailable, t.addr)
	}
	env, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("%w: the transit server returned malformed plaintext", seal.ErrDecrypt)
	}
	defer clear(env)
	return openEnvelope(env, aad)
}

// sealEnvelope lays out the plaintext the transit server encrypts:
// version || uint32be(len(aad)) || aad || plaintext.
func sealEnvelope(plaintext, aad []byte) []byte {
	env := make([]byte, 5, 5+len(aad)+len(plaintext))
	env[0] = transitEnvelopeVersion
	binary.BigEndian.PutUint32(env[1:5], uint32(len(aad)))
	return append(append(env, aad...), plaintext...)
}

// openEnvelope checks an envelope the transit server decrypted against aad
// and returns a copy of the plaintext in it.
func openEnvelope(env, aad []byte) ([]byte, error) {
	if len(env) < 5 || env[0] != transitEnvelopeVersion {
		return nil, fmt.Errorf("%w: not a transit seal envelope", seal.ErrDecrypt)
	}
	n := binary.BigEndian.Uint32(env[1:5])
	if uint64(n) > uint64(len(env)-5) || subtle.ConstantTimeCompare(env[5:5+n], aad) != 1 {
		return nil, fmt.Errorf("%w: wrong additional data", seal.ErrDecrypt)
	}
	return bytes.Clone(env[5+n:]), nil
}

// remoteError classifies a failed call. A 400 on decrypt means the
// transit server refused the blob (wrong key, tampered): seal.ErrDecrypt.
// Anything else leaves the blob's worth unknown: ErrTransitUnavailable,
// with the reason an operator needs (unreachable, sealed, permission).
func (t *Transit) remoteError(op string, err error, decrypt bool) error {
	var re *vault.ResponseError
	if errors.As(err, &re) {
		msg := strings.Join(re.Errors, "; ")
		switch {
		case decrypt && re.StatusCode == http.StatusBadRequest:
			return fmt.Errorf("%w: the transit server refused the blob: %s", seal.ErrDecrypt, msg)
		case re.StatusCode == http.StatusForbidden:
			return fmt.Errorf("%w: %s refused the seal token for %s (permission denied; check the token and its policy)", ErrTransitUnavailable, t.addr, op)
		case re.StatusCode == http.StatusServiceUnavailable:
			return fmt.Errorf("%w: %s is sealed or in standby (%s)", ErrTransitUnavailable, t.addr, msg)
		}
		return fmt.Errorf("%w: %s answered %s with HTTP %d: %s", ErrTransitUnavailable, t.addr, op, re.StatusCode, msg)
	}
	return fmt.Errorf("%w: cannot reach %s for %s: %w", ErrTransitUnavailable, t.addr, op, err)
}

// dataString reads a string from a response's data.
func dataString(sec *vault.Secret, key string) (string, bool) {
	if sec == nil || sec.Data == nil {
		return "", false
	}
	s, ok := sec.Data[key].(string)
	return s, ok
}

// timerAfter is the renewal loop's real clock.
func timerAfter(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}
