package zone

import (
	"testing"
	"time"
)

func TestLocation(t *testing.T) {
	if got := Location("Europe/Paris"); got.String() != "Europe/Paris" {
		t.Fatalf("Europe/Paris: %v", got)
	}
	first := Location("Europe/Paris")
	if again := Location("Europe/Paris"); again != first {
		t.Fatal("a zone is not loaded once")
	}
	for _, bad := range []string{"", "Local", "Mars/Olympus"} {
		if got := Location(bad); got != time.UTC {
			t.Errorf("%q: %v, want UTC", bad, got)
		}
	}
}
