package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/contacts"
)

// createContact posts body and returns the stored contact.
func createContact(t *testing.T, c *apitest.Client, body any) contacts.Contact {
	t.Helper()
	var out contacts.Contact
	c.Do("POST", "/api/contacts", body).Want(http.StatusCreated).Decode(&out)
	return out
}

// getContact fetches one contact.
func getContact(t *testing.T, c *apitest.Client, id uuid.UUID) contacts.Contact {
	t.Helper()
	var out contacts.Contact
	c.Do("GET", "/api/contacts/"+id.String(), nil).Want(http.StatusOK).Decode(&out)
	return out
}

// listPage fetches one page of /api/contacts with the query.
func listPage(t *testing.T, c *apitest.Client, query url.Values) contacts.Page {
	t.Helper()
	var p contacts.Page
	c.Do("GET", "/api/contacts?"+query.Encode(), nil).Want(http.StatusOK).Decode(&p)
	if p.Items == nil {
		t.Fatalf("list %s: items is null, want []", query.Encode())
	}
	return p
}

// listAll walks every page of the list and fails on a repeated contact.
func listAll(t *testing.T, c *apitest.Client, query url.Values) []contacts.Contact {
	t.Helper()
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	var all []contacts.Contact
	seen := map[uuid.UUID]int{}
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatalf("list %s: more than 1000 pages", query.Encode())
		}
		p := listPage(t, c, q)
		for _, it := range p.Items {
			if prev, dup := seen[it.ID]; dup {
				t.Fatalf("list %s: contact %s on page %d and again on page %d", query.Encode(), it.ID, prev, page)
			}
			seen[it.ID] = page
		}
		all = append(all, p.Items...)
		if p.NextCursor == "" {
			return all
		}
		if len(p.Items) == 0 {
			t.Fatalf("list %s: empty page %d with a next cursor", query.Encode(), page)
		}
		q.Set("cursor", p.NextCursor)
	}
}

