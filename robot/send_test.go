package robot_test

import (
	"testing"

	"github.com/dozvon/dozvon/scripts"
)

// TestPromiseAsksForPaymentDetails: the collection script's promise node
// names the payment_details template (send:), and the robot lists it in the
// outcome slot "send" for the call's owner to send through the guard; a
// dialogue that never reaches such a node asks for nothing.
func TestPromiseAsksForPaymentDetails(t *testing.T) {
	sc := load(t, "collection.yaml")
	res, _, err := run(t, sc, says("да", "да", "заплачу пять тысяч в пятницу"))
	if err != nil || res.Outcome != scripts.OutcomePromiseToPay || res.Slots[scripts.SlotSend] != "payment_details" {
		t.Fatalf("promise: outcome %q slots %v (%v)", res.Outcome, res.Slots, err)
	}
	res, _, err = run(t, sc, says("ошиблись номером"))
	if err != nil || res.Slots[scripts.SlotSend] != "" {
		t.Fatalf("wrong person: outcome %q slots %v (%v)", res.Outcome, res.Slots, err)
	}
}
