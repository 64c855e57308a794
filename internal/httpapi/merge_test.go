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
