package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/trash"
	"github.com/salescrm/crm/internal/twiliofake"
)

type trashItem struct {
	Type          string    `json:"type"`
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	DeletedAt     time.Time `json:"deleted_at"`
	DeletedBy     *string   `json:"deleted_by"`
	DeletedByName string    `json:"deleted_by_name"`
	PurgeAt       time.Time `json:"purge_at"`
}

func trashList(t *testing.T, c *apitest.Client, typ string) []trashItem {
	t.Helper()
	var p struct {
		Items []trashItem `json:"items"`
	}
	c.Do("GET", "/api/trash?type="+typ, nil).Want(200).Decode(&p)
	return p.Items
}

type auditEntry struct {
	ActorID    *string        `json:"actor_id"`
	ActorName  string         `json:"actor_name"`
	Action     string         `json:"action"`
	EntityType string         `json:"entity_type"`
	EntityID   *string        `json:"entity_id"`
	Detail     map[string]any `json:"detail"`
}

func auditOf(t *testing.T, c *apitest.Client, query string) []auditEntry {
	t.Helper()
	var p struct {
		Items []auditEntry `json:"items"`
	}
	c.Do("GET", "/api/audit-events?"+query, nil).Want(200).Decode(&p)
	return p.Items
}

func actions(es []auditEntry) string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return strings.Join(out, ",")
}

func timelineKinds(t *testing.T, c *apitest.Client, path string) map[string]int {
	t.Helper()
	var tl struct {
		Items []struct {
			Kind string `json:"kind"`
		} `json:"items"`
	}
	c.Do("GET", path, nil).Want(200).Decode(&tl)
	out := map[string]int{}
	for _, it := range tl.Items {
		out[it.Kind]++
	}
	return out
}

type boardCard struct {
	ID          string  `json:"id"`
	StageID     string  `json:"stage_id"`
	ContactID   *string `json:"contact_id"`
	ContactName string  `json:"contact_name"`
}

func boardCards(t *testing.T, c *apitest.Client, pipelineID string) map[string]boardCard {
	t.Helper()
	var b struct {
		Deals []boardCard `json:"deals"`
	}
	c.Do("GET", "/api/pipelines/"+pipelineID+"/board", nil).Want(200).Decode(&b)
	out := map[string]boardCard{}
	for _, d := range b.Deals {
		out[d.ID] = d
	}
	return out
}

type pipelineIDs struct {
	ID     string
	Stages []string
}

func firstPipeline(t *testing.T, c *apitest.Client) pipelineIDs {
	t.Helper()
	var pl struct {
		Items []struct {
			ID     string `json:"id"`
			Stages []struct {
				ID string `json:"id"`
			} `json:"stages"`
		} `json:"items"`
	}
	c.Do("GET", "/api/pipelines", nil).Want(200).Decode(&pl)
	p := pipelineIDs{ID: pl.Items[0].ID}
	for _, s := range pl.Items[0].Stages {
		p.Stages = append(p.Stages, s.ID)
	}
	return p
}

func createID(t *testing.T, c *apitest.Client, path string, body map[string]any) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	c.Do("POST", path, body).Want(201).Decode(&v)
	return v.ID
}

func dashboard(t *testing.T, c *apitest.Client) (overdue, open int) {
	t.Helper()
	var d struct {
		TasksOverdue int `json:"tasks_overdue"`
		OpenDeals    int `json:"open_deals"`
	}
	c.Do("GET", "/api/analytics/dashboard", nil).Want(200).Decode(&d)
	return d.TasksOverdue, d.OpenDeals
}

func callLog(t *testing.T, c *apitest.Client, query string) []callOut {
	t.Helper()
	var p struct {
		Items []callOut `json:"items"`
	}
	c.Do("GET", "/api/calls?"+query, nil).Want(200).Decode(&p)
	return p.Items
}

