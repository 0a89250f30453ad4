package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

// MySQL is a private MariaDB (or MySQL) server with the grant tables on. Its
// administrator is 'cofre_admin'@'%' with every privilege and GRANT OPTION;
// root has a password too.
type MySQL struct {
	// Port is the TCP port on 127.0.0.1.
	Port int
	// AdminUser and AdminPassword are the administrator's credentials.
	AdminUser, AdminPassword string
	// RootPassword is root@localhost's password.
	RootPassword string
	// URLTemplate is a connection_url for the database engine, with
	// {{username}} and {{password}} placeholders.
	URLTemplate string

	t       testing.TB
	server  string
	dir     string
	sockDir string
	cred    *syscall.Credential

	mu   sync.Mutex
	proc *proc
}

// StartMySQL creates a data directory with mariadb-install-db, starts the
// server and creates the administrator. It stops at test end.
func StartMySQL(t testing.TB) *MySQL {
	t.Helper()
	server := lookPath(t, "MariaDB", []string{"/usr/sbin"}, "mariadbd", "mysqld")
	install := lookPath(t, "MariaDB", nil, "mariadb-install-db", "mysql_install_db")
	cred := credential(t)
	dir := workDir(t, cred)
	m := &MySQL{
		AdminUser:     "cofre_admin",
		AdminPassword: Password(),
		RootPassword:  Password(),
		t:             t,
		server:        server,
		dir:           dir,
		cred:          cred,
	}
	m.sockDir = socketDir(t, dir, cred)
	// A private temporary directory: the server's default is /tmp, shared
	// with every other test process on the machine.
	mkdirFor(t, filepath.Join(dir, "tmp"), cred)
	run(t, command(cred, dir, install, "--no-defaults", "--datadir="+filepath.Join(dir, "data"), "--tmpdir="+filepath.Join(dir, "tmp"),
		"--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"))
	m.Port = freePort(t)
	m.URLTemplate = fmt.Sprintf("{{username}}:{{password}}@tcp(127.0.0.1:%d)/", m.Port)
	t.Cleanup(m.Stop)
	m.start(func(ctx context.Context) error { return m.bootstrap(ctx) })
	return m
}

// Start starts the server again after Stop and waits until the
// administrator can log in.
func (m *MySQL) Start() {
	m.t.Helper()
	m.start(func(ctx context.Context) error { return m.Login(ctx, m.AdminUser, m.AdminPassword) })
}

func (m *MySQL) start(ready func(context.Context) error) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc != nil && !m.proc.exited() {
		return
	}
	logPath := filepath.Join(m.dir, "mariadb.log")
	cmd := command(m.cred, m.dir, m.server,
		"--no-defaults",
		"--datadir="+filepath.Join(m.dir, "data"),
		"--tmpdir="+filepath.Join(m.dir, "tmp"),
		"--port="+strconv.Itoa(m.Port),
		"--bind-address=127.0.0.1",
		"--socket="+filepath.Join(m.sockDir, "mysqld.sock"),
		"--pid-file="+filepath.Join(m.dir, "mysqld.pid"),
		"--log-error="+logPath,
		"--skip-name-resolve",
		"--innodb-buffer-pool-size=16M",
		"--innodb-log-file-size=8M",
		"--innodb-flush-log-at-trx-commit=2",
		"--max-connections=50",
	)
	pr, err := startProc(cmd, logPath)
	if err != nil {
		m.t.Fatalf("dbtest: start mariadb: %v", err)
	}
	m.proc = pr
	if err := waitReady(pr, logPath, ready); err != nil {
		pr.stop(syscall.SIGKILL)
		m.t.Fatalf("dbtest: mariadb: %v", err)
	}
}

// bootstrap connects as root over the socket (no password yet), sets root's
// password and creates the administrator.
func (m *MySQL) bootstrap(ctx context.Context) error {
	cfg := mysql.NewConfig()
	cfg.User = "root"
	cfg.Net = "unix"
	cfg.Addr = filepath.Join(m.sockDir, "mysqld.sock")
	cfg.Timeout = 2 * time.Second
	cfg.Logger = quiet{}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		return err
	}
	for _, q := range []string{
		fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'", m.AdminUser, m.AdminPassword),
		fmt.Sprintf("GRANT ALL PRIVILEGES ON *.* TO '%s'@'%%' WITH GRANT OPTION", m.AdminUser),
		"DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1'",
		fmt.Sprintf("ALTER USER 'root'@'localhost' IDENTIFIED BY '%s'", m.RootPassword),
		"CREATE DATABASE IF NOT EXISTS app",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
	}
	return nil
}

// Stop shuts the server down and waits for it. Safe to call more than once.
func (m *MySQL) Stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc != nil {
		m.proc.stop(syscall.SIGTERM)
	}
}

// DSN returns a go-sql-driver DSN for user and password over TCP.
func (m *MySQL) DSN(user, password string) string {
	return m.config(user, password).FormatDSN()
}

func (m *MySQL) config(user, password string) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.User = user
	cfg.Passwd = password
	cfg.Net = "tcp"
	cfg.Addr = fmt.Sprintf("127.0.0.1:%d", m.Port)
	cfg.Timeout = 5 * time.Second
	cfg.Logger = quiet{}
	return cfg
}

// open returns a handle for user without idle connections, so it works
// across Stop and Start.
func (m *MySQL) open(user, password string) (*sql.DB, error) {
	conn, err := mysql.NewConnector(m.config(user, password))
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxIdleConns(0)
	return db, nil
}

// quiet drops the driver's log lines.
type quiet struct{}

func (quiet) Print(...any) {}

// Login connects as user over TCP with password and runs SELECT 1.
func (m *MySQL) Login(ctx context.Context, user, password string) error {
	db, err := m.open(user, password)
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

// Admin returns a handle of the administrator, closed at test end; it
// keeps no idle connections, so it works across Stop and Start.
func (m *MySQL) Admin() *sql.DB {
	m.t.Helper()
	db, err := m.open(m.AdminUser, m.AdminPassword)
	if err != nil {
		m.t.Fatalf("dbtest: %v", err)
	}
	m.t.Cleanup(func() { db.Close() })
	return db
}

// UserExists reports whether mysql.user has an account of that name.
func (m *MySQL) UserExists(ctx context.Context, name string) (bool, error) {
	db, err := m.open(m.AdminUser, m.AdminPassword)
	if err != nil {
		return false, err
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, "SELECT COUNT(*) FROM mysql.user WHERE User = ?", name).Scan(&n)
	return n > 0, err
}
