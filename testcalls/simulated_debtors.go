package testcalls

import (
	"fmt"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
)

// SimulatedDebtor is a debtor of a simulated sweep: how each of their phones
// behaves and the result that behaviour must produce.
type SimulatedDebtor struct {
	Debtor portfolio.Debtor
	Phones []Behaviour // one per Debtor.Phones, in order
	Block  string      // a standing 230-FZ block to file before the sweep ("" for none)
	// Expect is the debtor's sweep result the behaviour predicts: done:OUTCOME,
	// callback, or pending:denied (retried until the day's attempts are used).
	Expect string
}

var simulatedRegions = []string{"г. Москва", "Новосибирская область", "Калининградская область", "Камчатский край", "Свердловская область", "Приморский край"}

var simulatedNames = []string{"Иванов Иван Иванович", "Петрова Анна Сергеевна", "Сидоров Пётр Петрович", "Кузнецов Олег Викторович",
	"Смирнова Мария Ивановна", "Попов Андрей Николаевич", "Волков Сергей Андреевич", "Соколова Елена Павловна"}

// Says is a caller who says each phrase in turn.
func Says(s ...string) []Step {
	out := make([]Step, len(s))
	for i, x := range s {
		out[i] = Step{Say: x}
	}
	return out
}

// simulatedBehaviour gives the phones of behaviour kind k (0..19, cycling)
// for a debtor with n phones, a block to file, and the expected result.
func simulatedBehaviour(k, n int) ([]Behaviour, string, string) {
	ring := 800 * time.Millisecond
	confirms := Behaviour{Ring: ring, Steps: Says("да, это я", "да, удобно")}
	wrong := Behaviour{Ring: ring, Steps: Says("нет, вы ошиблись номером")}
	ph := make([]Behaviour, n)
	for i := range ph {
		ph[i] = confirms
	}
	switch k % 10 {
	case 0, 1, 2:
		return ph, "", "done:identified"
	case 3:
		ph[0] = wrong
		if n == 1 {
			return ph, "", "done:wrong_person"
		}
		return ph, "", "done:identified"
	case 4:
		ph[0] = Behaviour{Ring: ring, Steps: Says("да, я", "я сейчас занята", "перезвоните завтра в десять утра")}
		return ph, "", "callback"
	case 5, 6, 9:
		b := Behaviour{Ring: 300 * time.Millisecond, Reject: 486}
		if k%10 == 6 {
			b = Behaviour{NoAnswer: true}
		}
		if k%10 == 9 {
			b = Behaviour{Ring: ring, Steps: []Step{{HangupAfter: 1500 * time.Millisecond}}}
		}
		for i := range ph {
			ph[i] = b
		}
		if k%20 == 19 {
			return ph, "bankruptcy", "pending:denied"
		}
		return ph, "", "pending:denied" // retried until the day's 3 attempts are used
	case 7:
		ph[0] = Behaviour{Ring: ring, Steps: Says("перестаньте мне звонить")}
		return ph, "", "done:refused"
	default:
		for i := range ph {
			ph[i] = wrong
		}
		return ph, "", "done:wrong_person"
	}
}

// SimulatedDebtors generates n debtors over several zones with one or two
// phones each, cycling through the simulated behaviours.
func SimulatedDebtors(n int) []SimulatedDebtor {
	out := make([]SimulatedDebtor, n)
	for i := range out {
		nph := 1 + i%2
		d := portfolio.Debtor{ID: fmt.Sprintf("S-%05d", i+1), Name: simulatedNames[i%len(simulatedNames)],
			Region: simulatedRegions[(i/10)%len(simulatedRegions)], DebtKop: int64(1000+i) * 100}
		for j := range nph {
			d.Phones = append(d.Phones, phonenum.MustParse(fmt.Sprintf("+79%02d%07d", 10+j, i+1)))
		}
		ph, block, exp := simulatedBehaviour(i, nph)
		out[i] = SimulatedDebtor{Debtor: d, Phones: ph, Block: block, Expect: exp}
	}
	return out
}

// SimulatePortfolio gives the debtors of a real portfolio simulated phones.
func SimulatePortfolio(ds []portfolio.Debtor) []SimulatedDebtor {
	out := make([]SimulatedDebtor, len(ds))
	for i, d := range ds {
		ph, block, exp := simulatedBehaviour(i, len(d.Phones))
		out[i] = SimulatedDebtor{Debtor: d, Phones: ph, Block: block, Expect: exp}
	}
	return out
}
