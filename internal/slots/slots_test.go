package slots

import (
	"sync"
	"testing"

	"github.com/salescrm/crm/internal/errs"
)

func TestLimiterPerKey(t *testing.T) {
	l := New[string](2)
	r1, ok1 := l.TryAcquire("a")
	r2, ok2 := l.TryAcquire("a")
	_, ok3 := l.TryAcquire("a")
	if !ok1 || !ok2 || ok3 {
		t.Fatalf("two slots for a: %v %v %v", ok1, ok2, ok3)
	}
	rb, okb := l.TryAcquire("b")
	if !okb {
		t.Fatal("b is limited by a's slots")
	}
	if _, err := l.Take("a", 0, "full"); errs.CodeOf(err) != errs.Throttled {
		t.Fatalf("Take on a full key: %v", err)
	}
	r1()
	r1() // a second call gives back nothing more
	if l.Held("a") != 1 {
		t.Fatalf("held after release: %d", l.Held("a"))
	}
	if _, ok := l.TryAcquire("a"); !ok {
		t.Fatal("a released slot is not free")
	}
	r2()
	rb()
	if l.Held("b") != 0 || len(l.held) != 1 {
		t.Fatalf("held: %v", l.held)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := New[int](3)
	var mu sync.Mutex
	running, most := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, ok := l.TryAcquire(1)
			if !ok {
				return
			}
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			mu.Lock()
			running--
			mu.Unlock()
			release()
		}()
	}
	wg.Wait()
	if most > 3 || l.Held(1) != 0 {
		t.Fatalf("at most %d at once, %d held at the end", most, l.Held(1))
	}
}
