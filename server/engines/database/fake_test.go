package database

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// fakePlugin is an in-memory database for unit tests: users with
// passwords and expiries, and switches to make it fail.
type fakePlugin struct {
	mu       sync.Mutex
	users    map[string]fakeUser
	password string // the root password the "server" accepts
	down     bool
	failAt   int // CreateUser fails at this statement (1-based), 0 never
	opens    int
}

type fakeUser struct {
	password string
	expires  time.Time
}

var errFakeDown = errors.New("connection refused")

func newFakePlugin(rootPassword string) *fakePlugin {
	return &fakePlugin{users: map[string]fakeUser{"static_user": {password: "initial"}}, password: rootPassword}
}

func (f *fakePlugin) Type() string { return "fake" }

func (f *fakePlugin) Usernames() dbplugin.UsernameRules {
	return dbplugin.UsernameRules{Template: `{{ printf "v-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) | truncate 40 }}`, MaxLength: 40}
}

func (f *fakePlugin) Open(_ context.Context, c dbplugin.ConnectionConfig) (dbplugin.DB, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opens++
	return &fakeDB{f: f, password: c.Password}, nil
}

func (f *fakePlugin) setDown(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

func (f *fakePlugin) user(name string) (fakeUser, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[name]
	return u, ok
}

type fakeDB struct {
	f        *fakePlugin
	password string
	closed   bool
}

// check is what a connection attempt sees; callers hold f.mu.
func (d *fakeDB) check() error {
	switch {
	case d.closed:
		return errors.New("sql: database is closed")
	case d.f.down:
		return errFakeDown
	case d.password != d.f.password:
		return errors.New("password authentication failed")
	}
	return nil
}

func (d *fakeDB) Ping(context.Context) error {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	return d.check()
}

func (d *fakeDB) CreateUser(_ context.Context, r dbplugin.CreateUserRequest) error {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	n := dbplugin.CountStatements(r.Creation, dbplugin.Postgres)
	if d.f.failAt > 0 && d.f.failAt <= n {
		return &dbplugin.StatementError{Index: d.f.failAt, Err: errors.New("syntax error near " + r.Password)}
	}
	d.f.users[r.Username] = fakeUser{password: r.Password, expires: r.Expiration}
	return nil
}

func (d *fakeDB) RenewUser(_ context.Context, r dbplugin.RenewUserRequest) error {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	u, ok := d.f.users[r.Username]
	if !ok {
		return errors.New("role does not exist")
	}
	u.expires = r.Expiration
	d.f.users[r.Username] = u
	return nil
}

func (d *fakeDB) RevokeUser(_ context.Context, r dbplugin.RevokeUserRequest) error {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	delete(d.f.users, r.Username)
	return nil
}

func (d *fakeDB) ChangePassword(_ context.Context, r dbplugin.ChangePasswordRequest) error {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if err := d.check(); err != nil {
		return err
	}
	if r.Self {
		d.f.password = r.Password
		return nil
	}
	u, ok := d.f.users[r.Username]
	if !ok {
		return errors.New("no such user")
	}
	u.password = r.Password
	d.f.users[r.Username] = u
	return nil
}

func (d *fakeDB) Close() error {
	d.f.mu.Lock()
	d.closed = true
	d.f.mu.Unlock()
	return nil
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fixture is a backend over in-memory storage with the fake plugin as
// "fake-database-plugin", a fake clock and the rotator off.
type fixture struct {
	t     *testing.T
	b     *Backend
	view  storage.Backend
	fake  *fakePlugin
	clock *fakeClock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, view: storage.NewView(inmem.New(), "logical/db/"), fake: newFakePlugin("rootpw"),
		clock: &fakeClock{now: time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)}}
	f.b = f.newBackend()
	return f
}

// newBackend builds another backend over the same storage (a restart).
func (f *fixture) newBackend() *Backend {
	f.t.Helper()
	b, err := New(context.Background(), &logical.BackendConfig{
		StorageView: f.view,
		System:      logical.StaticSystemView{DefaultTTL: time.Hour, MaxTTL: 24 * time.Hour, Clock: f.clock.Now},
	}, Options{Plugins: map[string]dbplugin.Plugin{"fake-database-plugin": f.fake}, RotationCheck: -1})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { b.Cleanup(context.Background()) })
	return b
}

func (f *fixture) do(op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	return f.b.HandleRequest(context.Background(), &logical.Request{
		Operation: op, Path: path, Data: data, Storage: f.view,
		Caller: &logical.Caller{DisplayName: "token"},
	})
}

func (f *fixture) must(op logical.Operation, path string, data map[string]any) *logical.Response {
	f.t.Helper()
	resp, err := f.do(op, path, data)
	if err != nil {
		f.t.Fatalf("%s %s: %v", op, path, err)
	}
	return resp
}

// setup configures connection "db" allowing every role and role "app".
func (f *fixture) setup() {
	f.t.Helper()
	f.must(logical.UpdateOperation, "config/db", map[string]any{
		"plugin_name": "fake-database-plugin", "connection_url": "fake://{{username}}:{{password}}@x",
		"username": "root", "password": "rootpw", "allowed_roles": "*",
	})
	f.must(logical.UpdateOperation, "roles/app", map[string]any{
		"db_name": "db", "creation_statements": "CREATE ROLE x; GRANT y TO x", "default_ttl": "30m", "max_ttl": "2h",
	})
}