func hasPair(t *testing.T, c *apitest.Client, id string) bool {
	t.Helper()
	return strings.Contains(string(c.Do("GET", "/api/contacts/duplicates", nil).Want(200).Body), id)
}

// A deleted contact is gone from everything a member sees — lists, search,
// tags, duplicates, the board, the dashboard, activities, texts, calls,
// exports — and a restore brings it back with its activities, texts, calls,
// deal links and its deals' stage history. What its number sends meanwhile
// goes to the number, as a stranger's would, and joins it on restore.
func TestTrashContactRoundTrip(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("rep@acme.test", "member")
	other := owner.Invite("other@acme.test", "member")
	ta := connectTwilio(t, env, owner, "+14155550300")
	pl := firstPipeline(t, owner)

	ada := createID(t, owner, "/api/contacts", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@acme.test",
		"phone": "+14155550177", "tags": []string{"vip"}})
	adah := createID(t, owner, "/api/contacts", map[string]any{"first_name": "Adah", "last_name": "Lovelace", "phone": "+14155550178"})
	deal := createID(t, owner, "/api/deals", map[string]any{"title": "Ada's rollout", "value": "1000", "contact_id": ada})
	owner.Do("POST", "/api/deals/"+deal+"/move", map[string]any{"stage_id": pl.Stages[1]}).Want(200)
	task := createID(t, owner, "/api/activities", map[string]any{"type": "task", "subject": "Call Ada back", "contact_id": ada,
		"due_at": time.Now().Add(-48 * time.Hour).Format(time.RFC3339)})
	createID(t, owner, "/api/activities", map[string]any{"type": "note", "subject": "Rollout plan", "deal_id": deal})
	if code, _ := webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550177", ta.number, "Hello")); code != 200 {
		t.Fatalf("inbound text: %d", code)
	}
	if code, _ := webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")},
		"From": {"+14155550177"}, "To": {ta.number}}); code != 200 {
		t.Fatalf("inbound call: %d", code)
	}
	before := timelineKinds(t, owner, "/api/contacts/"+ada+"/timeline")
	if before["sms"] != 1 || before["call"] != 1 || before["stage_change"] != 2 || before["activity"] != 2 || !hasPair(t, owner, ada) {
		t.Fatalf("before the delete: timeline %v, duplicates %v", before, hasPair(t, owner, ada))
	}
	if overdue, open := dashboard(t, owner); overdue != 1 || open != 1 {
		t.Fatalf("dashboard before: %d overdue, %d open", overdue, open)
	}

	// Members may delete one contact (as before), but not many at once.
	member.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": []string{ada, adah}}).Want(403)
	member.Do("DELETE", "/api/contacts/"+ada, nil).Want(204)
	member.Do("DELETE", "/api/contacts/"+ada, nil).Want(404)

	// Gone from everything.
	owner.Do("GET", "/api/contacts/"+ada, nil).Want(404)
	owner.Do("PATCH", "/api/contacts/"+ada, map[string]any{"title": "x"}).Want(404)
	owner.Do("GET", "/api/contacts/"+ada+"/timeline", nil).Want(404)
	owner.Do("GET", "/api/sms/contact-thread/"+ada, nil).Want(404)
	owner.Do("GET", "/api/activities/"+task, nil).Want(404)
	owner.Do("POST", "/api/activities/"+task+"/complete", nil).Want(404)
	for _, p := range []string{"/api/contacts", "/api/contacts?q=lovelace", "/api/contacts?q=4155550177", "/api/contacts?tag=vip",
		"/api/contacts/tags", "/api/contacts/export.csv", "/api/activities", "/api/activities/my-tasks", "/api/deals/export.csv"} {
		body := string(owner.Do("GET", p, nil).Want(200).Body)
		if strings.Contains(body, ada) || strings.Contains(body, "ada@acme.test") || strings.Contains(body, "Call Ada back") || strings.Contains(body, `"vip"`) {
			t.Errorf("%s still shows the deleted contact: %s", p, body)
		}
	}
	if !listHas(t, owner, "/api/contacts?q=lovelace", adah) {
		t.Error("the search lost the live contact too")
	}
	if hasPair(t, owner, ada) {
		t.Error("duplicates still pair the deleted contact")
	}
	if c := boardCards(t, owner, pl.ID)[deal]; c.ContactID != nil || c.ContactName != "" {
		t.Errorf("the board still shows the deleted contact: %+v", c)
	}
	var d struct {
		ContactID *string `json:"contact_id"`
	}
	owner.Do("GET", "/api/deals/"+deal, nil).Want(200).Decode(&d)
	if d.ContactID != nil {
		t.Errorf("the deal still shows the deleted contact: %v", *d.ContactID)
	}
	if k := timelineKinds(t, owner, "/api/deals/"+deal+"/timeline"); k["sms"] != 0 || k["call"] != 0 {
		t.Errorf("the deal's timeline still shows the deleted contact's texts and calls: %v", k)
	}
	if overdue, _ := dashboard(t, owner); overdue != 0 {
		t.Errorf("the dashboard still counts the deleted contact's task: %d", overdue)
	}
	if th := getThreads(t, owner); len(th) != 0 {
		t.Errorf("threads still show the deleted contact's: %+v", th)
	}
	if calls := callLog(t, owner, ""); len(calls) != 0 {
		t.Errorf("the call log still shows the deleted contact's call: %+v", calls)
	}
	// Nothing new can be linked to it.
	wantFieldError(t, owner.Do("POST", "/api/activities", map[string]any{"type": "note", "subject": "x", "contact_id": ada}), 422, "body.contact_id")
	wantFieldError(t, owner.Do("PATCH", "/api/deals/"+deal, map[string]any{"contact_id": ada}), 422, "body.contact_id")
	wantFieldError(t, owner.Do("POST", "/api/sms/messages", map[string]any{"contact_id": ada, "body": "x"}), 422, "body.contact_id")

	// Meanwhile its number texts and calls: a stranger's thread and call.
	webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550177", ta.number, "Anyone there?"))
	webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")}, "From": {"+14155550177"}, "To": {ta.number}})
	if th := getThreads(t, owner); len(th) != 1 || th[0].ContactID != nil {
		t.Fatalf("the number's thread while the contact is in the trash: %+v", th)
	}
	if calls := callLog(t, owner, ""); len(calls) != 1 || calls[0].ContactID != nil {
		t.Fatalf("the number's call while the contact is in the trash: %+v", calls)
	}

	// The trash: admins only; who deleted it and when it goes for good.
	member.Do("GET", "/api/trash", nil).Want(403)
	items := trashList(t, owner, "contact")
	if len(items) != 1 || items[0].ID != ada || items[0].Name != "Ada Lovelace" || items[0].DeletedBy == nil ||
		*items[0].DeletedBy != member.Me.User.ID.String() || items[0].DeletedByName != member.Me.User.Name ||
		items[0].PurgeAt.Sub(items[0].DeletedAt) != trash.Retention {
		t.Fatalf("trash: %+v", items)
	}

	// A member restores only what they deleted; the one who did, may.
	other.Do("POST", "/api/trash/contact/"+ada+"/restore", nil).Want(403)
	var restored struct {
		Type, ID, Name string
	}
	member.Do("POST", "/api/trash/contact/"+ada+"/restore", nil).Want(200).Decode(&restored)
	if restored.Type != "contact" || restored.ID != ada || restored.Name != "Ada Lovelace" {
		t.Fatalf("restored %+v", restored)
	}
	member.Do("POST", "/api/trash/contact/"+ada+"/restore", nil).Want(404)

	// Back with everything, and with what its number sent meanwhile.
	owner.Do("GET", "/api/contacts/"+ada, nil).Want(200)
	if !listHas(t, owner, "/api/contacts?tag=vip", ada) || !listHas(t, owner, "/api/contacts?q=ada", ada) || !hasPair(t, owner, ada) {
		t.Error("the restored contact is missing from the list, search or duplicates")
	}
	after := timelineKinds(t, owner, "/api/contacts/"+ada+"/timeline")
	if after["sms"] != 2 || after["call"] != 2 || after["stage_change"] != 2 || after["activity"] != 2 {
		t.Errorf("timeline after the restore: %v (before %v)", after, before)
	}
	if c := boardCards(t, owner, pl.ID)[deal]; c.ContactID == nil || *c.ContactID != ada || c.ContactName != "Ada Lovelace" {
		t.Errorf("the board after the restore: %+v", c)
	}
	if overdue, _ := dashboard(t, owner); overdue != 1 {
		t.Errorf("the dashboard after the restore: %d overdue", overdue)
	}
	th := getThreads(t, owner)
	if len(th) != 1 || th[0].ContactID == nil || *th[0].ContactID != ada || th[0].LastBody != "Anyone there?" || th[0].UnreadCount != 2 {
		t.Fatalf("threads after the restore: %+v", th)
	}
	if m := getMessages(t, owner, th[0].ID); len(m) != 2 || m[0].ContactID == nil || *m[0].ContactID != ada {
		t.Fatalf("messages after the restore: %+v", m)
	}
	if calls := callLog(t, owner, "contact_id="+ada); len(calls) != 2 {
		t.Fatalf("calls after the restore: %+v", calls)
	}
	owner.Do("GET", "/api/activities/"+task, nil).Want(200)

	// The audit trail: both, by the member, newest first.
	trail := auditOf(t, owner, "entity_type=contact&entity_id="+ada)
	if actions(trail) != "contact.restored,contact.deleted" || trail[0].ActorID == nil || *trail[0].ActorID != member.Me.User.ID.String() ||
		trail[1].ActorName != member.Me.User.Name || trail[1].Detail["name"] != "Ada Lovelace" {
		t.Fatalf("audit trail: %+v", trail)
	}
	member.Do("GET", "/api/audit-events", nil).Want(403)
}

