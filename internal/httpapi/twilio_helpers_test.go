package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/errs"
	"github.com/salescrm/crm/internal/twiliofake"
)

// twilioCo is a company connected to the fake Twilio with one number.
type twilioCo struct {
	c        *apitest.Client
	sid      string
	token    string
	number   string
	numberID string
}

// connectTwilio connects c's company to a new fake Twilio account that owns
// number, and adds the number.
func connectTwilio(t *testing.T, env *apitest.Env, c *apitest.Client, number string) *twilioCo {
	t.Helper()
	var fe errs.Fields
	owned := contacts.NormalizePhone("number", number, &fe)
	if owned == nil {
		t.Fatalf("connectTwilio: %q is not a phone number", number)
	}
	sid, token := env.Twilio.NewAccount(*owned)
	c.Do("PUT", "/api/twilio-settings", map[string]any{"mode": "twilio", "account_sid": sid, "auth_token": token}).Want(200)
	var n struct {
		ID     string `json:"id"`
		Number string `json:"number"`
	}
	c.Do("POST", "/api/twilio-settings/numbers", map[string]any{"number": number, "label": "Main"}).Want(201).Decode(&n)
	return &twilioCo{c: c, sid: sid, token: token, number: n.Number, numberID: n.ID}
}

// webhook posts a form to path signed with token over the server's public
// URL, as Twilio would.
func webhook(t *testing.T, env *apitest.Env, path, token string, form url.Values) (int, string) {
	t.Helper()
	return webhookSigned(t, env, path, env.Srv.URL+path, token, form)
}

func webhookSigned(t *testing.T, env *apitest.Env, path, signURL, token string, form url.Values) (int, string) {
	t.Helper()
	res, err := twiliofake.Webhook(env.Srv.URL+path, signURL, token, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, b.String()
}

// inboundForm is Twilio's form for a message from → to, sent by the Twilio
// account accountSID.
func inboundForm(accountSID, sid, from, to, body string) url.Values {
	return url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {accountSID},
		"From": {from}, "To": {to}, "Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"}}
}

// eventually polls cond every 50 ms for up to d.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ownerQuery runs a query as the database owner (no RLS), to look at what
// the API does not show, such as the sealed token.
func ownerQuery(t *testing.T, env *apitest.Env, sql string, args []any, dest ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, env.URLs.Super)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// ownerExec runs a statement as the database owner, to set up what the API
// no longer allows (rows from before a rule existed).
func ownerExec(t *testing.T, env *apitest.Env, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, env.URLs.Super)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func countRows(t *testing.T, env *apitest.Env, sql string, args ...any) int {
	t.Helper()
	var n int
	ownerQuery(t, env, sql, args, &n)
	return n
}

type smsMessage struct {
	ID        string   `json:"id"`
	ThreadID  string   `json:"thread_id"`
	ContactID *string  `json:"contact_id"`
	Direction string   `json:"direction"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Body      string   `json:"body"`
	Status    string   `json:"status"`
	ErrorCode *int     `json:"error_code"`
	Segments  int      `json:"segments"`
	Media     []string `json:"media_urls"`
}

func getMessages(t *testing.T, c *apitest.Client, threadID string) []smsMessage {
	t.Helper()
	var page struct {
		Items []smsMessage `json:"items"`
	}
	c.Do("GET", "/api/sms/threads/"+threadID+"/messages", nil).Want(http.StatusOK).Decode(&page)
	return page.Items
}

type smsThread struct {
	ID          string  `json:"id"`
	ContactID   *string `json:"contact_id"`
	Phone       string  `json:"phone"`
	UnreadCount int     `json:"unread_count"`
	OptedOut    bool    `json:"opted_out"`
	LastBody    string  `json:"last_body"`
}

func getThreads(t *testing.T, c *apitest.Client) []smsThread {
	t.Helper()
	var page struct {
		Items []smsThread `json:"items"`
	}
	c.Do("GET", "/api/sms/threads", nil).Want(http.StatusOK).Decode(&page)
	return page.Items
}

func messageStatus(t *testing.T, c *apitest.Client, threadID, id string) string {
	t.Helper()
	for _, m := range getMessages(t, c, threadID) {
		if m.ID == id {
			return m.Status
		}
	}
	return ""
}

func newContact(t *testing.T, c *apitest.Client, first, phone string) string {
	t.Helper()
	var ct struct {
		ID string `json:"id"`
	}
	c.Do("POST", "/api/contacts", map[string]any{"first_name": first, "last_name": "Test", "phone": phone}).Want(201).Decode(&ct)
	return ct.ID
}

// postWithSignature posts form with a given signature header.
func postWithSignature(t *testing.T, env *apitest.Env, path, sig string, form url.Values) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.Srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sig)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
