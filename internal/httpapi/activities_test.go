package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/db"
)

// newActivity posts body and returns the stored activity.
func newActivity(t *testing.T, c *apitest.Client, body map[string]any) activities.Activity {
	t.Helper()
	var out activities.Activity
	c.Do("POST", "/api/activities", body).Want(http.StatusCreated).Decode(&out)
	return out
}

func getActivity(t *testing.T, c *apitest.Client, id uuid.UUID) activities.Activity {
	t.Helper()
	var out activities.Activity
	c.Do("GET", "/api/activities/"+id.String(), nil).Want(http.StatusOK).Decode(&out)
	return out
}

// activityList walks every page of /api/activities?query and fails on an
// activity seen twice.
func activityList(t *testing.T, c *apitest.Client, query string) []uuid.UUID {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	var all []uuid.UUID
	for page := 0; ; page++ {
		if page > 500 {
			t.Fatalf("list %s: more than 500 pages", query)
		}
		var p activities.Page
		c.Do("GET", "/api/activities?"+q.Encode(), nil).Want(200).Decode(&p)
		if p.Items == nil {
			t.Fatalf("list %s: items is null", query)
		}
		for _, a := range p.Items {
			if slices.Contains(all, a.ID) {
				t.Fatalf("list %s: %s twice", query, a.ID)
			}
			all = append(all, a.ID)
		}
		if p.NextCursor == "" {
			return all
		}
		if len(p.Items) == 0 {
			t.Fatalf("list %s: empty page with a next cursor", query)
		}
		q.Set("cursor", p.NextCursor)
	}
}

func activityIDs(as ...activities.Activity) []uuid.UUID {
	out := make([]uuid.UUID, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func wantIDs(t *testing.T, what string, got, want []uuid.UUID) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

func sortUUIDs(s []uuid.UUID) {
	slices.SortFunc(s, func(x, y uuid.UUID) int { return strings.Compare(x.String(), y.String()) })
}

// inTenant runs SQL as the app role in c's company, for fixtures the API
// does not make (deals before the deals API, stage history, fixed times).
func inTenant(t *testing.T, env *apitest.Env, c *apitest.Client, fn func(ctx context.Context, tx pgx.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := env.App.DB.InTenant(ctx, c.Me.Company.ID, func(q *db.Q) error { return fn(ctx, q.Tx) }); err != nil {
		t.Fatal(err)
	}
}

// insertTestDeal stores a deal in the first stage of the company's first
// pipeline (made here when the company has none) and returns its id.
func insertTestDeal(t *testing.T, env *apitest.Env, c *apitest.Client, title string, contactID *uuid.UUID) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	company := c.Me.Company.ID
	inTenant(t, env, c, func(ctx context.Context, tx pgx.Tx) error {
		var pipeline, stage uuid.UUID
		err := tx.QueryRow(ctx, `SELECT p.id, s.id FROM pipelines p
			JOIN pipeline_stages s ON s.company_id = p.company_id AND s.pipeline_id = p.id
			WHERE p.company_id = $1 ORDER BY p.position, s.position LIMIT 1`, company).Scan(&pipeline, &stage)
		if err == pgx.ErrNoRows {
			pipeline, stage = uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
			if _, err := tx.Exec(ctx, `INSERT INTO pipelines (company_id, id, name) VALUES ($1, $2, 'Test pipeline')`, company, pipeline); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO pipeline_stages (company_id, id, pipeline_id, name, position) VALUES ($1, $2, $3, 'Lead', 0)`,
				company, stage, pipeline)
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO deals (company_id, id, pipeline_id, stage_id, title, contact_id) VALUES ($1, $2, $3, $4, $5, $6)`,
			company, id, pipeline, stage, title, contactID)
		return err
	})
	return id
}

// insertStageChange records a stage change of a deal by c's user, now.
func insertStageChange(t *testing.T, env *apitest.Env, c *apitest.Client, deal uuid.UUID, from, to string) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	inTenant(t, env, c, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO deal_stage_changes (company_id, id, deal_id, from_stage, to_stage, changed_by)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.Me.Company.ID, id, deal, from, to, c.Me.User.ID)
		return err
	})
	return id
}

func eqUUID(p *uuid.UUID, want uuid.UUID) bool { return p != nil && *p == want }

