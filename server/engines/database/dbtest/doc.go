// Package dbtest starts private PostgreSQL and MariaDB servers for tests:
// each in its own temporary directory, listening on a free 127.0.0.1 port,
// with an administrator account that has a password, and stopped when the
// test ends. Only tests import it; there are no mocks here, the servers are
// the real programs installed on the machine (`make db-deps` installs them).
//
// Both servers refuse to run as root, and tests usually run as root. When the
// test process is root, the servers run as the unprivileged system user
// "cofre-test" (created once with useradd when missing): the child process
// gets that user's uid and gid directly (no su, runuser or sudo), and the
// temporary directory is handed to it. As any other user they run as that
// user.
//
// Set COFRE_SKIP_DB_TESTS=1 to skip tests that need a server whose programs
// are missing; otherwise a missing program fails the test, so a CI machine
// without them does not pass silently.
package dbtest