// A deleted deal leaves the board, lists, the dashboard and its contact's
// timeline, and comes back with its stage history and activities. Delete
// forever is for admins, and is in the audit trail.
func TestTrashDealRoundTripAndDeleteForever(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("rep@acme.test", "member")
	pl := firstPipeline(t, owner)
	grace := createID(t, owner, "/api/contacts", map[string]any{"first_name": "Grace", "last_name": "Hopper"})
	deal := createID(t, owner, "/api/deals", map[string]any{"title": "Hopper pilot", "value": "250", "contact_id": grace})
	owner.Do("POST", "/api/deals/"+deal+"/move", map[string]any{"stage_id": pl.Stages[2]}).Want(200)
	note := createID(t, owner, "/api/activities", map[string]any{"type": "note", "subject": "Pilot scope", "deal_id": deal})

	member.Do("DELETE", "/api/deals/"+deal, nil).Want(204)
	owner.Do("GET", "/api/deals/"+deal, nil).Want(404)
	owner.Do("GET", "/api/deals/"+deal+"/timeline", nil).Want(404)
	owner.Do("POST", "/api/deals/"+deal+"/move", map[string]any{"stage_id": pl.Stages[0]}).Want(404)
	owner.Do("GET", "/api/activities/"+note, nil).Want(404)
	if _, ok := boardCards(t, owner, pl.ID)[deal]; ok {
		t.Error("the board still shows the deleted deal")
	}
	for _, p := range []string{"/api/deals", "/api/deals?contact_id=" + grace, "/api/deals/export.csv", "/api/activities", "/api/pipelines"} {
		if body := string(owner.Do("GET", p, nil).Want(200).Body); strings.Contains(body, deal) || strings.Contains(body, "Hopper pilot") ||
			strings.Contains(body, "Pilot scope") || strings.Contains(body, `"total_value":"250.00"`) {
			t.Errorf("%s still shows the deleted deal: %s", p, body)
		}
	}
	if k := timelineKinds(t, owner, "/api/contacts/"+grace+"/timeline"); k["stage_change"] != 0 || k["activity"] != 0 {
		t.Errorf("the contact's timeline still shows the deleted deal: %v", k)
	}
	if _, open := dashboard(t, owner); open != 0 {
		t.Errorf("the dashboard still counts the deleted deal: %d open", open)
	}
	wantFieldError(t, owner.Do("POST", "/api/activities", map[string]any{"type": "note", "subject": "x", "deal_id": deal}), 422, "body.deal_id")
	if items := trashList(t, owner, "deal"); len(items) != 1 || items[0].ID != deal || items[0].Name != "Hopper pilot" {
		t.Fatalf("trash: %+v", items)
	}
	if items := trashList(t, owner, "contact"); len(items) != 0 {
		t.Fatalf("contact trash: %+v", items)
	}

	// An admin restores what a member deleted.
	owner.Do("POST", "/api/trash/deal/"+deal+"/restore", nil).Want(200)
	if c, ok := boardCards(t, owner, pl.ID)[deal]; !ok || c.StageID != pl.Stages[2] || c.ContactName != "Grace Hopper" {
		t.Fatalf("board after the restore: %+v", c)
	}
	if k := timelineKinds(t, owner, "/api/deals/"+deal+"/timeline"); k["stage_change"] != 2 || k["activity"] != 1 {
		t.Errorf("the deal's timeline after the restore: %v", k)
	}
	if _, open := dashboard(t, owner); open != 1 {
		t.Errorf("the dashboard after the restore: %d open", open)
	}

	// Delete forever: admins only, then it is gone for good.
	owner.Do("DELETE", "/api/deals/"+deal, nil).Want(204)
	member.Do("DELETE", "/api/trash/deal/"+deal, nil).Want(403)
	owner.Do("DELETE", "/api/trash/deal/"+deal, nil).Want(204)
	owner.Do("DELETE", "/api/trash/deal/"+deal, nil).Want(404)
	owner.Do("POST", "/api/trash/deal/"+deal+"/restore", nil).Want(404)
	if items := trashList(t, owner, "deal"); len(items) != 0 {
		t.Fatalf("trash after delete forever: %+v", items)
	}
	if n := countRows(t, env, `SELECT count(*) FROM deals WHERE id = $1`, deal); n != 0 {
		t.Fatalf("the deal is still stored: %d", n)
	}
	trail := auditOf(t, owner, "entity_type=deal&entity_id="+deal)
	if actions(trail) != "deal.purged,deal.deleted,deal.restored,deal.deleted" || trail[0].Detail["reason"] != "deleted_forever" ||
		trail[0].ActorName != owner.Me.User.Name || trail[3].ActorName != member.Me.User.Name || trail[3].Detail["title"] != "Hopper pilot" {
		t.Fatalf("audit trail: %+v", trail)
	}
	// The trail filters and pages.
	if got := auditOf(t, owner, "action=deal.purged"); len(got) != 1 {
		t.Errorf("filtered by action: %+v", got)
	}
	var page struct {
		Items      []auditEntry `json:"items"`
		NextCursor string       `json:"next_cursor"`
	}
	owner.Do("GET", "/api/audit-events?entity_type=deal&limit=3", nil).Want(200).Decode(&page)
	if len(page.Items) != 3 || page.NextCursor == "" {
		t.Fatalf("first page: %+v", page)
	}
	cur := page.NextCursor
	page.NextCursor = ""
	owner.Do("GET", "/api/audit-events?entity_type=deal&limit=3&cursor="+cur, nil).Want(200).Decode(&page)
	if actions(page.Items) != "deal.deleted" || page.NextCursor != "" {
		t.Fatalf("second page: %+v", page)
	}
	wantFieldError(t, owner.Do("GET", "/api/audit-events?action=DROP%20TABLE", nil), 422, "query.action")
	wantFieldError(t, owner.Do("GET", "/api/audit-events?entity_id="+deal, nil), 422, "query.entity_type")
	wantFieldError(t, owner.Do("GET", "/api/audit-events?cursor=garbage", nil), 422, "query.cursor")
}