func ids(cs []contacts.Contact) []uuid.UUID {
	out := make([]uuid.UUID, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func sortedIDs(cs []contacts.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID.String()
	}
	slices.Sort(out)
	return out
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// wantFieldError checks that a response is a problem+json with status and a
// field error at location.
func wantFieldError(t *testing.T, res *apitest.Response, status int, location string) apitest.Problem {
	t.Helper()
	res.Want(status)
	p := res.Problem()
	if p.Status != status {
		t.Errorf("problem status %d, want %d", p.Status, status)
	}
	if !p.HasFieldError(location) {
		t.Errorf("want a field error at %s, got %+v", location, p)
	}
	return p
}

func TestContactCreateNormalises(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")

	c := createContact(t, owner, map[string]any{
		"first_name":    "  Ada ",
		"last_name":     "Lovelace",
		"email":         "  Ada.Lovelace@Example.COM ",
		"phone":         "(415) 555-0100",
		"company_name":  "Analytical Engines",
		"title":         "Countess",
		"tags":          []string{" vip ", "lead", "vip", "lead "},
		"custom_fields": map[string]any{"source": "conference", "score": 42, "nested": map[string]any{"a": []any{1, "two", nil}}},
	})
	if c.ID == uuid.Nil || c.ID.Version() != 7 {
		t.Errorf("id %s, want a UUIDv7", c.ID)
	}
	if c.FirstName != "Ada" || c.LastName != "Lovelace" {
		t.Errorf("names not trimmed: %q %q", c.FirstName, c.LastName)
	}
	if str(c.Email) != "ada.lovelace@example.com" {
		t.Errorf("email %q, want lower-cased and trimmed", str(c.Email))
	}
	if str(c.Phone) != "+14155550100" {
		t.Errorf("phone %q, want +14155550100", str(c.Phone))
	}
	if !slices.Equal(c.Tags, []string{"vip", "lead"}) {
		t.Errorf("tags %q, want trimmed and deduplicated [vip lead]", c.Tags)
	}
	if c.CustomFields["source"] != "conference" || c.CustomFields["score"] != float64(42) {
		t.Errorf("custom fields %v", c.CustomFields)
	}
	if c.OwnerID != nil {
		t.Errorf("owner %v, want none", c.OwnerID)
	}
	if c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) {
		t.Errorf("created %v updated %v", c.CreatedAt, c.UpdatedAt)
	}

	// GET returns exactly what POST answered.
	if got := getContact(t, owner, c.ID); !reflect.DeepEqual(got, c) {
		t.Errorf("get differs from create:\n got %+v\nwant %+v", got, c)
	}

	// Other phone spellings land on the same E.164 number; an international
	// number keeps its country.
	for in, want := range map[string]string{
		"415-555-0101":     "+14155550101",
		"+1 415 555 0102":  "+14155550102",
		"1 (415) 555.0103": "+14155550103",
		"+44 20 7946 0958": "+442079460958",
	} {
		c := createContact(t, owner, map[string]any{"first_name": "P " + in, "phone": in})
		if str(c.Phone) != want {
			t.Errorf("phone %q stored as %q, want %q", in, str(c.Phone), want)
		}
	}

	// A contact with only an email, or only a phone, is enough; empty
	// collections come back as [] and {}, never null.
	e := owner.Do("POST", "/api/contacts", map[string]any{"email": "only@example.com"}).Want(201).JSON()
	if tags, ok := e["tags"].([]any); !ok || len(tags) != 0 {
		t.Errorf("tags of a contact without tags: %#v", e["tags"])
	}
	if cf, ok := e["custom_fields"].(map[string]any); !ok || len(cf) != 0 {
		t.Errorf("custom_fields of a contact without: %#v", e["custom_fields"])
	}
	createContact(t, owner, map[string]any{"phone": "+14155550199"})

	// An API token creates contacts in the same company.
	api := owner.Token()
	viaToken := createContact(t, api, map[string]any{"first_name": "Via token"})
	getContact(t, owner, viaToken.ID)
}

func TestContactGetPatchDelete(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("rep@acme.test", "member")

	c := createContact(t, owner, map[string]any{
		"first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.test", "phone": "4155550100",
		"company_name": "Navy", "title": "Rear Admiral", "tags": []string{"cobol"},
		"owner_id": member.Me.User.ID.String(), "custom_fields": map[string]any{"ship": "USS Hopper"},
	})
	if c.OwnerID == nil || *c.OwnerID != member.Me.User.ID {
		t.Fatalf("owner %v, want %s", c.OwnerID, member.Me.User.ID)
	}

	// A member (not only admins) reads and changes contacts.
	getContact(t, member, c.ID)

	// Absent fields stay as they are. (Each response is decoded into a fresh
	// value: decoding into a used one would merge custom_fields maps.)
	patch := func(by *apitest.Client, body any) contacts.Contact {
		t.Helper()
		var out contacts.Contact
		by.Do("PATCH", "/api/contacts/"+c.ID.String(), body).Want(200).Decode(&out)
		return out
	}
	p := patch(member, map[string]any{"title": "Commodore"})
	if p.Title != "Commodore" || p.FirstName != "Grace" || p.LastName != "Hopper" || str(p.Email) != "grace@navy.test" ||
		str(p.Phone) != "+14155550100" || p.CompanyName != "Navy" || !slices.Equal(p.Tags, []string{"cobol"}) ||
		p.OwnerID == nil || *p.OwnerID != member.Me.User.ID || p.CustomFields["ship"] != "USS Hopper" {
		t.Fatalf("patch changed more than the title: %+v", p)
	}
	if !p.UpdatedAt.After(c.UpdatedAt) || !p.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("after patch: created %v (was %v), updated %v (was %v)", p.CreatedAt, c.CreatedAt, p.UpdatedAt, c.UpdatedAt)
	}

	// Patched values are normalised like created ones.
	p = patch(owner, map[string]any{"email": "GRACE@Navy.Test", "phone": "(415) 555-0111",
		"tags": []string{"b", " a", "b"}, "custom_fields": map[string]any{"rank": 7}})
	if str(p.Email) != "grace@navy.test" || str(p.Phone) != "+14155550111" || !slices.Equal(p.Tags, []string{"b", "a"}) ||
		len(p.CustomFields) != 1 || p.CustomFields["rank"] != float64(7) {
		t.Fatalf("patched values: %+v", p)
	}

	// "" clears email, phone and owner.
	p = patch(owner, map[string]any{"email": "", "phone": "", "owner_id": ""})
	if p.Email != nil || p.Phone != nil || p.OwnerID != nil {
		t.Fatalf("after clearing: email %v phone %v owner %v", p.Email, p.Phone, p.OwnerID)
	}
	if p.FirstName != "Grace" || p.Title != "Commodore" {
		t.Fatalf("clearing changed other fields: %+v", p)
	}
	// The JSON says null for a cleared field.
	j := owner.Do("GET", "/api/contacts/"+c.ID.String(), nil).Want(200).JSON()
	for _, k := range []string{"email", "phone", "owner_id"} {
		if v, ok := j[k]; !ok || v != nil {
			t.Errorf("%s after clearing: %#v (present %v), want null", k, v, ok)
		}
	}
	// An empty tag list and empty custom fields clear them too.
	p = patch(owner, map[string]any{"tags": []string{}, "custom_fields": map[string]any{}})
	if len(p.Tags) != 0 || len(p.CustomFields) != 0 {
		t.Fatalf("after clearing tags and custom fields: %+v", p)
	}
	// An empty patch changes nothing.
	owner.Do("PATCH", "/api/contacts/"+c.ID.String(), map[string]any{}).Want(200)
	if got := getContact(t, owner, c.ID); got.FirstName != "Grace" || got.Title != "Commodore" {
		t.Fatalf("after empty patch: %+v", got)
	}

	// A patch that leaves no name, email or phone is refused, and changes nothing.
	wantFieldError(t, owner.Do("PATCH", "/api/contacts/"+c.ID.String(), map[string]any{"first_name": "", "last_name": " "}), 422, "body.first_name")
	if got := getContact(t, owner, c.ID); got.FirstName != "Grace" || got.LastName != "Hopper" {
		t.Fatalf("refused patch changed the contact: %+v", got)
	}
	// Invalid patches name the field.
	wantFieldError(t, owner.Do("PATCH", "/api/contacts/"+c.ID.String(), map[string]any{"email": "nope"}), 422, "body.email")
	wantFieldError(t, owner.Do("PATCH", "/api/contacts/"+c.ID.String(), map[string]any{"phone": "12"}), 422, "body.phone")
	wantFieldError(t, owner.Do("PATCH", "/api/contacts/"+c.ID.String(), map[string]any{"owner_id": uuid.NewString()}), 422, "body.owner_id")

	// Delete: 204, then it is gone for every verb.
	res := member.Do("DELETE", "/api/contacts/"+c.ID.String(), nil).Want(http.StatusNoContent)
	if len(res.Body) != 0 {
		t.Errorf("204 with a body: %q", res.Body)
	}
	owner.Do("GET", "/api/contacts/"+c.ID.String(), nil).Want(404).Problem()
	owner.Do("PATCH", "/api/contacts/"+c.ID.String(), map[string]any{"title": "x"}).Want(404).Problem()
	owner.Do("DELETE", "/api/contacts/"+c.ID.String(), nil).Want(404).Problem()

	// Unknown and malformed ids are not found.
	owner.Do("GET", "/api/contacts/"+uuid.NewString(), nil).Want(404).Problem()
	owner.Do("GET", "/api/contacts/not-a-uuid", nil).Want(404).Problem()
	owner.Do("DELETE", "/api/contacts/not-a-uuid", nil).Want(404).Problem()

	// Without a session nothing is readable.
	env.Anonymous().Do("GET", "/api/contacts", nil).Want(401).Problem()
	env.Anonymous().Do("POST", "/api/contacts", map[string]any{"first_name": "x"}).Want(401).Problem()
}

