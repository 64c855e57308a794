package telephony

import (
	"testing"
	"time"
)

func TestQuietUntil(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	overnight := Account{QuietStart: 21 * 60, QuietEnd: 8 * 60, Location: ny}
	day := Account{QuietStart: 12 * 60, QuietEnd: 13*60 + 30, Location: ny}
	at := func(h, m int) time.Time { return time.Date(2026, 3, 7, h, m, 0, 0, ny) }
	for _, c := range []struct {
		name string
		a    Account
		t    time.Time
		want time.Time
	}{
		{"evening, overnight quiet", overnight, at(22, 15), time.Date(2026, 3, 8, 8, 0, 0, 0, ny)}, // across the DST change
		{"early morning", overnight, at(7, 59), at(8, 0)},
		{"at the end", overnight, at(8, 0), time.Time{}},
		{"daytime", overnight, at(12, 0), time.Time{}},
		{"lunch quiet", day, at(12, 45), at(13, 30)},
		{"after lunch", day, at(13, 30), time.Time{}},
		{"no quiet hours", Account{Location: ny}, at(3, 0), time.Time{}},
	} {
		if got := c.a.QuietUntil(c.t); !got.Equal(c.want) {
			t.Errorf("%s: QuietUntil(%v) = %v, want %v", c.name, c.t, got, c.want)
		}
	}
}
