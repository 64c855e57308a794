package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/apitest"
)

// A call logged after it happened is created done, in one request: it never
// shows as open work (status=open, my tasks), and it can still be reopened.
func TestActivityCreatedDone(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	ada := createContact(t, owner, map[string]any{"first_name": "Ada", "last_name": "Lovelace"})

	before := time.Now().Add(-time.Minute)
	call := newActivity(t, owner, map[string]any{"type": "call", "subject": "Called Ada", "contact_id": ada.ID.String(), "done": true})
	if call.DoneAt == nil || call.DoneAt.Before(before) || call.Type != "call" {
		t.Fatalf("call created done: %+v", call)
	}
	task := newActivity(t, owner, map[string]any{"type": "task", "subject": "Sent the quote", "done": true, "due_at": time.Now().Format(time.RFC3339)})
	if task.DoneAt == nil {
		t.Fatalf("task created done: %+v", task)
	}
	open := newActivity(t, owner, map[string]any{"type": "task", "subject": "Follow up", "done": false})
	if open.DoneAt != nil {
		t.Fatalf("done=false: %+v", open)
	}

	if got := activityList(t, owner, "status=open"); !slices.Equal(got, activityIDs(open)) {
		t.Errorf("open activities %v, want only %v", got, open.ID)
	}
	var mine struct {
		Today     []struct{ Subject string } `json:"today"`
		NoDueDate []struct{ Subject string } `json:"no_due_date"`
	}
	owner.Do("GET", "/api/activities/my-tasks", nil).Want(http.StatusOK).Decode(&mine)
	if len(mine.Today) != 0 || len(mine.NoDueDate) != 1 || mine.NoDueDate[0].Subject != "Follow up" {
		t.Errorf("my tasks: %+v", mine)
	}

	// A note is never done: asking for it is a field error and nothing is written.
	wantFieldError(t, owner.Do("POST", "/api/activities", map[string]any{"type": "note", "subject": "x", "done": true}), 422, "body.done")
	if n := len(activityList(t, owner, "")); n != 3 {
		t.Errorf("%d activities stored, want 3", n)
	}

	// It reopens like any other.
	owner.Do("POST", "/api/activities/"+call.ID.String()+"/reopen", nil).Want(http.StatusOK)
	if got := getActivity(t, owner, call.ID); got.DoneAt != nil {
		t.Errorf("reopened call still done: %+v", got)
	}
}