// A trashed contact does not hold its email: a new contact may take it, and
// restoring the old one then is a conflict until the email is free again.
func TestTrashedContactsEmailCanBeReused(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	old := createID(t, owner, "/api/contacts", map[string]any{"first_name": "Old", "email": "same@acme.test"})
	owner.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": []string{old}}).Want(200)
	newer := createID(t, owner, "/api/contacts", map[string]any{"first_name": "New", "email": "same@acme.test"})
	p := owner.Do("POST", "/api/trash/contact/"+old+"/restore", nil).Want(409).Problem()
	if !strings.Contains(p.Detail, "email") {
		t.Errorf("409 detail: %+v", p)
	}
	if items := trashList(t, owner, "contact"); len(items) != 1 || items[0].ID != old {
		t.Fatalf("the refused restore changed the trash: %+v", items)
	}
	owner.Do("DELETE", "/api/contacts/"+newer, nil).Want(204)
	owner.Do("POST", "/api/trash/contact/"+old+"/restore", nil).Want(200)
	if got := byEmail(allContacts(t, owner, nil)); got["same@acme.test"].ID.String() != old {
		t.Fatalf("after the restore: %+v", got)
	}
	if a := actions(auditOf(t, owner, "entity_type=contact&entity_id="+old)); a != "contact.restored,contact.deleted" {
		t.Fatalf("audit: %s", a)
	}
	if e := auditOf(t, owner, "entity_type=contact&entity_id="+old); e[1].Detail["name"] != "Old" {
		t.Fatalf("bulk delete's event: %+v", e[1])
	}
}

