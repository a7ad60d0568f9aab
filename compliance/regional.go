package compliance

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// AddRegionalHolidays reads regional non-working days, one per line:
//
//	# subject;date;title
//	Республика Бурятия;2026-02-18;Сагаалган
//	Республика Татарстан;2026-03-20;Ураза-байрам
//
// Blank lines and lines starting with # are skipped. name is used in errors (file:line).
func (c *Calendar) AddRegionalHolidays(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, ";")
		if len(f) < 2 || len(f) > 3 {
			return fmt.Errorf("regional holidays %s:%d: %q: want subject;YYYY-MM-DD;title", name, line, text)
		}
		d, err := ParseDate(strings.TrimSpace(f[1]))
		if err != nil {
			return fmt.Errorf("regional holidays %s:%d: %w", name, line, err)
		}
		title := ""
		if len(f) == 3 {
			title = strings.TrimSpace(f[2])
		}
		if err := c.AddRegionalHoliday(strings.TrimSpace(f[0]), d, title); err != nil {
			return fmt.Errorf("regional holidays %s:%d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("regional holidays %s: %w", name, err)
	}
	return nil
}
