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
	"syscall"
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
	cred   *syscall.Credential // the postgres user's ids when we are root (initdb refuses root)
	server *exec.Cmd
	exited chan error
	seq    atomic.Int64
}

// findBin returns the newest /usr/lib/postgresql/N/bin holding initdb and postgres.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
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
	c := exec.CommandContext(ctx, filepath.Join(p.bin, name), args...)
	c.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	return c
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
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	data := filepath.Join(dir, "data")
	if out, err := p.cmd(ctx, "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: initdb: %w\n%s", err, out)
	}
	for attempt := 0; ; attempt++ {
		err := p.startServer(ctx, data)
		if err == nil {
			break
		}
		if attempt == 2 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return p, nil
}

// startServer runs postgres in the foreground as our child, so it cannot
// outlive the test process: the kernel sends it SIGQUIT (immediate shutdown)
// when we die, even by SIGKILL. It returns once the server accepts connections.
func (p *Postgres) startServer(ctx context.Context, data string) error {
	port, err := freePort()
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	p.port = port
	logf, err := os.Create(filepath.Join(p.dir, "log"))
	if err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	defer logf.Close()
	srv := exec.Command(filepath.Join(p.bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", p.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	srv.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred, Pdeathsig: syscall.SIGQUIT}
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(p.dir, "log"))
			return fmt.Errorf("start postgres: server exited: %v\n%s", err, log)
		default:
		}
		// pg_isready exits 0 once the server accepts connections; we poll that state.
		if p.cmd(ctx, "pg_isready", "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(port)).Run() == nil {
			p.server = srv
			p.exited = exited
			return nil
		}
		if time.Now().After(deadline) {
			srv.Process.Kill()
			<-exited
			return fmt.Errorf("start postgres: not accepting connections on port %d after 60s", port)
		}
		time.Sleep(50 * time.Millisecond)
	}
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

// Stop shuts the server down (fast shutdown) and removes its directory.
func (p *Postgres) Stop() error {
	var err error
	if err = p.server.Process.Signal(syscall.SIGINT); err == nil {
		select {
		case <-p.exited:
		case <-time.After(60 * time.Second):
			p.server.Process.Kill()
			<-p.exited
			err = errors.New("stop postgres: no exit 60s after SIGINT; killed")
		}
	}
	if rmErr := os.RemoveAll(p.dir); err == nil {
		err = rmErr
	}
	return err
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
