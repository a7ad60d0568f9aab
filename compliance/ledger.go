package compliance

// Ledger is what the guard needs from persistence; store.DB implements it.
type Ledger interface{}
