package scheduler

import (
	"fmt"
	"os"

	"github.com/dozvon/dozvon/store"
)

// ReadConfigFile reads a campaign's settings from a JSON file (`dozvon
// sweep --campaign`) and validates them as a stored campaign's would be.
func ReadConfigFile(path string, checks ...func(Config) error) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("campaign settings: %w", err)
	}
	c, err := ParseConfig(store.Campaign{ID: path, Config: string(b)}, checks...)
	if err != nil {
		return Config{}, fmt.Errorf("campaign settings: %w", err)
	}
	return c, nil
}
