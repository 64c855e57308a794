package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/salescrm/crm/internal/app"
)

// rotateSecrets re-seals every stored secret under the current key, holder
// by holder, with a progress line per holder. It can be run again safely:
// values already under the current key are left alone.
func rotateSecrets(ctx context.Context, a *app.App, out io.Writer) error {
	fmt.Fprintf(out, "re-sealing under key %q\n", a.Box.Current())
	for _, h := range a.SecretHolders() {
		ids, err := h.KeyIDs(ctx)
		if err != nil {
			return fmt.Errorf("count %s: %w", h.Name(), err)
		}
		total := 0
		for id, n := range ids {
			if id != a.Box.Current() {
				total += n
			}
		}
		bar := newProgress(out, h.Name(), total)
		n, err := h.Reseal(ctx, bar.step)
		bar.finish()
		if err != nil {
			return fmt.Errorf("re-seal %s: %w", h.Name(), err)
		}
		fmt.Fprintf(out, "%s: %d re-sealed\n", h.Name(), n)
	}
	fmt.Fprintln(out, "done: every stored secret is sealed under the current key; old keys can be dropped from CRM_SECRET_KEYS_OLD")
	return nil
}

// progress draws "name [#####     ] 12/40" on one line, redrawn at most
// every 100 ms (a terminal, a CI log or a file all read it).
type progress struct {
	out         io.Writer
	name        string
	total, done int
	last        time.Time
}

func newProgress(out io.Writer, name string, total int) *progress {
	p := &progress{out: out, name: name, total: total}
	p.draw()
	return p
}

func (p *progress) step() {
	p.done++
	if time.Since(p.last) > 100*time.Millisecond || p.done == p.total {
		p.draw()
	}
}

func (p *progress) draw() {
	p.last = time.Now()
	const width = 30
	filled := width
	if p.total > 0 {
		filled = min(width, p.done*width/p.total)
	}
	fmt.Fprintf(p.out, "\r%s [%s%s] %d/%d", p.name, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.done, p.total)
}

func (p *progress) finish() {
	p.draw()
	fmt.Fprintln(p.out)
}
