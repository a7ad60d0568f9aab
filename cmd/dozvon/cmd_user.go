package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/store"
)

const (
	userUsage  = "usage: dozvon user add LOGIN --role admin|supervisor|collector|integration [--recordings] < password | user passwd LOGIN < password | user list | user disable LOGIN  [--db DSN | --config FILE]"
	tokenUsage = "usage: dozvon token create LOGIN [--name N] [--ttl 90d] | token list LOGIN | token revoke ID  [--db DSN | --config FILE]"
)

// withAuth opens the store named as other commands name it (--db,
// $DOZVON_DB, else the config's store.dsn / $DOZVON_DSN) and the auth
// service on it (logging only warnings, to stderr), runs f and returns
// command name's exit code: 1 with the error printed when anything failed.
func withAuth(ctx context.Context, e env, name, dsn, cfgPath string, f func(*auth.Service) error) int {
	fail := e.fail(name, 1)
	d, err := backupDSN(dsn, cfgPath, e.getenv)
	if err != nil {
		return fail(err)
	}
	db, err := store.Open(ctx, d)
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := auth.New(db, clock.System{}, auth.Options{Logger: log})
	if err != nil {
		return fail(err)
	}
	return fail(f(svc))
}

// storeFlagSet is command name's flag set with the store flags of
// authService: --db and --config.
func storeFlagSet(name string, e env) (fs *flag.FlagSet, dsn, cfgPath *string) {
	fs = flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dsn = fs.String("db", "", "store DSN (default $DOZVON_DB, else the config's store.dsn)")
	cfgPath = fs.String("config", "", "config file (default dozvon.yaml if present)")
	return fs, dsn, cfgPath
}

// readPassword takes the first line of stdin, so `echo pw | dozvon user add`
// and a password manager's pipe both work and the password is never an
// argument (visible in ps and shell history).
func readPassword(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r) // a line without its \n or \r\n
	sc.Scan()
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	pw := sc.Text()
	if strings.TrimSpace(pw) == "" {
		return "", fmt.Errorf("password: give it on the first line of stdin (it is never a command-line argument)")
	}
	if n := len([]rune(pw)); n < auth.MinPasswordLen {
		return "", fmt.Errorf("password is %d characters: want at least %d", n, auth.MinPasswordLen)
	}
	return pw, nil
}

// cmdUser manages the service's users:
//
//	dozvon user add LOGIN --role R [--recordings] < password
//	dozvon user passwd LOGIN < password
//	dozvon user list
//	dozvon user disable LOGIN
func cmdUser(ctx context.Context, e env, args []string) int {
	fs, dsn, cfgPath := storeFlagSet("user", e)
	roleName := fs.String("role", "", "add: admin, supervisor, collector or integration")
	recordings := fs.Bool("recordings", false, "add: the user may fetch call recordings (integrations)")
	pos, err := parseInterleaved(fs, args)
	if err != nil || len(pos) == 0 {
		fmt.Fprintln(e.stderr, userUsage)
		return 2
	}
	sub, want := pos[0], map[string]int{"add": 2, "passwd": 2, "list": 1, "disable": 2}[pos[0]]
	if want == 0 || len(pos) != want {
		fmt.Fprintln(e.stderr, userUsage)
		return 2
	}
	var role auth.Role
	var pw string
	if sub == "add" {
		if role, err = auth.ParseRole(*roleName); err != nil {
			fmt.Fprintln(e.stderr, "user add: --role:", err)
			return 2
		}
	}
	if sub == "add" || sub == "passwd" {
		if pw, err = readPassword(e.stdin); err != nil {
			fmt.Fprintln(e.stderr, "user "+sub+":", err)
			return 2
		}
	}
	return withAuth(ctx, e, "user", *dsn, *cfgPath, func(svc *auth.Service) error {
		switch sub {
		case "add":
			if _, err := svc.AddUser(ctx, pos[1], role, pw, *recordings); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "user %s added (%s)\n", pos[1], role)
		case "passwd":
			if err := svc.SetPassword(ctx, pos[1], pw); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "password of %s changed\n", pos[1])
		case "disable":
			if err := svc.DisableUser(ctx, pos[1]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "user %s disabled: sessions ended, tokens refused\n", pos[1])
		case "list":
			us, err := svc.ListUsers(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LOGIN\tROLE\tRECORDINGS\tCREATED\tDISABLED")
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", u.Login, u.Role, u.Recordings, stamp(u.CreatedAt), stamp(u.DisabledAt))
			}
			return tw.Flush()
		}
		return nil
	})
}

// stamp prints an instant for a listing; "-" for never.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// parseTTL reads a token lifetime: a Go duration ("720h") or whole days ("90d").
func parseTTL(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 || d > 3650*24*time.Hour {
		return 0, fmt.Errorf("--ttl %q: want a positive duration up to ten years, like 90d or 720h", s)
	}
	return d, nil
}

// cmdToken manages bearer tokens:
//
//	dozvon token create LOGIN [--name N] [--ttl 90d]   the token alone on the last line of stdout
//	dozvon token list LOGIN                            no secrets
//	dozvon token revoke ID
func cmdToken(ctx context.Context, e env, args []string) int {
	fs, dsn, cfgPath := storeFlagSet("token", e)
	name := fs.String("name", "", "create: what the token is for (shown in listings)")
	ttlFlag := fs.String("ttl", "90d", "create: how long the token is valid (90d, 720h)")
	pos, err := parseInterleaved(fs, args)
	if err != nil || len(pos) != 2 || (pos[0] != "create" && pos[0] != "list" && pos[0] != "revoke") {
		fmt.Fprintln(e.stderr, tokenUsage)
		return 2
	}
	ttl, err := parseTTL(*ttlFlag)
	if err != nil {
		fmt.Fprintln(e.stderr, "token:", err)
		return 2
	}
	var id int64
	if pos[0] == "revoke" {
		if id, err = strconv.ParseInt(pos[1], 10, 64); err != nil || id <= 0 {
			fmt.Fprintf(e.stderr, "token revoke: ID %q: want the number from token list\n", pos[1])
			return 2
		}
	}
	return withAuth(ctx, e, "token", *dsn, *cfgPath, func(svc *auth.Service) error {
		switch pos[0] {
		case "create":
			secret, t, err := svc.CreateToken(ctx, pos[1], *name, ttl)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "token %d for %s, expires %s; shown once, keep it secret (Authorization: Bearer …):\n", t.ID, pos[1], stamp(t.ExpiresAt))
			fmt.Fprintln(e.stdout, secret)
		case "list":
			ts, err := svc.ListTokens(ctx, pos[1])
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCREATED\tEXPIRES\tREVOKED\tLAST USED")
			for _, t := range ts {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, stamp(t.CreatedAt), stamp(t.ExpiresAt), stamp(t.RevokedAt), stamp(t.LastUsedAt))
			}
			return tw.Flush()
		case "revoke":
			if err := svc.RevokeToken(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "token %d revoked\n", id)
		}
		return nil
	})
}
