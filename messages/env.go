package messages

import "os"

// envLookup reads a secret named in the configuration from the environment.
func envLookup(name string) string { return os.Getenv(name) }
