package events

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// Envelope types of a due callback offered to its collector (issue 15 item 5).
const (
	TypeCallbackOffered  = "callback.offered"  // CallbackOfferData: a due callback is the collector's for a grace period
	TypeCallbackFallback = "callback.fallback" // CallbackOfferData: the robot calls the due callback back
)

// Why a due callback fell back to the robot (CallbackOfferData.Reason).
const (
	FallbackOffline   = "collector_offline" // neither their phone registered nor their page open
	FallbackNotCalled = "not_called"        // offered, and the grace ran out without their call reaching the debtor
)

// CallbackOfferData is the data of callback.offered and callback.fallback.
// The phone is masked, as in callback.due.
type CallbackOfferData struct {
	Task      int64     `json:"task"`
	Phone     string    `json:"phone"`
	Collector string    `json:"collector"`
	Until     time.Time `json:"until,omitzero"` // offered: the robot calls back from then
	Ring      bool      `json:"ring,omitempty"` // offered: the collector's phone is rung
	Reason    string    `json:"reason,omitempty"`
}

// CallbackOffered is the callback.offered event of task t, offered to its
// collector until `until`; ring says their phone is rung.
func CallbackOffered(t store.Task, until time.Time, ring bool, at time.Time) (Envelope, error) {
	return callbackOffer(TypeCallbackOffered, t, CallbackOfferData{Until: until.UTC(), Ring: ring}, at)
}

// CallbackFallback is the callback.fallback event of task t: the robot
// calls it back, for reason (FallbackOffline, FallbackNotCalled).
func CallbackFallback(t store.Task, reason string, at time.Time) (Envelope, error) {
	return callbackOffer(TypeCallbackFallback, t, CallbackOfferData{Reason: reason}, at)
}

func callbackOffer(typ string, t store.Task, d CallbackOfferData, at time.Time) (Envelope, error) {
	d.Task, d.Phone, d.Collector = t.ID, phonenum.Mask(t.Phone), t.PinnedTo
	b, err := json.Marshal(d)
	if err != nil {
		return Envelope{}, fmt.Errorf("%s of task %d: %w", typ, t.ID, err)
	}
	return Envelope{Type: typ, At: at.UTC(), Campaign: t.CampaignID, Debtor: t.DebtorID, Data: b}, nil
}
