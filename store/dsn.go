package store

// DSNFrom picks the store a command uses: its --db flag, then $DOZVON_DB,
// then DefaultDSN.
func DSNFrom(flagValue string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := getenv("DOZVON_DB"); v != "" {
		return v
	}
	return DefaultDSN
}
