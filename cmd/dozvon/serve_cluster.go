package main

import (
	"flag"
	"log/slog"
	"os"
	"time"
)

// clusterFlags are serve's flags for running as one of several nodes on
// one PostgreSQL (deploy/kamailio, docs/ARCHITECTURE.md "Several nodes").
type clusterFlags struct {
	node   *string
	lease  *time.Duration
	follow *time.Duration
}

func addClusterFlags(fs *flag.FlagSet) clusterFlags {
	host, _ := os.Hostname()
	return clusterFlags{
		node:   fs.String("node", host, "this node's name in the logs (several nodes on one database)"),
		lease:  fs.Duration("lease", 2*time.Minute, "a campaign task's lease: a node that dies mid-call has its tasks taken over by another node this long after its last renewal"),
		follow: fs.Duration("events-follow", 250*time.Millisecond, "how often the live event stream reads the events other nodes stored"),
	}
}

// logger names the node in every line.
func (c clusterFlags) logger(log *slog.Logger) *slog.Logger {
	if *c.node == "" {
		return log
	}
	return log.With("node", *c.node)
}
