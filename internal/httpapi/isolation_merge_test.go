package httpapi_test

import "testing"

// Duplicates and merges across companies.
func init() {
	worldSetups = append(worldSetups, func(w *world) {
		var c struct{ ID string }
		w.a.Do("POST", "/api/contacts", map[string]any{"first_name": "Secret", "last_name": "Customers", "phone": "+14155550100"}).Want(201).Decode(&c)
		w.ids["a_dup"] = c.ID
		w.b.Do("POST", "/api/contacts", map[string]any{"first_name": "Secret", "last_name": "Customer", "phone": "+14155550100"}).Want(201).Decode(&c)
		w.ids["b_contact"] = c.ID
	})
	snapshotPaths = append(snapshotPaths, func(w *world) []string {
		return []string{"/api/contacts/duplicates", "/api/contacts/" + w.ids["a_dup"]}
	})
	matrix["listDuplicateContacts"] = func(t *testing.T, w *world) {
		// B's contact has A's contacts' name and phone: still no pair across companies.
		if listHas(t, w.b, "/api/contacts/duplicates", w.contactID) || listHas(t, w.b, "/api/contacts/duplicates", w.ids["a_dup"]) {
			t.Error("B's duplicates include A's contacts")
		}
	}
	matrix["mergeContacts"] = func(t *testing.T, w *world) {
		expectHidden(t, w.b, "POST", "/api/contacts/"+w.contactID+"/merge", "/api/contacts/"+missingID+"/merge",
			map[string]any{"duplicate_id": w.ids["a_dup"]})
		p := w.b.Do("POST", "/api/contacts/"+w.ids["b_contact"]+"/merge", map[string]any{"duplicate_id": w.ids["a_dup"]}).Want(422).Problem()
		if !p.HasFieldError("body.duplicate_id") {
			t.Errorf("merging A's contact into B's: %+v", p)
		}
	}
}
