package callflow_test

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
)

func TestTrunks(t *testing.T) {
	clk := clock.NewSim(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC))
	k := callflow.NewTrunks([]callflow.TrunkPolicy{
		{Name: "backup", Priority: 2, CostPerMinute: 1.5},
		{Name: "main", Priority: 1, Channels: 2, CostPerMinute: 0.9},
	}, clk)
	type step struct {
		do      string // acquire | release-ok | release-fault | wait
		name    string // expected trunk for acquire ("" = none); trunk for release
		tried   []string
		allowed []string
	}
	for i, s := range []step{
		{do: "acquire", name: "main"},
		{do: "acquire", name: "main"},
		{do: "acquire", name: "backup"}, // main is at its 2 channels
		{do: "release-ok", name: "main"},
		{do: "acquire", name: "backup", tried: []string{"main"}}, // failover skips the tried one
		{do: "acquire", name: "", allowed: []string{"main"}, tried: []string{"main"}},
		{do: "release-fault", name: "main"},
		{do: "acquire", name: "main"},
		{do: "release-fault", name: "main"},
		{do: "acquire", name: "main"},
		{do: "release-fault", name: "main"}, // third fault in a row: disabled
		{do: "acquire", name: "backup"},
		{do: "wait"}, // after ProbeAfter one probe call goes to main
		{do: "acquire", name: "main"},
		{do: "acquire", name: "backup"},     // only one probe at a time
		{do: "release-fault", name: "main"}, // the probe failed: disabled again
		{do: "acquire", name: "backup"},
		{do: "wait"},
		{do: "acquire", name: "main"},
		{do: "release-ok", name: "main"}, // the probe worked: healthy
		{do: "acquire", name: "main"},
	} {
		switch s.do {
		case "acquire":
			got, ok := k.Acquire(s.allowed, s.tried)
			if got != s.name || ok != (s.name != "") {
				t.Fatalf("step %d: acquire gave %q %v, want %q", i, got, ok, s.name)
			}
		case "release-ok":
			k.Release(s.name, false)
		case "release-fault":
			k.Release(s.name, true)
		case "wait":
			clk.JumpTo(clk.Now().Add(time.Minute))
		}
	}
	if !k.Healthy("main") || k.Cost("backup") != 1.5 {
		t.Fatal("health or cost")
	}
}
