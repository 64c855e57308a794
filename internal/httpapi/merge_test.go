package httpapi_test

import (
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

func TestDuplicatesAndMerge(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	mk := func(body map[string]any) string {
		var out struct{ ID string }
		c.Do("POST", "/api/contacts", body).Want(201).Decode(&out)
		return out.ID
	}
	john := mk(map[string]any{"first_name": "John", "last_name": "Smithson", "email": "john@old.example", "tags": []string{"lead"},
		"custom_fields": map[string]any{"source": "web", "size": "S"}})
	jon := mk(map[string]any{"first_name": "Jon", "last_name": "Smithson", "email": "jon@new.example", "phone": "+1 415 555 0100",
		"company_name": "Smithson Ltd", "tags": []string{"vip"}, "custom_fields": map[string]any{"size": "L", "region": "west"}})
	mk(map[string]any{"first_name": "Ada", "last_name": "Lovelace", "phone": "(415) 555-0100"})
	mk(map[string]any{"first_name": "Completely", "last_name": "Different"})

	var dups struct {
		Items []struct {
			A, B    struct{ ID string }
			Reasons []string
			Score   float64
		}
	}
	c.Do("GET", "/api/contacts/duplicates", nil).Want(200).Decode(&dups)
	if len(dups.Items) != 2 {
		t.Fatalf("duplicates: %+v", dups.Items)
	}
	foundName := false
	for _, p := range dups.Items {
		if p.Reasons[0] == "similar_name" && p.Score >= 0.6 && ((p.A.ID == john && p.B.ID == jon) || (p.A.ID == jon && p.B.ID == john)) {
			foundName = true
		}
	}
	if !foundName {
		t.Fatalf("John/Jon Smithson not found: %+v", dups.Items)
	}

	// A deal on the duplicate moves to the survivor.
	var deal struct{ ID string }
	c.Do("POST", "/api/deals", map[string]any{"title": "Jon's deal", "contact_id": jon}).Want(201).Decode(&deal)

	c.Do("POST", "/api/contacts/"+john+"/merge", map[string]any{"duplicate_id": john}).Want(422)
	c.Do("POST", "/api/contacts/"+john+"/merge", map[string]any{"duplicate_id": jon, "fields": map[string]any{"email": "neither"}}).Want(422)
	c.Do("POST", "/api/contacts/"+john+"/merge", map[string]any{"duplicate_id": jon, "fields": map[string]any{"tags": "duplicate"}}).Want(422)
	var merged struct {
		ID           string
		FirstName    string `json:"first_name"`
		CompanyName  string `json:"company_name"`
		Email        *string
		Phone        *string
		Tags         []string
		CustomFields map[string]any `json:"custom_fields"`
	}
	c.Do("POST", "/api/contacts/"+john+"/merge", map[string]any{"duplicate_id": jon, "fields": map[string]any{"email": "duplicate"}}).
		Want(200).Decode(&merged)
	if merged.ID != john || merged.FirstName != "John" || *merged.Email != "jon@new.example" || *merged.Phone != "+14155550100" ||
		merged.CompanyName != "Smithson Ltd" || len(merged.Tags) != 2 || merged.CustomFields["size"] != "S" || merged.CustomFields["region"] != "west" {
		t.Fatalf("merged: %+v", merged)
	}
	c.Do("GET", "/api/contacts/"+jon, nil).Want(404)
	var d struct {
		ContactID string `json:"contact_id"`
	}
	c.Do("GET", "/api/deals/"+deal.ID, nil).Want(200).Decode(&d)
	if d.ContactID != john {
		t.Fatalf("the deal did not move to the survivor: %+v", d)
	}
	var n int
	if err := env.App.DB.InTenant(t.Context(), c.Me.Company.ID, func(q *dbQ) error {
		return q.Tx.QueryRow(t.Context(), `SELECT count(*) FROM activities WHERE contact_id = $1 AND type = 'system' AND subject LIKE 'Merged Jon Smithson%'`, john).Scan(&n)
	}); err != nil || n != 1 {
		t.Fatalf("merge record on the survivor's timeline: %d (err %v)", n, err)
	}
	c.Do("POST", "/api/contacts/"+john+"/merge", map[string]any{"duplicate_id": jon}).Want(422)
}

// "Not a duplicate" hides a pair from the finder, by phone or by name, in
// either order of the two ids; undoing it brings the pair back.
func TestNotDuplicates(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	c := env.Signup("Acme")
	mk := func(first, last, phone string) string {
		var out struct{ ID string }
		c.Do("POST", "/api/contacts", map[string]any{"first_name": first, "last_name": last, "phone": phone}).Want(201).Decode(&out)
		return out.ID
	}
	john, jon := mk("John", "Smithson", ""), mk("Jon", "Smithson", "")
	ada, grace := mk("Ada", "Lovelace", "+14155550100"), mk("Grace", "Hopper", "+14155550100")
	pairs := func() int {
		var dups struct{ Items []any }
		c.Do("GET", "/api/contacts/duplicates", nil).Want(200).Decode(&dups)
		return len(dups.Items)
	}
	if n := pairs(); n != 2 {
		t.Fatalf("pairs before: %d", n)
	}
	c.Do("PUT", "/api/contacts/"+jon+"/not-duplicates/"+john, nil).Want(204)
	c.Do("PUT", "/api/contacts/"+john+"/not-duplicates/"+jon, nil).Want(204) // again, the other way round
	c.Do("PUT", "/api/contacts/"+grace+"/not-duplicates/"+ada, nil).Want(204)
	if n := pairs(); n != 0 {
		t.Fatalf("pairs after saying they are not duplicates: %d", n)
	}
	c.Do("DELETE", "/api/contacts/"+ada+"/not-duplicates/"+grace, nil).Want(204)
	if n := pairs(); n != 1 {
		t.Fatalf("pairs after the undo: %d", n)
	}

	if p := c.Do("PUT", "/api/contacts/"+ada+"/not-duplicates/"+ada, nil).Want(422).Problem(); !p.HasFieldError("path.other_id") {
		t.Fatalf("a contact with itself: %+v", p)
	}
	c.Do("PUT", "/api/contacts/"+ada+"/not-duplicates/"+missingID, nil).Want(404)
	c.Do("PUT", "/api/contacts/"+ada+"/not-duplicates/not-an-id", nil).Want(404)
	// Deleting a contact forgets its pairs.
	c.Do("DELETE", "/api/contacts/"+john, nil).Want(204)
	c.Do("DELETE", "/api/contacts/"+ada+"/not-duplicates/"+grace, nil).Want(204)
}
