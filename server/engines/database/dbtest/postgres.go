package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// pgBinDirs are where Debian installs PostgreSQL's server programs.
var pgBinDirs = []string{"/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/14/bin"}

// Postgres is a private PostgreSQL server. Its administrator is a superuser
// with a password; host connections need a password (scram-sha-256).
type Postgres struct {
	// Port is the TCP port on 127.0.0.1.
	Port int
	// AdminUser and AdminPassword are the superuser's credentials.
	AdminUser, AdminPassword string
	// URLTemplate is a connection_url for the database engine, with
	// {{username}} and {{password}} placeholders.
	URLTemplate string

	t       testing.TB
	bin     string
	dir     string
	sockDir string
	cred    *syscall.Credential

	mu   sync.Mutex
	proc *proc
}

// StartPostgres initialises a cluster in a temporary directory, starts it
// and waits until the administrator can connect. It stops at test end.
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	initdb := lookPath(t, "PostgreSQL", pgBinDirs, "initdb")
	bin := filepath.Dir(initdb)
	cred := credential(t)
	dir := workDir(t, cred)
	p := &Postgres{
		AdminUser:     "cofre_admin",
		AdminPassword: Password(),
		t:             t,
		bin:           bin,
		dir:           dir,
		cred:          cred,
	}
	p.sockDir = socketDir(t, dir, cred)
	pwfile := filepath.Join(dir, "pwfile")
	writeFileFor(t, pwfile, []byte(p.AdminPassword+"\n"), cred)
	run(t, command(cred, dir, initdb, "-D", filepath.Join(dir, "data"), "-U", p.AdminUser,
		"--pwfile="+pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions"))
	p.Port = freePort(t)
	p.URLTemplate = fmt.Sprintf("postgres://{{username}}:{{password}}@127.0.0.1:%d/postgres?sslmode=disable", p.Port)
	t.Cleanup(p.Stop)
	p.Start()
	return p
}

// Start starts the server (again, after Stop) on the same port and data
// directory and waits until it accepts the administrator.
func (p *Postgres) Start() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc != nil && !p.proc.exited() {
		return
	}
	logPath := filepath.Join(p.dir, "postgres.log")
	cmd := command(p.cred, p.dir, filepath.Join(p.bin, "postgres"),
		"-D", filepath.Join(p.dir, "data"),
		"-p", strconv.Itoa(p.Port),
		"-k", p.sockDir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=50",
		"-c", "shared_buffers=16MB",
	)
	pr, err := startProc(cmd, logPath)
	if err != nil {
		p.t.Fatalf("dbtest: start postgres: %v", err)
	}
	p.proc = pr
	if err := waitReady(pr, logPath, func(ctx context.Context) error {
		return p.Login(ctx, p.AdminUser, p.AdminPassword)
	}); err != nil {
		pr.stop(syscall.SIGQUIT)
		p.t.Fatalf("dbtest: postgres: %v", err)
	}
}

// Stop shuts the server down at once (SIGQUIT, what `pg_ctl stop -m
// immediate` sends) and waits for it. Safe to call more than once.
func (p *Postgres) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc != nil {
		p.proc.stop(syscall.SIGQUIT)
	}
}

// URL returns a connection URL for user and password.
func (p *Postgres) URL(user, password string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(user, password),
		Host:     fmt.Sprintf("127.0.0.1:%d", p.Port),
		Path:     "/postgres",
		RawQuery: "sslmode=disable&connect_timeout=5",
	}
	return u.String()
}

// Login connects as user over TCP with password and runs SELECT 1.
func (p *Postgres) Login(ctx context.Context, user, password string) error {
	db, err := sql.Open("pgx", p.URL(user, password))
	if err != nil {
		return err
	}
	defer db.Close()
	var one int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	if one != 1 {
		return fmt.Errorf("SELECT 1 returned %d", one)
	}
	return nil
}

// Admin returns a handle of the administrator, closed at test end. It keeps
// no idle connections, so it works across Stop and Start.
func (p *Postgres) Admin() *sql.DB {
	p.t.Helper()
	db, err := sql.Open("pgx", p.URL(p.AdminUser, p.AdminPassword))
	if err != nil {
		p.t.Fatalf("dbtest: %v", err)
	}
	db.SetMaxIdleConns(0)
	p.t.Cleanup(func() { db.Close() })
	return db
}

// RoleExists reports whether a role of that name is in pg_roles.
func (p *Postgres) RoleExists(ctx context.Context, name string) (bool, error) {
	db, err := sql.Open("pgx", p.URL(p.AdminUser, p.AdminPassword))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = $1", name).Scan(&n)
	return n > 0, err
}

// Password returns a random alphanumeric password for test accounts.
func Password() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "P" + string(b) + "9a"
}
