package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/jobs"
)

// simulatedNumber puts c's company in simulator mode with one number.
func simulatedNumber(t *testing.T, c *apitest.Client, number string) string {
	t.Helper()
	c.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "simulator"}).Want(200)
	var n struct {
		ID string `json:"id"`
	}
	c.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": number}).Want(201).Decode(&n)
	return n.ID
}

// TestOneCompanysSendsDoNotStarveAnother: company B queues more texts than
// the SMS queue has workers, on a number that sends one a second, so each
// of its sends holds a worker while it waits for its slot (up to a minute).
// Company A's one text must still go out at once: B may run only its share
// of the queue's workers (jobs.Fair), and its other jobs step aside. Before,
// sends ran on the default queue and A's text waited behind B's backlog.
func TestOneCompanysSendsDoNotStarveAnother(t *testing.T) {
	env := apitest.New(t)
	a, b := env.Signup("Small Co"), env.Signup("Bulk Co")
	simulatedNumber(t, a, "+14155550100")
	simulatedNumber(t, b, "+14155550101")
	q := jobs.Queues[jobs.QueueSMS]
	backlog := 3 * q.MaxWorkers
	for i := range backlog {
		id := newContact(t, b, fmt.Sprintf("Bulk %d", i), fmt.Sprintf("+1415555%04d", 3000+i))
		b.Do("POST", "/api/sms/messages", map[string]any{"contact_id": id, "body": "Offer"}).Want(201)
	}
	// Let B's sends take the workers.
	eventually(t, 30*time.Second, "Bulk Co's sends to start", func() bool {
		return countRows(t, env, `SELECT count(*) FROM river_job WHERE kind = 'sms.send' AND state = 'running'`) > 0
	})
	ada := newContact(t, a, "Ada", "+14155550111")
	var m smsMessage
	start := time.Now()
	a.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "Your quote"}).Want(201).Decode(&m)
	// Liveness, generously: B's backlog needs a minute (one text a second).
	eventually(t, 20*time.Second, "Small Co's text to be sent", func() bool {
		s := messageStatus(t, a, m.ThreadID, m.ID)
		return s == "sent" || s == "delivered"
	})
	t.Logf("Small Co's text went out after %v, with %d of Bulk Co's queued", time.Since(start).Round(time.Millisecond), backlog)
	// B is limited, not stopped.
	sent := countRows(t, env, `SELECT count(*) FROM sms_messages WHERE company_id = $1 AND status IN ('sent', 'delivered')`, b.Me.Company.ID)
	if sent == 0 {
		t.Fatal("none of Bulk Co's texts went out")
	}
}
