package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/web"
)

// withWeb mounts the pages (package web) beside the API on one listener
// (web.Handler.Beside). The API's router does not host them:
// a page answers a missing session with the login page, not the API's 401.
// The collector's campaign script is serve's --script, as a campaign
// names it (relative to root, the API's CampaignRoot: "" for serve's
// working directory), and the script pages list its directory, as the
// API's script routes do.
func withWeb(apiSrv http.Handler, rt *runtime, users *auth.Service, root, scriptPath string, loc *time.Location, clk clock.Clock, log *slog.Logger) (http.Handler, error) {
	pages, err := web.New(web.Config{Store: rt.db, Auth: users, Users: users, Guard: rt.guard, ScriptsDir: filepath.Join(root, filepath.Dir(scriptPath)),
		Script: scriptPath, Location: loc, Clock: clk, Log: log})
	if err != nil {
		return nil, fmt.Errorf("serve: pages: %w", err)
	}
	return pages.Beside(apiSrv), nil
}