func TestContactValidation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")

	tooManyKeys := map[string]any{}
	for i := 0; i <= contacts.MaxCustomFields; i++ {
		tooManyKeys[fmt.Sprintf("k%02d", i)] = i
	}
	tooManyTags := make([]string, contacts.MaxTags+1)
	for i := range tooManyTags {
		tooManyTags[i] = fmt.Sprintf("t%d", i)
	}
	// The schema counts the tags as sent: thirty-one items are refused even
	// when they would be thirty after deduplication.
	dupTags := append(slices.Clone(tooManyTags[:contacts.MaxTags]), " t0 ")

	cases := []struct {
		name     string
		body     any
		status   int
		location string
	}{
		{"invalid email", map[string]any{"first_name": "A", "email": "not-an-email"}, 422, "body.email"},
		{"email with a display name", map[string]any{"first_name": "A", "email": "Ada <ada@example.com>"}, 422, "body.email"},
		{"email too long", map[string]any{"first_name": "A", "email": strings.Repeat("a", 250) + "@example.com"}, 422, "body.email"},
		{"invalid phone", map[string]any{"first_name": "A", "phone": "12"}, 422, "body.phone"},
		{"phone of letters", map[string]any{"first_name": "A", "phone": "call me maybe"}, 422, "body.phone"},
		{"custom fields too big", map[string]any{"first_name": "A", "custom_fields": map[string]any{"notes": strings.Repeat("x", contacts.MaxCustomFieldsSize)}}, 422, "body.custom_fields"},
		{"too many custom fields", map[string]any{"first_name": "A", "custom_fields": tooManyKeys}, 422, "body.custom_fields"},
		{"empty custom field key", map[string]any{"first_name": "A", "custom_fields": map[string]any{" ": 1}}, 422, "body.custom_fields"},
		{"custom fields not an object", `{"first_name":"A","custom_fields":[1,2]}`, 422, "body.custom_fields"},
		{"NUL in custom fields", `{"first_name":"A","custom_fields":{"k":"a\u0000b"}}`, 422, "body.custom_fields"},
		{"too many tags", map[string]any{"first_name": "A", "tags": tooManyTags}, 422, "body.tags"},
		{"too many tags before deduplication", map[string]any{"first_name": "A", "tags": dupTags}, 422, "body.tags"},
		{"tag too long", map[string]any{"first_name": "A", "tags": []string{strings.Repeat("x", contacts.MaxTagLen+1)}}, 422, "body.tags[0]"},
		{"empty tag", map[string]any{"first_name": "A", "tags": []string{"ok", "  "}}, 422, "body.tags[1]"},
		{"tags not a list", `{"first_name":"A","tags":"vip"}`, 422, "body.tags"},
		{"no name, email or phone", map[string]any{"company_name": "Nameless Inc", "title": "CEO"}, 422, "body.first_name"},
		{"empty body", map[string]any{}, 422, "body.first_name"},
		{"blank name", map[string]any{"first_name": "   ", "last_name": "\t"}, 422, "body.first_name"},
		{"name too long", map[string]any{"first_name": strings.Repeat("é", 201)}, 422, "body.first_name"},
		{"NUL in name", `{"first_name":"A\u0000B"}`, 422, "body.first_name"},
		{"name not a string", `{"first_name":12}`, 422, "body.first_name"},
		{"owner not a uuid", map[string]any{"first_name": "A", "owner_id": "bob"}, 422, "body.owner_id"},
		{"owner not a member", map[string]any{"first_name": "A", "owner_id": uuid.NewString()}, 422, "body.owner_id"},
		{"company_id", map[string]any{"first_name": "A", "company_id": owner.Me.Company.ID}, 422, "body.company_id"},
		{"unknown field", map[string]any{"first_name": "A", "nickname": "Al"}, 422, "body.nickname"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantFieldError(t, owner.Do("POST", "/api/contacts", tc.body), tc.status, tc.location)
		})
	}

	// Malformed JSON is a problem too, not a 500.
	for _, body := range []string{"{not json", `{"first_name":"A"`, `[]`, `"x"`, `null`} {
		res := owner.Do("POST", "/api/contacts", body).Want(400, 422)
		res.Problem()
	}

	// Nothing above was written.
	if n := len(listAll(t, owner, nil)); n != 0 {
		t.Fatalf("invalid requests wrote %d contacts", n)
	}

	// The limits themselves are allowed.
	atLimit := map[string]any{}
	for i := 0; i < contacts.MaxCustomFields; i++ {
		atLimit[fmt.Sprintf("k%02d", i)] = i
	}
	createContact(t, owner, map[string]any{"first_name": "Keys", "custom_fields": atLimit})
	createContact(t, owner, map[string]any{"first_name": "Tags", "tags": tooManyTags[:contacts.MaxTags]})
	c := createContact(t, owner, map[string]any{"first_name": "Dup tags", "tags": append(slices.Clone(tooManyTags[:contacts.MaxTags-1]), " t0 ")})
	if len(c.Tags) != contacts.MaxTags-1 {
		t.Errorf("%d tags after deduplication, want %d", len(c.Tags), contacts.MaxTags-1)
	}
	createContact(t, owner, map[string]any{"first_name": "Long tag", "tags": []string{strings.Repeat("é", contacts.MaxTagLen)}})
	createContact(t, owner, map[string]any{"first_name": strings.Repeat("é", 200)})
	big := strings.Repeat("x", contacts.MaxCustomFieldsSize-len(`{"notes":""}`))
	createContact(t, owner, map[string]any{"first_name": "Big", "custom_fields": map[string]any{"notes": big}})
	wantFieldError(t, owner.Do("POST", "/api/contacts", map[string]any{"first_name": "Big",
		"custom_fields": map[string]any{"notes": big + "x"}}), 422, "body.custom_fields")
}

