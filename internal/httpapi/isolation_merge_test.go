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
		// A pair A said is not a duplicate: B must not bring it back.
		w.a.Do("POST", "/api/contacts", map[string]any{"first_name": "Twin", "last_name": "One", "phone": "+14155550155"}).Want(201).Decode(&c)
		w.ids["a_twin1"] = c.ID
		w.a.Do("POST", "/api/contacts", map[string]any{"first_name": "Twin", "last_name": "Two", "phone": "+14155550155"}).Want(201).Decode(&c)
		w.ids["a_twin2"] = c.ID
		w.a.Do("PUT", "/api/contacts/"+w.ids["a_twin1"]+"/not-duplicates/"+w.ids["a_twin2"], nil).Want(204)
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
	for op, method := range map[string]string{"markNotDuplicates": "PUT", "unmarkNotDuplicates": "DELETE"} {
		matrix[op] = func(t *testing.T, w *world) {
			for _, pair := range [][2]string{{w.contactID, w.ids["a_dup"]}, {w.ids["a_twin1"], w.ids["a_twin2"]},
				{w.ids["b_contact"], w.ids["a_dup"]}, {w.ids["a_dup"], w.ids["b_contact"]}} {
				expectHidden(t, w.b, method, "/api/contacts/"+pair[0]+"/not-duplicates/"+pair[1],
					"/api/contacts/"+w.ids["b_contact"]+"/not-duplicates/"+missingID, nil)
			}
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
