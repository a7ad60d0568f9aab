package api

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/dozvon/dozvon/auth"
)

// healthz says the process is alive: it answers at all.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ auth.Principal) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz runs every readiness check (each within a few seconds) and is 503
// when one fails or the server is draining, naming which.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{}
	ready := !s.draining.Load()
	if !ready {
		checks["drain"] = "draining"
	}
	names := make([]string, 0, len(s.c.Ready))
	for name := range s.c.Ready {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.c.Ready[name](ctx); err != nil {
			checks[name] = err.Error()
			ready = false
			continue
		}
		checks[name] = "ok"
	}
	status, code := "ready", http.StatusOK
	if !ready {
		status, code = "not ready", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"status": status, "checks": checks})
	return nil
}