func TestContactOwner(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	rep := owner.Invite("rep@acme.test", "member")
	other := env.Signup("Globex")

	c := createContact(t, owner, map[string]any{"first_name": "Owned", "owner_id": rep.Me.User.ID.String()})
	if c.OwnerID == nil || *c.OwnerID != rep.Me.User.ID {
		t.Fatalf("owner %v", c.OwnerID)
	}
	createContact(t, owner, map[string]any{"first_name": "Mine", "owner_id": owner.Me.User.ID.String()})
	createContact(t, owner, map[string]any{"first_name": "Nobody's"})

	// A user of another company is not a member here: 422, nothing written.
	p := wantFieldError(t, owner.Do("POST", "/api/contacts", map[string]any{"first_name": "Stolen", "owner_id": other.Me.User.ID.String()}), 422, "body.owner_id")
	if strings.Contains(p.Detail+fmt.Sprint(p.Errors), "Globex") {
		t.Errorf("the error names the other company: %+v", p)
	}
	wantFieldError(t, owner.Do("PATCH", "/api/contacts/"+c.ID.String(), map[string]any{"owner_id": other.Me.User.ID.String()}), 422, "body.owner_id")
	if got := getContact(t, owner, c.ID); got.OwnerID == nil || *got.OwnerID != rep.Me.User.ID {
		t.Fatalf("refused owner change wrote: %v", got.OwnerID)
	}
	if n := len(listAll(t, owner, nil)); n != 3 {
		t.Fatalf("%d contacts, want 3", n)
	}
	if n := len(listAll(t, other, nil)); n != 0 {
		t.Fatalf("the other company has %d contacts, want 0", n)
	}

	// The owner filter.
	byRep := listAll(t, owner, url.Values{"owner_id": {rep.Me.User.ID.String()}})
	if len(byRep) != 1 || byRep[0].ID != c.ID {
		t.Fatalf("owner filter: %v", ids(byRep))
	}
	if n := len(listAll(t, owner, url.Values{"owner_id": {other.Me.User.ID.String()}})); n != 0 {
		t.Fatalf("owner filter with another company's user: %d", n)
	}
	wantFieldError(t, owner.Do("GET", "/api/contacts?owner_id=bob", nil), 422, "query.owner_id")

	// A removed member's contacts lose their owner, and stay.
	owner.Do("DELETE", "/api/users/"+rep.Me.User.ID.String(), nil).Want(204)
	if got := getContact(t, owner, c.ID); got.OwnerID != nil {
		t.Fatalf("owner after removing the member: %v", got.OwnerID)
	}
}

func TestContactDuplicateEmail(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	b := env.Signup("Globex")

	first := createContact(t, a, map[string]any{"first_name": "First", "email": "dup@example.com"})
	p := wantFieldError(t, a.Do("POST", "/api/contacts", map[string]any{"first_name": "Second", "email": "DUP@example.com "}), 409, "body.email")
	if p.Title == "" || p.Detail == "" {
		t.Errorf("409 without title or detail: %+v", p)
	}
	// The same email in another company is fine.
	createContact(t, b, map[string]any{"first_name": "Elsewhere", "email": "dup@example.com"})
	// A patch onto a used email conflicts too, and changes nothing.
	second := createContact(t, a, map[string]any{"first_name": "Second", "email": "second@example.com"})
	wantFieldError(t, a.Do("PATCH", "/api/contacts/"+second.ID.String(), map[string]any{"email": "Dup@Example.com"}), 409, "body.email")
	if got := getContact(t, a, second.ID); str(got.Email) != "second@example.com" {
		t.Fatalf("email after a refused patch: %s", str(got.Email))
	}
	// Re-saving a contact's own email is no conflict; once freed, an email is reusable.
	a.Do("PATCH", "/api/contacts/"+first.ID.String(), map[string]any{"email": "dup@example.com"}).Want(200)
	a.Do("PATCH", "/api/contacts/"+first.ID.String(), map[string]any{"email": ""}).Want(200)
	a.Do("PATCH", "/api/contacts/"+second.ID.String(), map[string]any{"email": "dup@example.com"}).Want(200)
	// Many contacts without an email are fine.
	createContact(t, a, map[string]any{"first_name": "No email 1"})
	createContact(t, a, map[string]any{"first_name": "No email 2"})
	if n := len(listAll(t, a, nil)); n != 4 {
		t.Fatalf("%d contacts, want 4", n)
	}
}