// The daily purge deletes, in its job, what was deleted more than 30 days
// before the sweep's clock, and nothing younger. The contact's texts,
// consent records and calls stay, without the contact: its thread joins the
// thread its number started meanwhile, its calls stay in the call log, its
// deal stays without it. Its activities go with it.
func TestTrashPurgeKeepsTextsAndCallsDetached(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	ta := connectTwilio(t, env, owner, "+14155550300")
	ctx := context.Background()

	pat := createID(t, owner, "/api/contacts", map[string]any{"first_name": "Pat", "last_name": "Purged", "phone": "+14155550188"})
	young := createID(t, owner, "/api/contacts", map[string]any{"first_name": "Young", "last_name": "Trash", "phone": "+14155550199"})
	deal := createID(t, owner, "/api/deals", map[string]any{"title": "Pat's deal", "contact_id": pat})
	task := createID(t, owner, "/api/activities", map[string]any{"type": "task", "subject": "Pat's task", "contact_id": pat})
	webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550188", ta.number, "STOP"))
	webhook(t, env, "/webhooks/twilio/voice", ta.token, url.Values{"AccountSid": {ta.sid}, "CallSid": {twiliofake.SID("CA")}, "From": {"+14155550188"}, "To": {ta.number}})
	webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550199", ta.number, "From the young one"))
	calls := callLog(t, owner, "contact_id="+pat)
	if len(calls) != 1 {
		t.Fatalf("Pat's calls: %+v", calls)
	}
	var withNotes callOut
	owner.Do("PATCH", "/api/calls/"+calls[0].ID, map[string]any{"notes": "Wants a call back"}).Want(200).Decode(&withNotes)
	if withNotes.ActivityID == nil {
		t.Fatalf("call notes without an activity: %+v", withNotes)
	}
	owner.Do("DELETE", "/api/contacts/"+pat, nil).Want(204)
	owner.Do("DELETE", "/api/contacts/"+young, nil).Want(204)
	// While Pat is in the trash, the number texts again (a thread of its own).
	webhook(t, env, "/webhooks/twilio/sms", ta.token, inboundForm(ta.sid, twiliofake.SID("SM"), "+14155550188", ta.number, "Hello?"))

	// Nothing is 30 days old yet.
	if n, err := env.App.Trash.Sweep(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("sweep of a young trash queued %d (%v)", n, err)
	}
	// Pat was deleted 31 days ago; the sweep's clock is now.
	var companyID = owner.Me.Company.ID
	ownerChange(t, env, `UPDATE contacts SET deleted_at = deleted_at - interval '31 days' WHERE id = $1`, pat)
	if n, err := env.App.Trash.Sweep(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("sweep queued %d jobs (%v), want 1", n, err)
	}
	eventually(t, 20*time.Second, "the purge job", func() bool {
		return countRows(t, env, `SELECT count(*) FROM contacts WHERE id = $1`, pat) == 0
	})
	if items := trashList(t, owner, "contact"); len(items) != 1 || items[0].ID != young {
		t.Fatalf("the purge took more than the expired: %+v", items)
	}

	// The texts: one thread for the number, both messages, no contact.
	th := getThreads(t, owner)
	if len(th) != 1 || th[0].ContactID != nil || th[0].Phone != "+14155550188" || th[0].UnreadCount != 2 || th[0].LastBody != "Hello?" || !th[0].OptedOut {
		t.Fatalf("threads after the purge: %+v", th)
	}
	if m := getMessages(t, owner, th[0].ID); len(m) != 2 || m[0].ContactID != nil || m[1].ContactID != nil {
		t.Fatalf("messages after the purge: %+v", m)
	}
	var consents struct {
		Items []struct {
			Action    string  `json:"action"`
			ContactID *string `json:"contact_id"`
		} `json:"items"`
	}
	owner.Do("GET", "/api/sms/consents?phone=%2B14155550188", nil).Want(200).Decode(&consents)
	if len(consents.Items) != 1 || consents.Items[0].Action != "opt_out" || consents.Items[0].ContactID != nil {
		t.Fatalf("consent records after the purge: %+v", consents.Items)
	}
	// The call: in the call log, without the contact, its notes kept.
	got := getCall(t, owner, calls[0].ID)
	if got.ContactID != nil || got.Notes != "Wants a call back" || got.ActivityID != nil {
		t.Fatalf("the call after the purge: %+v", got)
	}
	// The deal stays, without a contact; the task went with the contact.
	if n := countRows(t, env, `SELECT count(*) FROM deals WHERE id = $1 AND contact_id IS NULL AND deleted_at IS NULL`, deal); n != 1 {
		t.Fatalf("the deal after the purge: %d", n)
	}
	if n := countRows(t, env, `SELECT count(*) FROM activities WHERE id = $1 OR id = $2`, task, *withNotes.ActivityID); n != 0 {
		t.Fatalf("the contact's activities after the purge: %d", n)
	}
	trail := auditOf(t, owner, "entity_type=contact&entity_id="+pat)
	if actions(trail) != "contact.purged,contact.deleted" || trail[0].ActorID != nil || trail[0].ActorName != "System" ||
		trail[0].Detail["reason"] != "expired" || trail[0].Detail["name"] != "Pat Purged" {
		t.Fatalf("audit trail: %+v", trail)
	}

	// A month later the young one goes too, once the first job is done (a
	// company has one unfinished purge job at a time).
	eventually(t, 20*time.Second, "the first purge job to finish", func() bool {
		return countRows(t, env, `SELECT count(*) FROM river_job WHERE kind = 'trash.purge' AND state <> 'completed'`) == 0
	})
	if n, err := env.App.Trash.Sweep(ctx, time.Now().Add(trash.Retention+time.Hour)); err != nil || n != 1 {
		t.Fatalf("second sweep queued %d (%v)", n, err)
	}
	eventually(t, 20*time.Second, "the second purge", func() bool { return len(trashList(t, owner, "contact")) == 0 })
	// Its thread, with no other for the number, becomes the number's.
	th = getThreads(t, owner)
	if len(th) != 2 || th[1].ContactID != nil || th[1].Phone != "+14155550199" || th[1].LastBody != "From the young one" || th[0].ContactID != nil {
		t.Fatalf("threads after the second purge (newest first): %+v", th)
	}
	if n, more, err := env.App.Trash.PurgeExpired(ctx, companyID, time.Now().Add(trash.Retention), 10); n != 0 || more || err != nil {
		t.Fatalf("purge of an empty trash: %d %v %v", n, more, err)
	}
}

