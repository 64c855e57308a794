package httpapi_test

import (
	"testing"
	"time"
)

// Company A's activities for the isolation matrix: a task on A's contact,
// assigned to A's member, and B's own task (to try A's ids in B's patch).
// A's deal (w.ids["deal"]) comes from the pipeline setup; it is read when
// the operations run, after every setup.
func init() {
	worldSetups = append(worldSetups, func(w *world) {
		var a struct {
			ID string `json:"id"`
		}
		w.a.Do("POST", "/api/activities", map[string]any{"type": "task", "subject": "A secret task", "body": "the A-only plan",
			"due_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "contact_id": w.contactID,
			"assignee_id": w.aMember.Me.User.ID.String()}).Want(201).Decode(&a)
		w.ids["activity"] = a.ID
		w.a.Do("POST", "/api/activities", map[string]any{"type": "note", "subject": "A secret note", "contact_id": w.contactID}).Want(201).Decode(&a)
		w.ids["note"] = a.ID
		w.b.Do("POST", "/api/activities", map[string]any{"type": "task", "subject": "B task"}).Want(201).Decode(&a)
		w.ids["b_activity"] = a.ID
	})
	snapshotPaths = append(snapshotPaths, func(w *world) []string {
		paths := []string{"/api/activities", "/api/activities/" + w.ids["activity"], "/api/activities/" + w.ids["note"],
			"/api/activities?contact_id=" + w.contactID, "/api/contacts/" + w.contactID + "/timeline"}
		if w.ids["deal"] != "" {
			paths = append(paths, "/api/deals/"+w.ids["deal"]+"/timeline")
		}
		return paths
	})
	hidden := func(method, suffix string, body any) func(t *testing.T, w *world) {
		return func(t *testing.T, w *world) {
			for _, id := range []string{w.ids["activity"], w.ids["note"]} {
				expectHidden(t, w.b, method, "/api/activities/"+id+suffix, "/api/activities/"+missingID+suffix, body)
			}
		}
	}
	// refs are A's ids that B may try to put into an activity, by field.
	refs := func(w *world) map[string]string {
		return map[string]string{"contact_id": w.contactID, "deal_id": w.ids["deal"], "assignee_id": w.aMember.Me.User.ID.String()}
	}
	add := map[string]func(t *testing.T, w *world){
		"listActivities": func(t *testing.T, w *world) {
			for _, p := range []string{"/api/activities", "/api/activities?contact_id=" + w.contactID,
				"/api/activities?deal_id=" + w.ids["deal"], "/api/activities?assignee_id=" + w.aMember.Me.User.ID.String(),
				"/api/activities?type=task", "/api/activities?type=note", "/api/activities?status=open",
				"/api/activities?due=upcoming", "/api/activities?sort=due_at"} {
				if listHas(t, w.b, p, w.ids["activity"]) || listHas(t, w.b, p, w.ids["note"]) || listHas(t, w.b, p, "secret") {
					t.Errorf("B's %s shows A's activities", p)
				}
			}
		},
		"createActivity": func(t *testing.T, w *world) {
			for field, v := range refs(w) {
				p := w.b.Do("POST", "/api/activities", map[string]any{"type": "task", "subject": "Cross " + field, field: v}).Want(422).Problem()
				if !p.HasFieldError("body." + field) {
					t.Errorf("creating an activity with A's %s: %+v", field, p)
				}
			}
			w.b.Do("POST", "/api/activities", map[string]any{"type": "note", "subject": "X", "company_id": w.a.Me.Company.ID}).Want(422)
			if listHas(t, w.b, "/api/activities", "Cross ") {
				t.Error("a refused activity was written to B")
			}
		},
		"getMyTasks": func(t *testing.T, w *world) {
			if listHas(t, w.b, "/api/activities/my-tasks", w.ids["activity"]) || listHas(t, w.b, "/api/activities/my-tasks", "secret") {
				t.Error("B's my tasks show A's task")
			}
		},
		"getActivity":    hidden("GET", "", nil),
		"deleteActivity": hidden("DELETE", "", nil),
		"updateActivity": func(t *testing.T, w *world) {
			hidden("PATCH", "", map[string]any{"subject": "Hacked"})(t, w)
			for field, v := range refs(w) {
				p := w.b.Do("PATCH", "/api/activities/"+w.ids["b_activity"], map[string]any{field: v}).Want(422).Problem()
				if !p.HasFieldError("body." + field) {
					t.Errorf("pointing B's activity at A's %s: %+v", field, p)
				}
			}
		},
		"completeActivity": hidden("POST", "/complete", nil),
		"reopenActivity":   hidden("POST", "/reopen", nil),
		"getContactTimeline": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "GET", "/api/contacts/"+w.contactID+"/timeline", "/api/contacts/"+missingID+"/timeline", nil)
		},
		"getDealTimeline": func(t *testing.T, w *world) {
			expectHidden(t, w.b, "GET", "/api/deals/"+w.ids["deal"]+"/timeline", "/api/deals/"+missingID+"/timeline", nil)
		},
	}
	for k, v := range add {
		matrix[k] = v
	}
}