func TestContactCompanyIDFromBodyIsRejected(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	b := env.Signup("Globex")
	mine := createContact(t, a, map[string]any{"first_name": "Mine"})

	// Naming the other company, or one's own: refused either way.
	for _, company := range []string{b.Me.Company.ID.String(), a.Me.Company.ID.String()} {
		wantFieldError(t, a.Do("POST", "/api/contacts", map[string]any{"first_name": "Planted", "company_id": company}), 422, "body.company_id")
		wantFieldError(t, a.Do("PATCH", "/api/contacts/"+mine.ID.String(), map[string]any{"first_name": "Moved", "company_id": company}), 422, "body.company_id")
	}
	// An id in the body is not honoured either.
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "Chosen id", "id": mine.ID}).Want(422)

	if got := listAll(t, a, nil); len(got) != 1 || got[0].FirstName != "Mine" {
		t.Fatalf("company A after refused writes: %+v", got)
	}
	if got := listAll(t, b, nil); len(got) != 0 {
		t.Fatalf("company B received %d contacts", len(got))
	}

	// Another company's contact answers exactly like a missing one.
	missing := b.Do("GET", "/api/contacts/"+uuid.NewString(), nil).Want(404)
	hidden := b.Do("GET", "/api/contacts/"+mine.ID.String(), nil).Want(404)
	if string(missing.Body) != string(hidden.Body) {
		t.Errorf("another company's id answers differently:\n%s\n%s", hidden.Body, missing.Body)
	}
	b.Do("PATCH", "/api/contacts/"+mine.ID.String(), map[string]any{"first_name": "Hacked"}).Want(404)
	b.Do("DELETE", "/api/contacts/"+mine.ID.String(), nil).Want(404)
	if got := getContact(t, a, mine.ID); got.FirstName != "Mine" || !got.UpdatedAt.Equal(mine.UpdatedAt) {
		t.Fatalf("A's contact changed: %+v", got)
	}
}

