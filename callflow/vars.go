package callflow

import (
	"strings"

	"github.com/dozvon/dozvon/scheduler"
)

// Vars are a call's script variables: the debtor's full and first name and
// the creditor when one is given ("": the script's default stands, which
// only simulated calls may rely on — 230-FZ art. 7 wants the creditor named).
func Vars(creditor, name, first string) map[string]any {
	v := map[string]any{"debtor": map[string]any{"name": name, "first_name": first}}
	if creditor != "" {
		v["creditor"] = map[string]any{"name": creditor}
	}
	return v
}

// TaskVars is Dialer.Vars for a campaign of creditor: Vars of the task's
// debtor, whose first name is the second word of "Фамилия Имя Отчество"
// (the whole name when it has one word), and the debt in roubles when known.
func TaskVars(creditor string) func(scheduler.Call) map[string]any {
	return func(c scheduler.Call) map[string]any {
		first := c.Debtor.Name
		if f := strings.Fields(c.Debtor.Name); len(f) >= 2 {
			first = f[1]
		}
		v := Vars(creditor, c.Debtor.Name, first)
		if c.Details.DebtKop > 0 {
			v["debt"] = map[string]any{"amount": float64(c.Details.DebtKop) / 100}
		}
		return v
	}
}
