package contacts_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/contacts"
)

// FuzzContactInput sends arbitrary bodies through the whole request path of
// POST /api/contacts and PATCH /api/contacts/{id}: huma's decoding and schema
// validation, the contacts validation and normalisation, and the database.
// Whatever the body, the answer is never a 5xx; an error is a problem+json
// document whose status matches the response, and a 422 names a field; a
// created or changed contact
// is stored exactly as answered (GET returns the same), is normalised, and a
// body naming company_id is never accepted.
//
// The seeds run in every `go test`; fuzz with
//
//	go test ./internal/contacts -run XXX -fuzz FuzzContactInput -fuzztime 60s
func FuzzContactInput(f *testing.F) {
	env := apitest.New(f)
	owner := env.Signup("Fuzz")
	member := owner.Invite("member@fuzz.test", "member")
	stranger := env.Signup("Elsewhere")
	api := owner.Token()
	// The contact every fuzzed PATCH is applied to.
	var base contacts.Contact
	owner.Do("POST", "/api/contacts", map[string]any{"first_name": "Base", "email": "base@fuzz.test"}).Want(201).Decode(&base)

	for _, s := range []string{
		// Valid, in full and minimal.
		`{"first_name":"Ada","last_name":"Lovelace","email":" Ada@Example.COM ","phone":"(415) 555-0100","company_name":"Engines","title":"Countess","tags":["vip"," vip ","lead"],"custom_fields":{"score":42,"source":"web"}}`,
		`{"first_name":"A"}`,
		`{"phone":"+44 20 7946 0958"}`,
		`{"email":"only@example.com"}`,
		// Unicode, escapes, lone surrogates and raw invalid UTF-8.
		`{"first_name":"Zoë","last_name":"大谷 翔平","email":"jörg@bücher.example","tags":["日本","🎉"],"custom_fields":{"ключ":"значение"}}`,
		`{"first_name":"\ud800","last_name":"\udfff\u200b","tags":["\ufeff"]}`,
		"{\"first_name\":\"\xff\xfe\",\"tags\":[\"\xc3\"]}",
		`{"first_name":"  \t\n "}`,
		// NUL bytes everywhere.
		`{"first_name":"a\u0000b"}`,
		`{"first_name":"x","tags":["a\u0000"]}`,
		`{"first_name":"x","custom_fields":{"k\u0000":"v"}}`,
		`{"first_name":"x","custom_fields":{"k":["\u0000"]}}`,
		`{"email":"a\u0000@example.com","phone":"+1415\u00005550100"}`,
		// Numbers PostgreSQL and Go disagree about.
		`{"first_name":"n","custom_fields":{"big":1e308,"int":123456789012345678901234567890,"neg":-0,"tiny":1e-400,"frac":0.1}}`,
		`{"first_name":"n","custom_fields":{"huge":1e400}}`,
		// Nested custom fields, shallow and deep.
		`{"first_name":"n","custom_fields":{"a":{"b":{"c":[[[{"d":null,"e":true}]]]}}}}`,
		`{"first_name":"n","custom_fields":{"a":` + strings.Repeat("[", 3000) + strings.Repeat("]", 3000) + `}}`,
		// Wrong types and nulls.
		`{"first_name":1,"tags":"x","custom_fields":[]}`,
		`{"email":true,"phone":4155550100,"owner_id":123}`,
		`{"first_name":null,"email":null,"tags":null,"custom_fields":null}`,
		`{"first_name":"x","tags":[null,1,{}]}`,
		// Fields the client must not choose, in any spelling.
		`{"first_name":"x","company_id":"` + stranger.Me.Company.ID.String() + `"}`,
		`{"first_name":"x","COMPANY_ID":"` + stranger.Me.Company.ID.String() + `"}`,
		`{"first_name":"x","Company_Id":"` + owner.Me.Company.ID.String() + `"}`,
		`{"id":"` + base.ID.String() + `","first_name":"x"}`,
		`{"First_Name":"x","EMAIL":"Case@Example.com"}`,
		`{"first_name":"a","first_name":"b","email":"x@example.com","email":"y@example.com"}`,
		// Owners: a member, a stranger, garbage.
		`{"first_name":"x","owner_id":"` + member.Me.User.ID.String() + `"}`,
		`{"first_name":"x","owner_id":"` + stranger.Me.User.ID.String() + `"}`,
		`{"first_name":"x","owner_id":"00000000-0000-0000-0000-000000000000"}`,
		`{"first_name":"x","owner_id":"{` + member.Me.User.ID.String() + `}"}`,
		// Odd emails and phones.
		`{"email":"\"a b\"@example.com"}`,
		`{"email":"a@[127.0.0.1]"}`,
		`{"email":"İSTANBUL@example.com"}`,
		`{"email":"base@fuzz.test"}`,
		`{"phone":"+000000000000000000000"}`,
		`{"phone":"１２３４５６７８９０"}`,
		`{"phone":"+1 415 555 0100 ext. 1234"}`,
		`{"phone":"tel:+1-415-555-0100;phone-context=example.com"}`,
		// Not an object at all.
		``, `{`, `null`, `[]`, `"x"`, `1`, `{}`, `{"first_name":"x"} trailing`,
	} {
		f.Add([]byte(s))
	}

	client := env.Srv.Client()
	do := func(t *testing.T, method, path string, body []byte) (int, http.Header, []byte) {
		t.Helper()
		var r io.Reader
		if body != nil {
			r = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, env.Srv.URL+path, r)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+api.Bearer)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, res.Header, b
	}
	// check asserts the invariants of one answer to a fuzzed write and, for
	// a success, that the stored contact is what was answered.
	check := func(t *testing.T, what string, body []byte, status int, h http.Header, resp []byte, want2xx int) {
		t.Helper()
		if status >= 500 {
			t.Fatalf("%s %q: status %d: %s", what, body, status, resp)
		}
		if status < 200 || status > 299 {
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Fatalf("%s %q: status %d with content type %q: %s", what, body, status, ct, resp)
			}
			var p struct {
				Status int    `json:"status"`
				Title  string `json:"title"`
				Errors []struct {
					Location string `json:"location"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(resp, &p); err != nil || p.Status != status || p.Title == "" {
				t.Fatalf("%s %q: status %d with problem %s (%v)", what, body, status, resp, err)
			}
			// A 422 names the field: one without errors[] is the server's
			// catch-all for a database data exception, which means
			// validation let something through.
			if status == http.StatusUnprocessableEntity && (len(p.Errors) == 0 || p.Errors[0].Location == "") {
				t.Fatalf("%s %q: 422 without a field: %s", what, body, resp)
			}
			return
		}
		if status != want2xx {
			t.Fatalf("%s %q: status %d, want %d", what, body, status, want2xx)
		}
		if namesCompanyID(body) {
			t.Fatalf("%s %q: a body naming company_id was accepted: %s", what, body, resp)
		}
		var c contacts.Contact
		if err := json.Unmarshal(resp, &c); err != nil {
			t.Fatalf("%s %q: answer %s: %v", what, body, resp, err)
		}
		checkNormalised(t, c)
		st, _, got := do(t, "GET", "/api/contacts/"+c.ID.String(), nil)
		if st != http.StatusOK {
			t.Fatalf("%s %q: GET of the stored contact: %d %s", what, body, st, got)
		}
		var a, b any
		if err := json.Unmarshal(resp, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s %q: stored contact differs from the answer:\nanswer %s\nstored %s", what, body, resp, got)
		}
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		status, h, resp := do(t, "POST", "/api/contacts", body)
		check(t, "POST", body, status, h, resp, http.StatusCreated)
		status, h, resp = do(t, "PATCH", "/api/contacts/"+base.ID.String(), body)
		check(t, "PATCH", body, status, h, resp, http.StatusOK)
	})
}

// namesCompanyID reports whether body is a JSON object with a top-level key
// that Go's decoder would match to company_id (it ignores case).
func namesCompanyID(body []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	for k := range m {
		if strings.EqualFold(k, "company_id") {
			return true
		}
	}
	return false
}

// checkNormalised asserts the stored form of a contact.
func checkNormalised(t *testing.T, c contacts.Contact) {
	t.Helper()
	if c.FirstName == "" && c.LastName == "" && c.Email == nil && c.Phone == nil {
		t.Fatalf("stored a contact without name, email or phone: %+v", c)
	}
	for _, s := range []string{c.FirstName, c.LastName, c.CompanyName, c.Title} {
		if s != strings.TrimSpace(s) || !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) > contacts.MaxTextLen {
			t.Fatalf("stored text %q is not normalised", s)
		}
	}
	if c.Email != nil && (*c.Email == "" || *c.Email != strings.ToLower(strings.TrimSpace(*c.Email)) || !strings.Contains(*c.Email, "@")) {
		t.Fatalf("stored email %q is not normalised", *c.Email)
	}
	if c.Phone != nil {
		p := *c.Phone
		if len(p) < 2 || p[0] != '+' || strings.Trim(p[1:], "0123456789") != "" {
			t.Fatalf("stored phone %q is not E.164", p)
		}
	}
	if c.Tags == nil || len(c.Tags) > contacts.MaxTags {
		t.Fatalf("stored tags %q", c.Tags)
	}
	seen := map[string]bool{}
	for _, tag := range c.Tags {
		if tag == "" || tag != strings.TrimSpace(tag) || seen[tag] || utf8.RuneCountInString(tag) > contacts.MaxTagLen {
			t.Fatalf("stored tags %q are not normalised", c.Tags)
		}
		seen[tag] = true
	}
	if c.CustomFields == nil || len(c.CustomFields) > contacts.MaxCustomFields {
		t.Fatalf("stored custom fields %v", c.CustomFields)
	}
	if b, _ := json.Marshal(c.CustomFields); len(b) > contacts.MaxCustomFieldsSize {
		t.Fatalf("stored custom fields are %d bytes", len(b))
	}
}

// FuzzContactListQuery sends arbitrary q, tag, sort and cursor values to
// GET /api/contacts: the answer is never a 5xx, an error is problem+json,
// and every contact listed matches the search and the tag.
func FuzzContactListQuery(f *testing.F) {
	env := apitest.New(f)
	owner := env.Signup("Fuzz")
	api := owner.Token()
	for _, c := range []map[string]any{
		{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engines.test", "phone": "+442079460958", "company_name": "Engines 100%_", "tags": []string{"vip", "uk"}},
		{"first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.test", "tags": []string{"vip"}},
		{"first_name": "Émile", "last_name": "Zola", "tags": []string{"ünï"}},
		{"first_name": `back\slash`, "company_name": "O'Brien & Co"},
	} {
		owner.Do("POST", "/api/contacts", c).Want(201)
	}
	var page contacts.Page
	owner.Do("GET", "/api/contacts?limit=1", nil).Want(200).Decode(&page)
	for _, s := range []struct{ q, tag, sort, cursor string }{
		{"", "", "", ""},
		{"ada", "vip", "name", ""},
		{"%", "", "created_at", ""},
		{"_", "", "updated_at", ""},
		{`\`, "", "", ""},
		{"ÉMILE", "ünï", "", ""},
		{"a\x00b", "", "", ""},
		{"", "\x00", "", ""},
		{"\xff", "\xfe", "", ""},
		{"", "", "", page.NextCursor},
		{"", "", "created_at", page.NextCursor},
		{"", "", "", "garbage"},
		{"", "", "", "eyJ2IjoiXHUwMDAwIiwiaWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ"},
		{"", "", "", "eyJ2IjoieCIsImlkIjoibm9wZSJ9"},
		{"", "", "bogus", ""},
	} {
		f.Add(s.q, s.tag, s.sort, s.cursor)
	}
	client := env.Srv.Client()
	f.Fuzz(func(t *testing.T, q, tag, sort, cursor string) {
		v := url.Values{}
		for k, s := range map[string]string{"q": q, "tag": tag, "sort": sort, "cursor": cursor} {
			if s != "" {
				v.Set(k, s)
			}
		}
		req, err := http.NewRequest("GET", env.Srv.URL+"/api/contacts?"+v.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+api.Bearer)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case res.StatusCode >= 500:
			t.Fatalf("%s: status %d: %s", v.Encode(), res.StatusCode, body)
		case res.StatusCode != http.StatusOK:
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Fatalf("%s: status %d with content type %q", v.Encode(), res.StatusCode, ct)
			}
			return
		}
		var p contacts.Page
		if err := json.Unmarshal(body, &p); err != nil || p.Items == nil {
			t.Fatalf("%s: page %s: %v", v.Encode(), body, err)
		}
		needle := strings.ToLower(strings.TrimSpace(q))
		for _, c := range p.Items {
			// Go and PostgreSQL lower-case a few non-ASCII letters differently; check ASCII searches only.
			if isASCII(needle) && !strings.Contains(searchText(c), needle) {
				t.Fatalf("q=%q lists %+v", q, c)
			}
			if tag != "" && !slices.Contains(c.Tags, tag) {
				t.Fatalf("tag=%q lists %+v", tag, c)
			}
		}
	})
}

func searchText(c contacts.Contact) string {
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return strings.ToLower(c.FirstName + " " + c.LastName + " " + deref(c.Email) + " " + deref(c.Phone) + " " + c.CompanyName)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