// makeContacts creates n contacts concurrently; names repeat (also in other
// letter cases) so that the keyset must break ties by id. The names are
// ASCII letters and no first name is a prefix of another, so that code
// point order and a linguistic collation (a cluster not made by pgdev) agree.
func makeContacts(t *testing.T, c *apitest.Client, n int) []contacts.Contact {
	t.Helper()
	first := []string{"Ada", "Bob", "carol", "Dan", "Eve", "Zed", "ada", "BOB"}
	last := []string{"Smith", "Jones", "", "Obrien", "Smith"}
	out := make([]contacts.Contact, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			body := map[string]any{"first_name": first[i%len(first)], "last_name": last[i%len(last)],
				"email": fmt.Sprintf("c%03d@example.com", i)}
			res := c.Do("POST", "/api/contacts", body)
			if res.Status != http.StatusCreated {
				errs <- fmt.Sprintf("create %d: %d %s", i, res.Status, res.Body)
				return
			}
			res.Decode(&out[i])
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	return out
}

func TestContactListSortAndPagination(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	other := env.Signup("Globex")
	const n = 120
	made := makeContacts(t, owner, n)
	createContact(t, other, map[string]any{"first_name": "Aaron", "last_name": "Elsewhere"})
	// Touch some contacts so that updated_at order differs from created_at order.
	for i := 0; i < n; i += 7 {
		owner.Do("PATCH", "/api/contacts/"+made[i].ID.String(), map[string]any{"title": "touched"}).Want(200)
	}
	want := sortedIDs(made)

	// The default page: 50, sorted by name, with a cursor.
	p := listPage(t, owner, nil)
	if len(p.Items) != 50 || p.NextCursor == "" {
		t.Fatalf("default page: %d items, cursor %q", len(p.Items), p.NextCursor)
	}

	sortName := func(c contacts.Contact) string {
		return strings.ToLower(strings.TrimSpace(c.FirstName + " " + c.LastName))
	}
	for _, tc := range []struct {
		sort, order string
		less        func(a, b contacts.Contact) int // ordering of the sort column only
	}{
		{"", "", func(a, b contacts.Contact) int { return strings.Compare(sortName(a), sortName(b)) }},
		{"name", "asc", func(a, b contacts.Contact) int { return strings.Compare(sortName(a), sortName(b)) }},
		{"name", "desc", func(a, b contacts.Contact) int { return strings.Compare(sortName(b), sortName(a)) }},
		{"created_at", "asc", func(a, b contacts.Contact) int { return a.CreatedAt.Compare(b.CreatedAt) }},
		{"created_at", "desc", func(a, b contacts.Contact) int { return b.CreatedAt.Compare(a.CreatedAt) }},
		{"updated_at", "asc", func(a, b contacts.Contact) int { return a.UpdatedAt.Compare(b.UpdatedAt) }},
		{"updated_at", "desc", func(a, b contacts.Contact) int { return b.UpdatedAt.Compare(a.UpdatedAt) }},
	} {
		for _, limit := range []string{"50", "7", "1", "200"} {
			name := fmt.Sprintf("sort=%s,order=%s,limit=%s", tc.sort, tc.order, limit)
			q := url.Values{"limit": {limit}}
			if tc.sort != "" {
				q.Set("sort", tc.sort)
			}
			if tc.order != "" {
				q.Set("order", tc.order)
			}
			if limit == "1" && tc.sort != "updated_at" {
				continue // one walk of 120 single-item pages is enough
			}
			all := listAll(t, owner, q)
			if got := sortedIDs(all); !slices.Equal(got, want) {
				t.Fatalf("%s: visited %d contacts, want each of the %d exactly once", name, len(got), len(want))
			}
			for i := 1; i < len(all); i++ {
				if tc.less(all[i-1], all[i]) > 0 {
					t.Fatalf("%s: out of order at %d: %+v then %+v", name, i, all[i-1], all[i])
				}
			}
		}
	}

	// name order is by lower-cased "first last": "ada" sorts with "Ada".
	byName := listAll(t, owner, url.Values{"limit": {"200"}})
	if sortName(byName[0]) != "ada" && !strings.HasPrefix(sortName(byName[0]), "ada") {
		t.Errorf("first by name: %q", sortName(byName[0]))
	}

	// Bad parameters are 422s naming the parameter.
	wantFieldError(t, owner.Do("GET", "/api/contacts?cursor=garbage!!", nil), 422, "query.cursor")
	wantFieldError(t, owner.Do("GET", "/api/contacts?cursor=bm90IGpzb24", nil), 422, "query.cursor") // "not json"
	wantFieldError(t, owner.Do("GET", "/api/contacts?limit=500", nil), 422, "query.limit")
	wantFieldError(t, owner.Do("GET", "/api/contacts?limit=0", nil), 422, "query.limit")
	wantFieldError(t, owner.Do("GET", "/api/contacts?limit=-1", nil), 422, "query.limit")
	owner.Do("GET", "/api/contacts?limit=ten", nil).Want(422).Problem()
	wantFieldError(t, owner.Do("GET", "/api/contacts?sort=email", nil), 422, "query.sort")
	wantFieldError(t, owner.Do("GET", "/api/contacts?order=sideways", nil), 422, "query.order")
	// A name cursor does not fit the created_at list.
	nameCursor := listPage(t, owner, url.Values{"limit": {"5"}}).NextCursor
	wantFieldError(t, owner.Do("GET", "/api/contacts?sort=created_at&cursor="+url.QueryEscape(nameCursor), nil), 422, "query.cursor")
	// limit=200 is the maximum and returns everything here.
	if p := listPage(t, owner, url.Values{"limit": {"200"}}); len(p.Items) != n || p.NextCursor != "" {
		t.Fatalf("limit=200: %d items, cursor %q", len(p.Items), p.NextCursor)
	}
	// A cursor of this company's list shows nothing of another company.
	cur := listPage(t, owner, url.Values{"limit": {"1"}}).NextCursor
	for _, it := range listAll(t, other, url.Values{"cursor": {cur}}) {
		if it.FirstName != "Aaron" {
			t.Fatalf("other company's list shows %+v", it)
		}
	}
}

func TestContactSearchAndFilters(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	rep := owner.Invite("rep@acme.test", "member")
	other := env.Signup("Globex")

	ada := createContact(t, owner, map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engines.test",
		"phone": "+44 20 7946 0958", "company_name": "Analytical Engines", "tags": []string{"vip", "uk"}})
	grace := createContact(t, owner, map[string]any{"first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.test",
		"phone": "(415) 555-0100", "company_name": "US Navy", "tags": []string{"vip"}, "owner_id": rep.Me.User.ID.String()})
	alan := createContact(t, owner, map[string]any{"first_name": "Alan", "last_name": "Turing", "email": "alan@bletchley.test",
		"company_name": "Bletchley 100%_Park", "tags": []string{"uk"}, "owner_id": rep.Me.User.ID.String()})
	emile := createContact(t, owner, map[string]any{"first_name": "Émile", "last_name": "Zola", "title": "Author"})
	// The other company has a contact that matches every search below.
	createContact(t, other, map[string]any{"first_name": "Ada Grace Alan Émile", "last_name": "Lovelace", "email": "ada@navy.test",
		"phone": "+14155550100", "company_name": "Analytical Engines US Navy Bletchley 100%_Park", "tags": []string{"vip", "uk"}})

	search := func(query url.Values) []string {
		t.Helper()
		var names []string
		for _, c := range listAll(t, owner, query) {
			names = append(names, c.FirstName)
		}
		return names
	}
	// Where "Émile" sorts depends on the database's collation, so the
	// search results are compared as sets; the order of ASCII names is
	// checked below.
	sameSet := func(a, b []string) bool {
		return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"ada", []string{"Ada"}},                        // first name
		{"LOVE", []string{"Ada"}},                       // last name, case-insensitive
		{"ovela", nil},                                  // words match by their start, not inside
		{"lov", []string{"Ada"}},                        // word prefix
		{"ada lovelace", []string{"Ada"}},               // full name
		{"@navy", []string{"Grace"}},                    // email
		{"BLETCHLEY.TEST", []string{"Alan"}},            // email, upper-case
		{"4155550100", []string{"Grace"}},               // phone, as stored in E.164
		{"+44207", []string{"Ada"}},                     // phone prefix
		{"engines", []string{"Ada"}},                    // company name and email
		{"us navy", []string{"Grace"}},                  // company name
		{"émile", []string{"Émile"}},                    // non-ASCII
		{"ÉMILE", []string{"Émile"}},                    // non-ASCII, upper-case
		{"a", []string{"Ada", "Alan"}},                  // ada, analytical, alan
		{"  hopper  ", []string{"Grace"}},               // trimmed
		{"%", nil},                                      // no words, no matches
		{"_", nil},                                      //
		{"100%_p", []string{"Alan"}},                    //
		{"author", nil},                                 // the title is not searched
		{"nobody-matches-this", nil},                    //
		{"vip", nil},                                    // tags are not searched
		{"", []string{"Ada", "Alan", "Grace", "Émile"}}, // empty q lists everything
	} {
		if got := search(url.Values{"q": {tc.q}}); !sameSet(got, tc.want) {
			t.Errorf("q=%q: %v, want %v", tc.q, got, tc.want)
		}
	}

	// Tag and owner filters, alone and combined with each other and with q.
	for _, tc := range []struct {
		query url.Values
		want  []string
	}{
		{url.Values{"tag": {"vip"}}, []string{"Ada", "Grace"}},
		{url.Values{"tag": {"uk"}}, []string{"Ada", "Alan"}},
		{url.Values{"tag": {"VIP"}}, nil}, // tags are exact
		{url.Values{"tag": {"none"}}, nil},
		{url.Values{"owner_id": {rep.Me.User.ID.String()}}, []string{"Alan", "Grace"}},
		{url.Values{"owner_id": {owner.Me.User.ID.String()}}, nil},
		{url.Values{"tag": {"uk"}, "owner_id": {rep.Me.User.ID.String()}}, []string{"Alan"}},
		{url.Values{"tag": {"vip"}, "q": {"hopper"}}, []string{"Grace"}},
		{url.Values{"tag": {"vip"}, "q": {"turing"}}, nil},
		{url.Values{"tag": {"vip"}, "sort": {"created_at"}, "order": {"desc"}}, []string{"Grace", "Ada"}},
		{url.Values{"q": {"test"}}, []string{"Ada", "Alan", "Grace"}}, // sorted by name
		{url.Values{"q": {"test"}, "order": {"desc"}}, []string{"Grace", "Alan", "Ada"}},
	} {
		if got := search(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query.Encode(), got, tc.want)
		}
	}

	// Search results paginate like the plain list.
	p := listPage(t, owner, url.Values{"q": {"test"}, "limit": {"2"}})
	if len(p.Items) != 2 || p.NextCursor == "" {
		t.Fatalf("first page of q=test: %d items, cursor %q", len(p.Items), p.NextCursor)
	}
	p2 := listPage(t, owner, url.Values{"q": {"test"}, "limit": {"2"}, "cursor": {p.NextCursor}})
	if len(p2.Items) != 1 || p2.NextCursor != "" {
		t.Fatalf("second page of q=test: %+v", p2)
	}
	if got, want := sortedIDs(append(p.Items, p2.Items...)), sortedIDs([]contacts.Contact{ada, alan, grace}); !slices.Equal(got, want) {
		t.Fatalf("pages of q=test: %v, want %v", got, want)
	}
	_ = emile

	// NUL bytes, invalid UTF-8 and over-long values are refused as 422s, not 500s.
	for query, location := range map[string]string{
		"q=%00":                              "query.q",
		"q=a%00b":                            "query.q",
		"q=%ff":                              "query.q",
		"tag=%00":                            "query.tag",
		"tag=%ff":                            "query.tag",
		"q=" + strings.Repeat("x", 201):      "query.q",
		"tag=" + strings.Repeat("x", 51):     "query.tag",
		"cursor=" + strings.Repeat("x", 501): "query.cursor",
		// {"v":"\u0000","id":"00000000-0000-0000-0000-000000000000"}
		"cursor=eyJ2IjoiXHUwMDAwIiwiaWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ": "query.cursor",
	} {
		wantFieldError(t, owner.Do("GET", "/api/contacts?"+query, nil), 422, location)
	}
}

