package main

import (
	"fmt"

	"github.com/dozvon/dozvon/intentstat"
)

// peek prints the turns the rules left without intent on which the model,
// trained without the turn's source, fires at threshold t.
func peek(rows []intentstat.Row, alpha, t float64) {
	for _, src := range folds(rows) {
		train, test := without(rows, src)
		m := intentstat.Train(train, alpha, 0).WithCharWeight(charWeight)
		for _, r := range test {
			if r.Intent != intentstat.None {
				continue
			}
			if p := m.Predict(r.Text, r.Allowed); p.Intent != "" && p.P >= t {
				fmt.Printf("%s\t%s\t%.4f\t%s\t%v\n", src, p.Intent, p.P, r.Text, p.Why)
			}
		}
	}
}
