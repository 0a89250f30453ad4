package dbtest_test

import (
	"context"
	"testing"

	"github.com/cofre-io/cofre/server/engines/database/dbtest"
)

func TestPostgresStartsStopsAndChecksPasswords(t *testing.T) {
	ctx := context.Background()
	p := dbtest.StartPostgres(t)
	if err := p.Login(ctx, p.AdminUser, p.AdminPassword); err != nil {
		t.Fatal(err)
	}
	if err := p.Login(ctx, p.AdminUser, "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	if ok, err := p.RoleExists(ctx, p.AdminUser); err != nil || !ok {
		t.Fatalf("admin role exists = %v %v", ok, err)
	}
	p.Stop()
	if err := p.Login(ctx, p.AdminUser, p.AdminPassword); err == nil {
		t.Fatal("login after stop")
	}
	p.Start()
	if err := p.Login(ctx, p.AdminUser, p.AdminPassword); err != nil {
		t.Fatal(err)
	}
}

func TestMySQLStartsStopsAndChecksPasswords(t *testing.T) {
	ctx := context.Background()
	m := dbtest.StartMySQL(t)
	if err := m.Login(ctx, m.AdminUser, m.AdminPassword); err != nil {
		t.Fatal(err)
	}
	if err := m.Login(ctx, m.AdminUser, "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	if err := m.Login(ctx, "root", ""); err == nil {
		t.Fatal("root without password accepted")
	}
	if ok, err := m.UserExists(ctx, m.AdminUser); err != nil || !ok {
		t.Fatalf("admin exists = %v %v", ok, err)
	}
	m.Stop()
	if err := m.Login(ctx, m.AdminUser, m.AdminPassword); err == nil {
		t.Fatal("login after stop")
	}
	m.Start()
	if err := m.Login(ctx, m.AdminUser, m.AdminPassword); err != nil {
		t.Fatal(err)
	}
}
