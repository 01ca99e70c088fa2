package catalog

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Requests that need the same unknown total at once wait for one count;
// a count that started before the catalog changed is not remembered.
func TestCountCacheCountsOnceAndForgets(t *testing.T) {
	t.Parallel()
	var c countCache
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var runs atomic.Int32
	release := make(chan struct{})
	counting := make(chan struct{})
	slow := func() (int, error) {
		if runs.Add(1) == 1 {
			close(counting)
		}
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	got := make([]int, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = c.count("k", now, slow)
		}()
	}
	<-counting
	time.Sleep(20 * time.Millisecond) // the others arrive while it runs
	close(release)
	wg.Wait()
	if runs.Load() != 1 {
		t.Fatalf("%d counts for one total", runs.Load())
	}
	for _, n := range got {
		if n != 42 {
			t.Fatalf("totals %v", got)
		}
	}
	// Remembered until it expires.
	if n, _ := c.count("k", now.Add(countTTL-time.Second), func() (int, error) { return 7, nil }); n != 42 {
		t.Fatalf("cached total: %d", n)
	}
	if n, _ := c.count("k", now.Add(countTTL), func() (int, error) { return 7, nil }); n != 7 {
		t.Fatalf("expired total: %d", n)
	}

	// A change while counting: the answer stands, the cache forgets it.
	started, release2 := make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() {
		n, _ := c.count("m", now, func() (int, error) { close(started); <-release2; return 5, nil })
		done <- n
	}()
	<-started
	c.forget()
	close(release2)
	if n := <-done; n != 5 {
		t.Fatalf("count during a change: %d", n)
	}
	if n, _ := c.count("m", now, func() (int, error) { return 6, nil }); n != 6 {
		t.Fatalf("a count from before the change was remembered: %d", n)
	}
}