func TestContactBulk(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	b := env.Signup("Globex")
	var mine []contacts.Contact
	for i := 0; i < 5; i++ {
		mine = append(mine, createContact(t, a, map[string]any{"first_name": fmt.Sprintf("A%d", i), "tags": []string{"old"}}))
	}
	theirs := createContact(t, b, map[string]any{"first_name": "B0", "tags": []string{"old"}})

	// bulk-tag: adds and removes on the company's contacts; another company's id is skipped.
	var tagged struct {
		Updated int64 `json:"updated"`
	}
	a.Do("POST", "/api/contacts/bulk-tag", map[string]any{
		"ids":      []uuid.UUID{mine[0].ID, mine[1].ID, mine[2].ID, theirs.ID, uuid.New()},
		"add_tags": []string{" new ", "z", "new"}, "remove_tags": []string{"old"},
	}).Want(200).Decode(&tagged)
	if tagged.Updated != 3 {
		t.Fatalf("bulk-tag updated %d, want 3", tagged.Updated)
	}
	for i, c := range mine {
		got := getContact(t, a, c.ID)
		want := []string{"old"}
		if i < 3 {
			want = []string{"new", "z"}
		}
		if !slices.Equal(got.Tags, want) {
			t.Errorf("contact %d tags %v, want %v", i, got.Tags, want)
		}
	}
	if got := getContact(t, b, theirs.ID); !slices.Equal(got.Tags, []string{"old"}) || !got.UpdatedAt.Equal(theirs.UpdatedAt) {
		t.Fatalf("the other company's contact changed: %+v", got)
	}
	// Adding a tag a contact already has keeps it once.
	a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []uuid.UUID{mine[0].ID}, "add_tags": []string{"new"}}).Want(200)
	if got := getContact(t, a, mine[0].ID); !slices.Equal(got.Tags, []string{"new", "z"}) {
		t.Errorf("tags after re-adding: %v", got.Tags)
	}
	// Only another company's ids: nothing updated.
	a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []uuid.UUID{theirs.ID}, "add_tags": []string{"x"}}).Want(200).Decode(&tagged)
	if tagged.Updated != 0 {
		t.Fatalf("bulk-tag of another company's contact updated %d", tagged.Updated)
	}
	// Validation.
	wantFieldError(t, a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []uuid.UUID{mine[0].ID}}), 422, "body.add_tags")
	wantFieldError(t, a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []uuid.UUID{mine[0].ID}, "add_tags": []string{" "}}), 422, "body.add_tags[0]")
	wantFieldError(t, a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []uuid.UUID{}, "add_tags": []string{"x"}}), 422, "body.ids")
	a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []string{"nope"}, "add_tags": []string{"x"}}).Want(422).Problem()
	tooMany := make([]string, contacts.MaxTags+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("t%02d", i)
	}
	a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []uuid.UUID{mine[0].ID}, "add_tags": tooMany}).Want(422).Problem()
	// 29 more tags on a contact that has 2 would be 31: refused, and nothing changes.
	wantFieldError(t, a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []uuid.UUID{mine[0].ID, mine[3].ID},
		"add_tags": tooMany[:29]}), 422, "body.add_tags")
	if got := getContact(t, a, mine[3].ID); !slices.Equal(got.Tags, []string{"old"}) {
		t.Fatalf("refused bulk-tag changed a contact: %v", got.Tags)
	}
	manyIDs := make([]uuid.UUID, contacts.MaxBulk+1)
	for i := range manyIDs {
		manyIDs[i] = uuid.New()
	}
	a.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": manyIDs, "add_tags": []string{"x"}}).Want(422).Problem()
	a.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": manyIDs}).Want(422).Problem()
	wantFieldError(t, a.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": []uuid.UUID{}}), 422, "body.ids")
	wantFieldError(t, a.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": []uuid.UUID{mine[0].ID}, "company_id": b.Me.Company.ID}), 422, "body.company_id")

	// bulk-delete: the company's contacts go, another company's id is skipped and not counted.
	var deleted struct {
		Deleted int64 `json:"deleted"`
	}
	a.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": []uuid.UUID{mine[0].ID, mine[1].ID, theirs.ID, uuid.New(), mine[0].ID}}).
		Want(200).Decode(&deleted)
	if deleted.Deleted != 2 {
		t.Fatalf("bulk-delete deleted %d, want 2", deleted.Deleted)
	}
	a.Do("GET", "/api/contacts/"+mine[0].ID.String(), nil).Want(404)
	a.Do("GET", "/api/contacts/"+mine[1].ID.String(), nil).Want(404)
	if n := len(listAll(t, a, nil)); n != 3 {
		t.Fatalf("A has %d contacts, want 3", n)
	}
	if got := getContact(t, b, theirs.ID); got.FirstName != "B0" {
		t.Fatalf("the other company's contact: %+v", got)
	}
	// Deleting again counts nothing.
	a.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": []uuid.UUID{mine[0].ID, theirs.ID}}).Want(200).Decode(&deleted)
	if deleted.Deleted != 0 {
		t.Fatalf("second bulk-delete deleted %d", deleted.Deleted)
	}
}

func TestContactTagCounts(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Acme")
	b := env.Signup("Globex")
	var tags struct {
		Items []contacts.TagCount `json:"items"`
	}
	a.Do("GET", "/api/contacts/tags", nil).Want(200).Decode(&tags)
	if tags.Items == nil || len(tags.Items) != 0 {
		t.Fatalf("tags of an empty company: %#v", tags.Items)
	}
	createContact(t, a, map[string]any{"first_name": "1", "tags": []string{"vip", "lead"}})
	createContact(t, a, map[string]any{"first_name": "2", "tags": []string{"vip"}})
	createContact(t, a, map[string]any{"first_name": "3", "tags": []string{"vip", "cold", "vip"}})
	createContact(t, a, map[string]any{"first_name": "4"})
	createContact(t, b, map[string]any{"first_name": "B", "tags": []string{"vip", "secret"}})

	a.Do("GET", "/api/contacts/tags", nil).Want(200).Decode(&tags)
	want := []contacts.TagCount{{Tag: "cold", Contacts: 1}, {Tag: "lead", Contacts: 1}, {Tag: "vip", Contacts: 3}}
	if !slices.Equal(tags.Items, want) {
		t.Fatalf("tags %+v, want %+v", tags.Items, want)
	}
	a.Do("GET", "/api/contacts/tags/", nil).Want(200).Decode(&tags)
	if !slices.Equal(tags.Items, want) {
		t.Fatalf("tags with a trailing slash %+v", tags.Items)
	}
	b.Do("GET", "/api/contacts/tags", nil).Want(200).Decode(&tags)
	if want := []contacts.TagCount{{Tag: "secret", Contacts: 1}, {Tag: "vip", Contacts: 1}}; !slices.Equal(tags.Items, want) {
		t.Fatalf("B's tags %+v, want %+v", tags.Items, want)
	}
}

func TestContactTrailingSlash(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	owner := env.Signup("Acme")
	var c contacts.Contact
	owner.Do("POST", "/api/contacts/", map[string]any{"first_name": "Slash", "email": "Slash@Example.com"}).Want(201).Decode(&c)
	if str(c.Email) != "slash@example.com" {
		t.Fatalf("created through /api/contacts/: %+v", c)
	}
	var p contacts.Page
	owner.Do("GET", "/api/contacts/?q=slash", nil).Want(200).Decode(&p)
	if len(p.Items) != 1 || p.Items[0].ID != c.ID {
		t.Fatalf("list through /api/contacts/: %+v", p)
	}
	var got contacts.Contact
	owner.Do("GET", "/api/contacts/"+c.ID.String()+"/", nil).Want(200).Decode(&got)
	if got.ID != c.ID {
		t.Fatalf("get with a trailing slash: %+v", got)
	}
	owner.Do("PATCH", "/api/contacts/"+c.ID.String()+"/", map[string]any{"title": "Slashed"}).Want(200).Decode(&got)
	if got.Title != "Slashed" {
		t.Fatalf("patch with a trailing slash: %+v", got)
	}
	wantFieldError(t, owner.Do("POST", "/api/contacts/", map[string]any{"email": "bad"}), 422, "body.email")
	owner.Do("POST", "/api/contacts/bulk-tag/", map[string]any{"ids": []uuid.UUID{c.ID}, "add_tags": []string{"x"}}).Want(200)
	owner.Do("DELETE", "/api/contacts/"+c.ID.String()+"/", nil).Want(204)
	owner.Do("GET", "/api/contacts/"+c.ID.String()+"/", nil).Want(404)
}