// The purge works in bounded batches, each its own transaction, and says
// when more is left: a large trash never becomes one long transaction.
func TestTrashPurgeBatches(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	ctx := context.Background()
	companyID := owner.Me.Company.ID
	const rows = 2*trash.BatchSize + 100
	old := time.Now().Add(-40 * 24 * time.Hour)
	if err := env.App.DB.InTenant(ctx, companyID, func(q *dbQ) error {
		ids := make([]uuid.UUID, rows)
		for i := range ids {
			ids[i] = uuid.Must(uuid.NewV7())
		}
		_, err := q.Tx.Exec(ctx, `INSERT INTO contacts (company_id, id, first_name, email, deleted_at)
			SELECT $1, id, 'Bulk', 'bulk' || n || '@acme.test', $3 FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, n)`, companyID, ids, old)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-trash.Retention)
	n, more, err := env.App.Trash.PurgeExpired(ctx, companyID, before, 1)
	if err != nil || n != trash.BatchSize || !more {
		t.Fatalf("one batch: %d purged, more %v, %v", n, more, err)
	}
	n, more, err = env.App.Trash.PurgeExpired(ctx, companyID, before, 10)
	if err != nil || n != rows-trash.BatchSize || more {
		t.Fatalf("the rest: %d purged, more %v, %v", n, more, err)
	}
	if got := countRows(t, env, `SELECT count(*) FROM audit_events WHERE company_id = $1 AND action = 'contact.purged'`, companyID); got != rows {
		t.Fatalf("purge events: %d, want %d", got, rows)
	}
}

// ownerChange runs a statement as the database superuser (no RLS), to set
// up what the API cannot, such as an old deletion time, and fails the test
// when it changed no row.
func ownerChange(t *testing.T, env *apitest.Env, sql string, args ...any) {
	t.Helper()
	var n int
	ownerQuery(t, env, `WITH x AS (`+sql+` RETURNING 1) SELECT count(*) FROM x`, args, &n)
	if n == 0 {
		t.Fatalf("%s changed nothing", sql)
	}
}

// The audit trail is append-only for the server: it records and reads
// events, and cannot change or delete them, even its own company's.
func TestAuditTrailIsAppendOnly(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	c := createID(t, owner, "/api/contacts", map[string]any{"first_name": "Ann"})
	owner.Do("DELETE", "/api/contacts/"+c, nil).Want(204)
	ctx := context.Background()
	for _, stmt := range []string{`UPDATE audit_events SET action = 'contact.restored'`, `DELETE FROM audit_events`} {
		err := env.App.DB.InTenant(ctx, owner.Me.Company.ID, func(q *dbQ) error {
			_, err := q.Tx.Exec(ctx, stmt+` WHERE company_id = $1`, owner.Me.Company.ID)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s as the app role: %v", stmt, err)
		}
	}
	if a := actions(auditOf(t, owner, "entity_type=contact")); a != "contact.deleted" {
		t.Fatalf("trail: %s", a)
	}
}