func TestActivityLifecycle(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("member@acme.test", "member")
	ada := createContact(t, owner, map[string]any{"first_name": "Ada", "last_name": "Lovelace"})
	mailOnly := createContact(t, owner, map[string]any{"email": "nameless@example.com"})
	deal := insertTestDeal(t, env, owner, "Big deal", &ada.ID)

	// A task is the caller's by default, and comes back with the names.
	task := newActivity(t, owner, map[string]any{"type": "task", "subject": "  Call Ada  ", "body": "About the engine\n\n",
		"due_at": "2030-01-02T10:00:00+02:00", "contact_id": ada.ID.String(), "deal_id": deal.String()})
	if task.ID.Version() != 7 || task.Type != "task" || task.Subject != "Call Ada" || task.Body != "About the engine" {
		t.Errorf("task: %+v", task)
	}
	if task.DueAt == nil || !task.DueAt.Equal(time.Date(2030, 1, 2, 8, 0, 0, 0, time.UTC)) || task.DoneAt != nil {
		t.Errorf("task due %v done %v", task.DueAt, task.DoneAt)
	}
	if !eqUUID(task.AssigneeID, owner.Me.User.ID) || str(task.AssigneeName) != "Owner of Acme" || !eqUUID(task.CreatedBy, owner.Me.User.ID) {
		t.Errorf("task assignee %v %q, created by %v", task.AssigneeID, str(task.AssigneeName), task.CreatedBy)
	}
	if !eqUUID(task.ContactID, ada.ID) || str(task.ContactName) != "Ada Lovelace" || !eqUUID(task.DealID, deal) || str(task.DealTitle) != "Big deal" {
		t.Errorf("task links: %v %q %v %q", task.ContactID, str(task.ContactName), task.DealID, str(task.DealTitle))
	}
	if got := getActivity(t, owner, task.ID); !reflect.DeepEqual(got, task) {
		t.Errorf("get %+v\nwant %+v", got, task)
	}

	// A note has no default assignee; a contact without a name shows its email.
	note := newActivity(t, member, map[string]any{"type": "note", "subject": "Met at the fair", "contact_id": mailOnly.ID.String()})
	if note.AssigneeID != nil || note.AssigneeName != nil || note.DealID != nil || note.DealTitle != nil || note.DueAt != nil {
		t.Errorf("note: %+v", note)
	}
	if str(note.ContactName) != "nameless@example.com" || !eqUUID(note.CreatedBy, member.Me.User.ID) {
		t.Errorf("note contact name %q, created by %v", str(note.ContactName), note.CreatedBy)
	}
	// An empty assignee leaves a task unassigned; a member may assign another.
	if un := newActivity(t, owner, map[string]any{"type": "task", "subject": "Anyone", "assignee_id": ""}); un.AssigneeID != nil {
		t.Errorf("unassigned task has assignee %v", un.AssigneeID)
	}
	if mt := newActivity(t, member, map[string]any{"type": "meeting", "subject": "Demo", "assignee_id": owner.Me.User.ID.String()}); !eqUUID(mt.AssigneeID, owner.Me.User.ID) {
		t.Errorf("meeting assignee %v", mt.AssigneeID)
	}

	// PATCH: absent fields stay, empty strings clear.
	var got activities.Activity
	owner.Do("PATCH", "/api/activities/"+task.ID.String(), map[string]any{"subject": "Call Ada again"}).Want(200).Decode(&got)
	if got.Subject != "Call Ada again" || !got.DueAt.Equal(*task.DueAt) || !eqUUID(got.ContactID, ada.ID) || !eqUUID(got.DealID, deal) ||
		!eqUUID(got.AssigneeID, owner.Me.User.ID) || got.Body != task.Body || !got.UpdatedAt.After(task.UpdatedAt) {
		t.Errorf("after subject patch: %+v", got)
	}
	owner.Do("PATCH", "/api/activities/"+task.ID.String(), map[string]any{"due_at": "", "assignee_id": "", "contact_id": "", "deal_id": ""}).Want(200).Decode(&got)
	if got.DueAt != nil || got.AssigneeID != nil || got.AssigneeName != nil || got.ContactID != nil || got.ContactName != nil ||
		got.DealID != nil || got.DealTitle != nil || got.Subject != "Call Ada again" {
		t.Errorf("after clearing: %+v", got)
	}
	owner.Do("PATCH", "/api/activities/"+task.ID.String(), map[string]any{"assignee_id": member.Me.User.ID.String(),
		"contact_id": ada.ID.String(), "due_at": "2031-05-06T07:08:09.123456Z", "type": "call"}).Want(200).Decode(&got)
	if !eqUUID(got.AssigneeID, member.Me.User.ID) || str(got.AssigneeName) != "Member member@acme.test" || !eqUUID(got.ContactID, ada.ID) ||
		got.Type != "call" || !got.DueAt.Equal(time.Date(2031, 5, 6, 7, 8, 9, 123456000, time.UTC)) {
		t.Errorf("after setting: %+v", got)
	}

	// Complete and reopen, both idempotent.
	var done, again activities.Activity
	owner.Do("POST", "/api/activities/"+task.ID.String()+"/complete", nil).Want(200).Decode(&done)
	if done.DoneAt == nil {
		t.Fatal("complete left done_at empty")
	}
	owner.Do("POST", "/api/activities/"+task.ID.String()+"/complete", nil).Want(200).Decode(&again)
	if again.DoneAt == nil || !again.DoneAt.Equal(*done.DoneAt) {
		t.Errorf("completing again moved done_at from %v to %v", done.DoneAt, again.DoneAt)
	}
	if l := activityList(t, owner, "status=done"); !slices.Equal(l, []uuid.UUID{task.ID}) {
		t.Errorf("done list %v", l)
	}
	owner.Do("POST", "/api/activities/"+task.ID.String()+"/reopen", nil).Want(200).Decode(&got)
	if got.DoneAt != nil {
		t.Errorf("reopen kept done_at %v", got.DoneAt)
	}
	owner.Do("POST", "/api/activities/"+task.ID.String()+"/reopen", nil).Want(200).Decode(&got)
	if got.DoneAt != nil {
		t.Errorf("reopening again set done_at %v", got.DoneAt)
	}
	// Turning a done activity into a note clears its done time.
	owner.Do("POST", "/api/activities/"+task.ID.String()+"/complete", nil).Want(200)
	owner.Do("PATCH", "/api/activities/"+task.ID.String(), map[string]any{"type": "note"}).Want(200).Decode(&got)
	if got.Type != "note" || got.DoneAt != nil {
		t.Errorf("task turned note: %s done %v", got.Type, got.DoneAt)
	}
	// Notes are never done.
	for _, op := range []string{"complete", "reopen"} {
		if p := owner.Do("POST", "/api/activities/"+note.ID.String()+"/"+op, nil).Want(409).Problem(); p.Status != 409 {
			t.Errorf("%s a note: %+v", op, p)
		}
	}

	// System entries are the server's: read-only, but they can be deleted.
	system := uuid.Must(uuid.NewV7())
	inTenant(t, env, owner, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO activities (company_id, id, type, subject, contact_id) VALUES ($1, $2, 'system', 'Merged', $3)`,
			owner.Me.Company.ID, system, ada.ID)
		return err
	})
	owner.Do("PATCH", "/api/activities/"+system.String(), map[string]any{"subject": "Changed"}).Want(409).Problem()
	owner.Do("POST", "/api/activities/"+system.String()+"/complete", nil).Want(409).Problem()
	if a := getActivity(t, owner, system); a.Type != "system" || a.Subject != "Merged" {
		t.Errorf("system entry: %+v", a)
	}
	owner.Do("POST", "/api/activities", map[string]any{"type": "system", "subject": "Forged"}).Want(422).Problem()

	// Delete; then it is gone, like an id that never existed or a malformed one.
	owner.Do("DELETE", "/api/activities/"+task.ID.String(), nil).Want(204)
	owner.Do("GET", "/api/activities/"+task.ID.String(), nil).Want(404).Problem()
	owner.Do("DELETE", "/api/activities/"+task.ID.String(), nil).Want(404).Problem()
	owner.Do("POST", "/api/activities/"+task.ID.String()+"/complete", nil).Want(404).Problem()
	owner.Do("GET", "/api/activities/not-an-id", nil).Want(404).Problem()
	owner.Do("DELETE", "/api/activities/"+system.String(), nil).Want(204)

	// A member who leaves is no longer anyone's assignee; the activity stays.
	mine := newActivity(t, member, map[string]any{"type": "task", "subject": "Member's task"})
	owner.Do("DELETE", "/api/users/"+member.Me.User.ID.String(), nil).Want(204)
	if a := getActivity(t, owner, mine.ID); a.AssigneeID != nil || a.CreatedBy != nil {
		t.Errorf("after the member left: assignee %v, created by %v", a.AssigneeID, a.CreatedBy)
	}
	// Deleting a contact takes its activities to the trash with it.
	owner.Do("DELETE", "/api/contacts/"+mailOnly.ID.String(), nil).Want(204)
	owner.Do("GET", "/api/activities/"+note.ID.String(), nil).Want(404)
}

func TestActivityValidation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	post := func(body any) *apitest.Response { return owner.Do("POST", "/api/activities", body) }

	// type and subject are required by the schema (huma reports a missing
	// property at "body", naming it in the message).
	p := post(map[string]any{}).Want(422).Problem()
	for _, f := range []string{"type", "subject"} {
		if !slices.ContainsFunc(p.Errors, func(e struct {
			Location string `json:"location"`
			Message  string `json:"message"`
		}) bool {
			return strings.HasPrefix(e.Location, "body") && strings.Contains(e.Message, "property "+f+" ")
		}) {
			t.Errorf("empty body: no error for %s: %+v", f, p)
		}
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"type": "system", "subject": "x"}, "body.type"},
		{map[string]any{"type": "email", "subject": "x"}, "body.type"},
		{map[string]any{"type": "task", "subject": "   "}, "body.subject"},
		{map[string]any{"type": "task", "subject": strings.Repeat("é", 201)}, "body.subject"},
		{map[string]any{"type": "task", "subject": "a\u0000b"}, "body.subject"},
		{map[string]any{"type": "note", "subject": "x", "body": strings.Repeat("b", 20001)}, "body.body"},
		{map[string]any{"type": "note", "subject": "x", "body": "nul\u0000"}, "body.body"},
		{map[string]any{"type": "task", "subject": "x", "due_at": "tomorrow"}, "body.due_at"},
		{map[string]any{"type": "task", "subject": "x", "due_at": "2030-01-02"}, "body.due_at"},
		{map[string]any{"type": "task", "subject": "x", "due_at": "2030-01-02 10:00"}, "body.due_at"},
		{map[string]any{"type": "task", "subject": "x", "assignee_id": "bob"}, "body.assignee_id"},
		{map[string]any{"type": "task", "subject": "x", "contact_id": "bob"}, "body.contact_id"},
		{map[string]any{"type": "task", "subject": "x", "deal_id": "bob"}, "body.deal_id"},
		// Ids that do not exist are refused like another company's.
		{map[string]any{"type": "task", "subject": "x", "assignee_id": missingID}, "body.assignee_id"},
		{map[string]any{"type": "task", "subject": "x", "contact_id": missingID}, "body.contact_id"},
		{map[string]any{"type": "task", "subject": "x", "deal_id": missingID}, "body.deal_id"},
		{map[string]any{"type": "task", "subject": "x", "done_at": "2030-01-02T10:00:00Z"}, "body.done_at"},
		{map[string]any{"type": "task", "subject": "x", "created_by": owner.Me.User.ID.String()}, "body.created_by"},
	} {
		wantFieldError(t, post(tc.body), 422, tc.field)
	}
	// Every problem is reported at once.
	p = post(map[string]any{"type": "task", "subject": " ", "due_at": "soon", "assignee_id": "x", "contact_id": "y", "deal_id": "z"}).Want(422).Problem()
	for _, f := range []string{"body.subject", "body.due_at", "body.assignee_id", "body.contact_id", "body.deal_id"} {
		if !p.HasFieldError(f) {
			t.Errorf("no error at %s: %+v", f, p)
		}
	}
	owner.Do("POST", "/api/activities", "{not json").Want(400, 422).Problem()
	// The limits themselves are fine.
	newActivity(t, owner, map[string]any{"type": "note", "subject": strings.Repeat("é", 200), "body": strings.Repeat("b", 20000)})

	// A patch is checked the same way and changes nothing when refused.
	a := newActivity(t, owner, map[string]any{"type": "task", "subject": "Keep me", "due_at": "2030-01-02T10:00:00Z"})
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"subject": ""}, "body.subject"},
		{map[string]any{"type": "system"}, "body.type"},
		{map[string]any{"due_at": "nope", "subject": "Changed"}, "body.due_at"},
		{map[string]any{"contact_id": missingID, "subject": "Changed"}, "body.contact_id"},
		{map[string]any{"assignee_id": missingID}, "body.assignee_id"},
		{map[string]any{"done_at": "2030-01-02T10:00:00Z"}, "body.done_at"},
	} {
		wantFieldError(t, owner.Do("PATCH", "/api/activities/"+a.ID.String(), tc.body), 422, tc.field)
	}
	if got := getActivity(t, owner, a.ID); !reflect.DeepEqual(got, a) {
		t.Errorf("refused patches changed the activity:\n got %+v\nwant %+v", got, a)
	}
	if n := len(activityList(t, owner, "")); n != 2 {
		t.Errorf("%d activities stored, want the 2 valid ones", n)
	}

	// Query parameters.
	for q, field := range map[string]string{
		"assignee_id=bob": "query.assignee_id", "contact_id=1": "query.contact_id", "deal_id=x": "query.deal_id",
		"status=later": "query.status", "due=soon": "query.due", "type=email": "query.type", "sort=subject": "query.sort",
		"limit=201": "query.limit", "limit=0": "query.limit", "cursor=garbage": "query.cursor",
	} {
		wantFieldError(t, owner.Do("GET", "/api/activities?"+q, nil), 422, field)
	}
}

func TestActivityCrossCompanyReferences(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Alpha")
	b := env.Signup("Beta")
	bMember := b.Invite("member@beta.test", "member")
	bContact := createContact(t, b, map[string]any{"first_name": "Beta", "last_name": "Customer"})
	bDeal := insertTestDeal(t, env, b, "Beta deal", &bContact.ID)
	aContact := createContact(t, a, map[string]any{"first_name": "Alpha", "last_name": "Customer"})
	aDeal := insertTestDeal(t, env, a, "Alpha deal", &aContact.ID)
	mine := newActivity(t, a, map[string]any{"type": "task", "subject": "Mine", "contact_id": aContact.ID.String(), "deal_id": aDeal.String()})

	for field, v := range map[string]string{"assignee_id": bMember.Me.User.ID.String(), "contact_id": bContact.ID.String(), "deal_id": bDeal.String()} {
		p := wantFieldError(t, a.Do("POST", "/api/activities", map[string]any{"type": "task", "subject": "Cross " + field, field: v}), 422, "body."+field)
		if p.Detail == "" {
			t.Errorf("%s: problem without detail", field)
		}
		// The same for a patch, which leaves the activity as it was.
		wantFieldError(t, a.Do("PATCH", "/api/activities/"+mine.ID.String(), map[string]any{field: v}), 422, "body."+field)
	}
	// B's owner, also unknown to A, cannot be assigned either.
	wantFieldError(t, a.Do("POST", "/api/activities", map[string]any{"type": "task", "subject": "Cross", "assignee_id": b.Me.User.ID.String()}), 422, "body.assignee_id")
	if got := getActivity(t, a, mine.ID); !reflect.DeepEqual(got, mine) {
		t.Errorf("refused patches changed the activity:\n got %+v\nwant %+v", got, mine)
	}
	// Nothing was written anywhere.
	if l := activityList(t, a, ""); !slices.Equal(l, []uuid.UUID{mine.ID}) {
		t.Errorf("A's activities %v, want only %s", l, mine.ID)
	}
	if l := activityList(t, b, ""); len(l) != 0 {
		t.Errorf("B's activities %v, want none", l)
	}
	var tl activities.Timeline
	b.Do("GET", "/api/contacts/"+bContact.ID.String()+"/timeline", nil).Want(200).Decode(&tl)
	if len(tl.Items) != 0 {
		t.Errorf("B's contact timeline: %+v", tl.Items)
	}
	// Filtering by another company's ids finds nothing (and says nothing).
	for _, q := range []string{"contact_id=" + aContact.ID.String(), "deal_id=" + aDeal.String(), "assignee_id=" + a.Me.User.ID.String()} {
		if l := activityList(t, b, q); len(l) != 0 {
			t.Errorf("B's list %s: %v", q, l)
		}
	}
}

func TestActivityListFiltersAndOrder(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("member@acme.test", "member")
	c1 := createContact(t, owner, map[string]any{"first_name": "One"})
	c2 := createContact(t, owner, map[string]any{"first_name": "Two"})
	d1 := insertTestDeal(t, env, owner, "Deal one", &c1.ID)
	past := time.Now().Add(-72 * time.Hour).UTC().Format(time.RFC3339)
	future := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)

	t1 := newActivity(t, owner, map[string]any{"type": "task", "subject": "Overdue", "due_at": past})
	t2 := newActivity(t, owner, map[string]any{"type": "task", "subject": "Later", "due_at": future, "assignee_id": member.Me.User.ID.String()})
	n1 := newActivity(t, owner, map[string]any{"type": "note", "subject": "Note", "contact_id": c1.ID.String(), "due_at": past})
	call := newActivity(t, member, map[string]any{"type": "call", "subject": "Called", "contact_id": c1.ID.String(), "deal_id": d1.String()})
	owner.Do("POST", "/api/activities/"+call.ID.String()+"/complete", nil).Want(200)
	m1 := newActivity(t, owner, map[string]any{"type": "meeting", "subject": "Meet", "contact_id": c2.ID.String()})
	t3 := newActivity(t, owner, map[string]any{"type": "task", "subject": "Undated", "contact_id": c2.ID.String()})

	for q, want := range map[string][]uuid.UUID{
		"":               {t3.ID, m1.ID, call.ID, n1.ID, t2.ID, t1.ID}, // newest first
		"sort=due_at":    {t1.ID, n1.ID, t2.ID, call.ID, m1.ID, t3.ID}, // soonest first, undated last by id
		"type=task":      {t3.ID, t2.ID, t1.ID},
		"type=note":      {n1.ID},
		"assignee_id=me": {t3.ID, t1.ID},
		"assignee_id=" + member.Me.User.ID.String():      {t2.ID},
		"contact_id=" + c1.ID.String():                   {call.ID, n1.ID},
		"deal_id=" + d1.String():                         {call.ID},
		"status=open":                                    {t1.ID, t2.ID, m1.ID, t3.ID}, // by due time; notes are never open
		"status=done":                                    {call.ID},
		"status=open&sort=created_at":                    {t3.ID, m1.ID, t2.ID, t1.ID},
		"due=overdue":                                    {t1.ID},
		"due=upcoming":                                   {t2.ID},
		"due=today":                                      nil,
		"type=task&status=open&assignee_id=me":           {t1.ID, t3.ID},
		"contact_id=" + c2.ID.String() + "&type=meeting": {m1.ID},
	} {
		if got := activityList(t, owner, q); !slices.Equal(got, want) {
			t.Errorf("?%s:\n got %v\nwant %v", q, got, want)
		}
	}

	// Keyset pages: many activities with repeated and missing due times walk
	// in the same order page by page as in one page, in both orders.
	base := time.Date(2031, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 23; i++ {
		body := map[string]any{"type": []string{"task", "call", "meeting"}[i%3], "subject": fmt.Sprintf("Bulk %d", i)}
		if i%4 != 0 {
			body["due_at"] = base.Add(time.Duration(i%5) * time.Hour).Format(time.RFC3339)
		}
		newActivity(t, owner, body)
	}
	for _, q := range []string{"sort=due_at", "sort=created_at", "status=open", "type=task&sort=due_at"} {
		whole := activityList(t, owner, q+"&limit=200")
		for _, limit := range []int{1, 4, 7} {
			if paged := activityList(t, owner, fmt.Sprintf("%s&limit=%d", q, limit)); !slices.Equal(paged, whole) {
				t.Errorf("?%s by %d:\n got %v\nwant %v", q, limit, paged, whole)
			}
		}
	}
	// A cursor belongs to its order.
	var p activities.Page
	owner.Do("GET", "/api/activities?sort=due_at&limit=2", nil).Want(200).Decode(&p)
	wantFieldError(t, owner.Do("GET", "/api/activities?sort=created_at&cursor="+p.NextCursor, nil), 422, "query.cursor")
	// Lists carry the names too.
	owner.Do("GET", "/api/activities?deal_id="+d1.String(), nil).Want(200).Decode(&p)
	if a := p.Items[0]; str(a.ContactName) != "One" || str(a.DealTitle) != "Deal one" || a.AssigneeID != nil || a.DoneAt == nil {
		t.Errorf("listed call: %+v", a)
	}
	// A trailing slash means the same.
	owner.Do("GET", "/api/activities/?type=note", nil).Want(200).Decode(&p)
	if len(p.Items) != 1 || p.Items[0].ID != n1.ID {
		t.Errorf("trailing slash list: %+v", p.Items)
	}
}

func TestMyTasksInCompanyTimeZone(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("member@acme.test", "member")
	// Kolkata is UTC+05:30, so its days start at 18:30 UTC: a server that
	// used UTC days would put the tasks around midnight in other buckets.
	const zone = "Asia/Kolkata"
	owner.Do("PATCH", "/api/company", map[string]any{"timezone": zone}).Want(200)
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	next := start.AddDate(0, 0, 1)
	if time.Until(next) < time.Minute { // do not straddle midnight
		time.Sleep(time.Until(next) + time.Second)
		start, next = next, next.AddDate(0, 0, 1)
	}
	task := func(c *apitest.Client, subject string, due time.Time, extra ...any) activities.Activity {
		body := map[string]any{"type": "task", "subject": subject}
		if !due.IsZero() {
			body["due_at"] = due.Format(time.RFC3339)
		}
		for i := 0; i+1 < len(extra); i += 2 {
			body[extra[i].(string)] = extra[i+1]
		}
		return newActivity(t, c, body)
	}
	var none time.Time
	longOverdue := task(owner, "Long overdue", start.AddDate(0, 0, -3))
	yesterday := task(owner, "Last minute of yesterday", start.Add(-time.Minute))
	morning := task(owner, "First minute of today", start.Add(time.Minute))
	evening := task(owner, "Last minute of today", next.Add(-time.Minute))
	tomorrow := task(owner, "First minute of tomorrow", next.Add(time.Minute))
	nextMonth := task(owner, "Next month", next.AddDate(0, 1, 0))
	undated := task(owner, "Some day", none)
	undated2 := task(owner, "Some other day", none)
	// Not the owner's open tasks: done, another type, someone else's, unassigned.
	done := task(owner, "Done already", start.Add(2*time.Hour))
	owner.Do("POST", "/api/activities/"+done.ID.String()+"/complete", nil).Want(200)
	newActivity(t, owner, map[string]any{"type": "meeting", "subject": "Meeting today", "due_at": start.Add(3 * time.Hour).Format(time.RFC3339),
		"assignee_id": owner.Me.User.ID.String()})
	membersTask := task(member, "Member's task", start.Add(time.Hour))
	task(owner, "Nobody's", start.Add(time.Hour), "assignee_id", "")
	assignedToMember := task(owner, "For the member", start.AddDate(0, 0, -1), "assignee_id", member.Me.User.ID.String())

	var mt activities.MyTasks
	owner.Do("GET", "/api/activities/my-tasks", nil).Want(200).Decode(&mt)
	if mt.Timezone != zone || mt.Date != start.Format(time.DateOnly) {
		t.Errorf("my tasks are for %s in %s, want %s in %s", mt.Date, mt.Timezone, start.Format(time.DateOnly), zone)
	}
	wantIDs(t, "overdue", activityIDs(mt.Overdue...), []uuid.UUID{longOverdue.ID, yesterday.ID})
	wantIDs(t, "today", activityIDs(mt.Today...), []uuid.UUID{morning.ID, evening.ID})
	wantIDs(t, "upcoming", activityIDs(mt.Upcoming...), []uuid.UUID{tomorrow.ID, nextMonth.ID})
	wantIDs(t, "no due date", activityIDs(mt.NoDueDate...), []uuid.UUID{undated.ID, undated2.ID})

	// The member sees their own.
	member.Do("GET", "/api/activities/my-tasks", nil).Want(200).Decode(&mt)
	wantIDs(t, "member's overdue", activityIDs(mt.Overdue...), []uuid.UUID{assignedToMember.ID})
	wantIDs(t, "member's today", activityIDs(mt.Today...), []uuid.UUID{membersTask.ID})
	if len(mt.Upcoming)+len(mt.NoDueDate) != 0 {
		t.Errorf("member's upcoming %v, undated %v", mt.Upcoming, mt.NoDueDate)
	}

	// The list's due filter uses the same days.
	wantIDs(t, "?due=overdue", activityList(t, owner, "due=overdue&assignee_id=me"), []uuid.UUID{longOverdue.ID, yesterday.ID})
	wantIDs(t, "?due=today", activityList(t, owner, "due=today&assignee_id=me&status=open&type=task"), []uuid.UUID{morning.ID, evening.ID})
	wantIDs(t, "?due=upcoming", activityList(t, owner, "due=upcoming&assignee_id=me"), []uuid.UUID{tomorrow.ID, nextMonth.ID})

	// Completing takes a task out of my tasks; reopening puts it back.
	owner.Do("POST", "/api/activities/"+morning.ID.String()+"/complete", nil).Want(200)
	owner.Do("GET", "/api/activities/my-tasks", nil).Want(200).Decode(&mt)
	wantIDs(t, "today after completing", activityIDs(mt.Today...), []uuid.UUID{evening.ID})
	owner.Do("POST", "/api/activities/"+morning.ID.String()+"/reopen", nil).Want(200)
	owner.Do("GET", "/api/activities/my-tasks", nil).Want(200).Decode(&mt)
	wantIDs(t, "today after reopening", activityIDs(mt.Today...), []uuid.UUID{morning.ID, evening.ID})

	// In UTC the same tasks fall into other days: the zone is what decides.
	owner.Do("PATCH", "/api/company", map[string]any{"timezone": "UTC"}).Want(200)
	owner.Do("GET", "/api/activities/my-tasks", nil).Want(200).Decode(&mt)
	if mt.Timezone != "UTC" || (slices.Equal(activityIDs(mt.Overdue...), []uuid.UUID{longOverdue.ID, yesterday.ID}) &&
		slices.Equal(activityIDs(mt.Today...), []uuid.UUID{morning.ID, evening.ID})) {
		t.Errorf("the buckets did not follow the time zone: %s overdue %v today %v", mt.Timezone, activityIDs(mt.Overdue...), activityIDs(mt.Today...))
	}
}

// timelineAll walks a timeline page by page and returns its items.
func timelineAll(t *testing.T, c *apitest.Client, path string, limit int) []activities.TimelineItem {
	t.Helper()
	var all []activities.TimelineItem
	cursor := ""
	for page := 0; ; page++ {
		if page > 500 {
			t.Fatalf("%s: more than 500 pages", path)
		}
		var tl activities.Timeline
		c.Do("GET", fmt.Sprintf("%s?limit=%d&cursor=%s", path, limit, url.QueryEscape(cursor)), nil).Want(200).Decode(&tl)
		if tl.Items == nil {
			t.Fatalf("%s: items is null", path)
		}
		if len(tl.Items) > limit {
			t.Fatalf("%s: %d items on a page of %d", path, len(tl.Items), limit)
		}
		all = append(all, tl.Items...)
		if tl.NextCursor == "" {
			return all
		}
		cursor = tl.NextCursor
	}
}

func timelineIDs(items []activities.TimelineItem) []uuid.UUID {
	out := make([]uuid.UUID, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestTimelines(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	ada := createContact(t, owner, map[string]any{"first_name": "Ada", "last_name": "Lovelace"})
	other := createContact(t, owner, map[string]any{"first_name": "Other"})
	d1 := insertTestDeal(t, env, owner, "Engine", &ada.ID)
	d2 := insertTestDeal(t, env, owner, "Second engine", &ada.ID)
	d3 := insertTestDeal(t, env, owner, "Someone else's", &other.ID)

	// In this order, each a moment after the one before.
	e1 := newActivity(t, owner, map[string]any{"type": "note", "subject": "Met Ada", "contact_id": ada.ID.String()}).ID
	e2 := insertStageChange(t, env, owner, d1, "Lead", "Qualified")
	e3 := newActivity(t, owner, map[string]any{"type": "task", "subject": "Send the quote", "deal_id": d1.String()}).ID
	e4 := newActivity(t, owner, map[string]any{"type": "call", "subject": "Called Ada", "contact_id": ada.ID.String(), "deal_id": d1.String()}).ID
	e5 := insertStageChange(t, env, owner, d2, "", "Lead")
	newActivity(t, owner, map[string]any{"type": "note", "subject": "Other's note", "contact_id": other.ID.String()})
	insertStageChange(t, env, owner, d3, "Lead", "Won")
	newActivity(t, owner, map[string]any{"type": "task", "subject": "Other's deal", "deal_id": d3.String()})
	e6 := newActivity(t, owner, map[string]any{"type": "meeting", "subject": "Second engine demo", "deal_id": d2.String()}).ID

	contactPath := "/api/contacts/" + ada.ID.String() + "/timeline"
	dealPath := "/api/deals/" + d1.String() + "/timeline"
	whole := timelineAll(t, owner, contactPath, 50)
	wantIDs(t, "contact timeline", timelineIDs(whole), []uuid.UUID{e6, e5, e4, e3, e2, e1})
	for _, limit := range []int{1, 2, 4} {
		wantIDs(t, fmt.Sprintf("contact timeline by %d", limit), timelineIDs(timelineAll(t, owner, contactPath, limit)), timelineIDs(whole))
	}
	wantIDs(t, "deal timeline", timelineIDs(timelineAll(t, owner, dealPath, 2)), []uuid.UUID{e4, e3, e2})

	// The entries carry what the page shows.
	for i, it := range whole {
		if i > 0 && it.At.After(whole[i-1].At) {
			t.Errorf("item %d at %v is newer than the one before (%v)", i, it.At, whole[i-1].At)
		}
		switch it.Kind {
		case "activity":
			if it.Activity == nil || it.StageChange != nil || it.Activity.ID != it.ID || !it.At.Equal(it.Activity.CreatedAt) {
				t.Errorf("activity item %d: %+v", i, it)
			}
		case "stage_change":
			if it.StageChange == nil || it.Activity != nil || it.StageChange.ID != it.ID || !it.At.Equal(it.StageChange.ChangedAt) {
				t.Errorf("stage change item %d: %+v", i, it)
			}
		default:
			t.Errorf("item %d kind %q", i, it.Kind)
		}
	}
	if sc := whole[4].StageChange; sc == nil || sc.DealID != d1 || sc.DealTitle != "Engine" || sc.FromStage != "Lead" ||
		sc.ToStage != "Qualified" || sc.ChangedByName != "Owner of Acme" || !eqUUID(sc.ChangedBy, owner.Me.User.ID) {
		t.Errorf("stage change: %+v", whole[4].StageChange)
	}
	if sc := whole[1].StageChange; sc == nil || sc.FromStage != "" || sc.ToStage != "Lead" || sc.DealTitle != "Second engine" {
		t.Errorf("first stage: %+v", whole[1].StageChange)
	}
	if a := whole[2].Activity; a == nil || a.Subject != "Called Ada" || str(a.ContactName) != "Ada Lovelace" || str(a.DealTitle) != "Engine" {
		t.Errorf("call: %+v", whole[2].Activity)
	}
	// The JSON names exactly the kind's field.
	raw := string(owner.Do("GET", contactPath+"?limit=2", nil).Want(200).Body)
	if !strings.Contains(raw, `"kind":"stage_change"`) || !strings.Contains(raw, `"stage_change":{`) || strings.Contains(raw, `"activity":null`) {
		t.Errorf("timeline JSON: %s", raw)
	}

	// Entries at the same instant page by id, across kinds.
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	var sameTime []uuid.UUID
	for i := 0; i < 4; i++ {
		sameTime = append(sameTime, newActivity(t, owner, map[string]any{"type": "note", "subject": fmt.Sprintf("Same %d", i), "contact_id": ada.ID.String()}).ID,
			insertStageChange(t, env, owner, d2, "Lead", fmt.Sprintf("Stage %d", i)))
	}
	inTenant(t, env, owner, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE activities SET created_at = $2 WHERE company_id = $1 AND id = ANY($3)`, owner.Me.Company.ID, at, sameTime); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE deal_stage_changes SET changed_at = $2 WHERE company_id = $1 AND id = ANY($3)`, owner.Me.Company.ID, at, sameTime)
		return err
	})
	whole = timelineAll(t, owner, contactPath, 200)
	if len(whole) != 14 {
		t.Fatalf("%d items, want 14", len(whole))
	}
	tail := timelineIDs(whole[6:])
	want := slices.Clone(sameTime)
	sortUUIDs(want)
	slices.Reverse(want)
	wantIDs(t, "same-instant entries, newest id first", tail, want)
	for _, limit := range []int{1, 3, 5} {
		wantIDs(t, fmt.Sprintf("paged by %d", limit), timelineIDs(timelineAll(t, owner, contactPath, limit)), timelineIDs(whole))
	}

	// Deleted activities leave the timeline.
	owner.Do("DELETE", "/api/activities/"+e4.String(), nil).Want(204)
	wantIDs(t, "deal timeline after a delete", timelineIDs(timelineAll(t, owner, dealPath, 50)), []uuid.UUID{e3, e2})

	// Missing, malformed and other companies' contacts and deals are all the same 404.
	stranger := env.Signup("Stranger")
	for _, kind := range []string{"contacts", "deals"} {
		want := owner.Do("GET", "/api/"+kind+"/"+missingID+"/timeline", nil).Want(404)
		want.Problem()
		owner.Do("GET", "/api/"+kind+"/not-an-id/timeline", nil).Want(404).Problem()
		for _, id := range []string{ada.ID.String(), d1.String()} {
			if res := stranger.Do("GET", "/api/"+kind+"/"+id+"/timeline", nil).Want(404); string(res.Body) != string(want.Body) {
				t.Errorf("%s %s: %s, want %s", kind, id, res.Body, want.Body)
			}
		}
	}
	wantFieldError(t, owner.Do("GET", contactPath+"?cursor=nope", nil), 422, "query.cursor")
	wantFieldError(t, owner.Do("GET", dealPath+"?limit=500", nil), 422, "query.limit")
	// A contact without history has an empty timeline, not an error.
	fresh := createContact(t, owner, map[string]any{"first_name": "Fresh"})
	var tl activities.Timeline
	owner.Do("GET", "/api/contacts/"+fresh.ID.String()+"/timeline", nil).Want(200).Decode(&tl)
	if tl.Items == nil || len(tl.Items) != 0 || tl.NextCursor != "" {
		t.Errorf("fresh contact timeline: %+v", tl)
	}
}
