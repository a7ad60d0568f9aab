package storetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/store"
)

// ErrNoPostgres means the PostgreSQL server binaries are not installed.
var ErrNoPostgres = errors.New("postgresql server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)")

// Postgres is a private PostgreSQL server in a temporary directory.
type Postgres struct {
	bin    string
	dir    string
	port   int
	asUser string // "postgres" when we are root, else ""
	seq    atomic.Int64
}

// findBin returns the newest /usr/lib/postgresql/N/bin holding initdb and pg_ctl.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
				return d, nil
			}
		}
	}
	return "", ErrNoPostgres
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (p *Postgres) cmd(ctx context.Context, name string, args ...string) *exec.Cmd {
	bin := filepath.Join(p.bin, name)
	if p.asUser != "" {
		return exec.CommandContext(ctx, "runuser", append([]string{"-u", p.asUser, "--", bin}, args...)...)
	}
	return exec.CommandContext(ctx, bin, args...)
}

// StartPostgres initialises a cluster in a temporary directory and starts it on
// a free local port (fsync off: test data only). Stop removes everything.
func StartPostgres(ctx context.Context) (*Postgres, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	p := &Postgres{bin: bin}
	dir, err := os.MkdirTemp("", "dozvon-pg-")
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	p.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start postgres: running as root and no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start postgres: %w", err)
		}
		p.asUser = "postgres"
	}
	data := filepath.Join(dir, "data")
	if out, err := p.cmd(ctx, "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: initdb: %w\n%s", err, out)
	}
	for attempt := 0; ; attempt++ {
		if p.port, err = freePort(); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start postgres: %w", err)
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", p.port, dir)
		out, err := p.cmd(ctx, "pg_ctl", "start", "-D", data, "-w", "-t", "60", "-l", filepath.Join(dir, "log"), "-o", opts).CombinedOutput()
		if err == nil {
			break
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start postgres: pg_ctl start: %w\n%s\n%s", err, out, log)
		}
	}
	return p, nil
}

// DSN returns the connection string for database name.
func (p *Postgres) DSN(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, name)
}

// NewDatabase creates an empty database and returns its DSN.
func (p *Postgres) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), p.seq.Add(1))
	out, err := p.cmd(ctx, "psql", "-h", "127.0.0.1", "-p", strconv.Itoa(p.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
		"-c", "CREATE DATABASE "+name).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("create database %s: %w\n%s", name, err, out)
	}
	return p.DSN(name), nil
}

// Stop shuts the server down and removes its directory.
func (p *Postgres) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := p.cmd(ctx, "pg_ctl", "stop", "-D", filepath.Join(p.dir, "data"), "-m", "fast", "-w").CombinedOutput()
	rmErr := os.RemoveAll(p.dir)
	if err != nil {
		return fmt.Errorf("stop postgres: %w\n%s", err, out)
	}
	return rmErr
}

// Backend is one store back end a suite runs against.
type Backend struct {
	Name string
	// Open returns a fresh, migrated, empty store and its DSN.
	Open func(ctx context.Context, tempDir string) (*store.DB, string, error)
}

// Backends lists SQLite always and PostgreSQL when pg is not nil.
func Backends(pg *Postgres) []Backend {
	bs := []Backend{{Name: "sqlite", Open: func(ctx context.Context, dir string) (*store.DB, string, error) {
		dsn := "sqlite:" + filepath.Join(dir, "dozvon.db")
		db, err := store.Open(ctx, dsn)
		return db, dsn, err
	}}}
	if pg != nil {
		bs = append(bs, Backend{Name: "postgres", Open: func(ctx context.Context, _ string) (*store.DB, string, error) {
			dsn, err := pg.NewDatabase(ctx)
			if err != nil {
				return nil, "", err
			}
			db, err := store.Open(ctx, dsn)
			return db, dsn, err
		}})
	}
	return bs
}
