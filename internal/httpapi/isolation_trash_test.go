package httpapi_test

import "testing"

// The trash and the audit trail across companies: A has a contact and a
// deal in its trash (and the audit events of deleting them); B can neither
// see, restore nor purge them, and B's trail shows none of A's events.
func init() {
	worldSetups = append(worldSetups, func(w *world) {
		var c, d struct{ ID string }
		w.a.Do("POST", "/api/contacts", map[string]any{"first_name": "Binned", "last_name": "Person", "email": "binned@a.test",
			"phone": "+14155550177"}).Want(201).Decode(&c)
		w.a.Do("POST", "/api/deals", map[string]any{"title": "A binned deal", "contact_id": w.contactID}).Want(201).Decode(&d)
		w.a.Do("DELETE", "/api/contacts/"+c.ID, nil).Want(204)
		w.a.Do("DELETE", "/api/deals/"+d.ID, nil).Want(204)
		w.ids["trashed_contact"], w.ids["trashed_deal"] = c.ID, d.ID
		// B's own trash, so B's lists are not empty by accident.
		w.b.Do("POST", "/api/contacts", map[string]any{"first_name": "B", "last_name": "Binned"}).Want(201).Decode(&c)
		w.b.Do("DELETE", "/api/contacts/"+c.ID, nil).Want(204)
		w.ids["b_trashed_contact"] = c.ID
	})
	snapshotPaths = append(snapshotPaths, func(w *world) []string {
		return []string{"/api/trash?type=contact", "/api/trash?type=deal", "/api/audit-events",
			"/api/audit-events?entity_type=contact&entity_id=" + w.ids["trashed_contact"]}
	})
	matrix["listTrash"] = func(t *testing.T, w *world) {
		for _, p := range []string{"/api/trash", "/api/trash?type=contact", "/api/trash?type=deal", "/api/trash?type=contact&limit=200"} {
			if listHas(t, w.b, p, w.ids["trashed_contact"]) || listHas(t, w.b, p, w.ids["trashed_deal"]) ||
				listHas(t, w.b, p, "Binned Person") || listHas(t, w.b, p, "A binned deal") {
				t.Errorf("B's %s shows A's trash", p)
			}
		}
		if !listHas(t, w.b, "/api/trash?type=contact", w.ids["b_trashed_contact"]) {
			t.Error("B's trash lacks B's own contact")
		}
	}
	matrix["restoreTrashItem"] = func(t *testing.T, w *world) {
		expectHidden(t, w.b, "POST", "/api/trash/contact/"+w.ids["trashed_contact"]+"/restore", "/api/trash/contact/"+missingID+"/restore", nil)
		expectHidden(t, w.b, "POST", "/api/trash/deal/"+w.ids["trashed_deal"]+"/restore", "/api/trash/deal/"+missingID+"/restore", nil)
		// A live contact of A's is not in anyone's trash either.
		expectHidden(t, w.b, "POST", "/api/trash/contact/"+w.contactID+"/restore", "/api/trash/contact/"+missingID+"/restore", nil)
		// The wrong type for an id is as absent as the wrong company.
		expectHidden(t, w.b, "POST", "/api/trash/deal/"+w.ids["trashed_contact"]+"/restore", "/api/trash/deal/"+missingID+"/restore", nil)
	}
	matrix["deleteTrashItem"] = func(t *testing.T, w *world) {
		expectHidden(t, w.b, "DELETE", "/api/trash/contact/"+w.ids["trashed_contact"], "/api/trash/contact/"+missingID, nil)
		expectHidden(t, w.b, "DELETE", "/api/trash/deal/"+w.ids["trashed_deal"], "/api/trash/deal/"+missingID, nil)
		expectHidden(t, w.b, "DELETE", "/api/trash/contact/"+w.contactID, "/api/trash/contact/"+missingID, nil)
	}
	matrix["listAuditEvents"] = func(t *testing.T, w *world) {
		for _, p := range []string{"/api/audit-events", "/api/audit-events?action=contact.deleted", "/api/audit-events?entity_type=deal",
			"/api/audit-events?entity_type=contact&entity_id=" + w.ids["trashed_contact"]} {
			if listHas(t, w.b, p, w.ids["trashed_contact"]) || listHas(t, w.b, p, w.ids["trashed_deal"]) || listHas(t, w.b, p, "Binned Person") {
				t.Errorf("B's %s shows A's audit events", p)
			}
		}
		if !listHas(t, w.b, "/api/audit-events?action=contact.deleted", w.ids["b_trashed_contact"]) {
			t.Error("B's audit trail lacks B's own delete")
		}
	}
}
