package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

// world is company A's data, made before company B tries to reach it.
type world struct {
	env                 *apitest.Env
	a, aMember          *apitest.Client
	aToken              *apitest.Client
	b                   *apitest.Client // B's owner (cookie or token)
	contactID, inviteID string
	tokenID             string
	// ids holds the ids that the per-area setups (worldSetups) made.
	ids map[string]string
}

// worldSetups let each area add company A's data to the world, in files of
// its own (isolation_<area>_test.go); snapshotPaths add what A reads back.
var (
	worldSetups   []func(w *world)
	snapshotPaths []func(w *world) []string
)

// snapshot returns what A sees, to prove B changed nothing.
func (w *world) snapshot(t *testing.T) string {
	t.Helper()
	var out bytes.Buffer
	paths := []string{"/api/company", "/api/users", "/api/invites", "/api/contacts", "/api/contacts/tags",
		"/api/contacts/" + w.contactID}
	for _, extra := range snapshotPaths {
		paths = append(paths, extra(w)...)
	}
	for _, p := range paths {
		out.Write(w.a.Do("GET", p, nil).Want(200).Body)
	}
	var toks struct {
		Items []map[string]any `json:"items"`
	}
	w.a.Do("GET", "/api/api-tokens", nil).Want(200).Decode(&toks)
	for _, tk := range toks.Items {
		delete(tk, "last_used_at")
		b, _ := json.Marshal(tk)
		out.Write(b)
	}
	return out.String()
}

func missingBody(t *testing.T, c *apitest.Client, method, path string, body any) string {
	t.Helper()
	res := c.Do(method, path, body).Want(404)
	res.Problem()
	return string(res.Body)
}

// expectHidden asserts that B's request for A's id answers exactly like a
// request for an id that does not exist.
func expectHidden(t *testing.T, c *apitest.Client, method, pathA, pathMissing string, body any) {
	t.Helper()
	got := missingBody(t, c, method, pathA, body)
	want := missingBody(t, c, method, pathMissing, body)
	if got != want {
		t.Errorf("%s %s: body %s differs from a missing id's %s", method, pathA, got, want)
	}
}

const missingID = "01900000-0000-7000-8000-000000000999"

func listHas(t *testing.T, c *apitest.Client, path, needle string) bool {
	t.Helper()
	return strings.Contains(string(c.Do("GET", path, nil).Want(200).Body), needle)
}

// matrix names every tenant operation and what company B tries with it.
// TestIsolationMatrixCoversEveryRoute fails when a tenant route is missing.
var matrix = map[string]func(t *testing.T, w *world){
	"listContacts": func(t *testing.T, w *world) {
		for _, p := range []string{"/api/contacts", "/api/contacts?q=secret", "/api/contacts?tag=a-only",
			"/api/contacts?owner_id=" + w.a.Me.User.ID.String(), "/api/contacts?sort=created_at&order=desc"} {
			if listHas(t, w.b, p, w.contactID) || listHas(t, w.b, p, w.ids["a_dup"]) {
				t.Errorf("B's %s shows A's contact", p)
			}
		}
	},
	"createContact": func(t *testing.T, w *world) {
		w.b.Do("POST", "/api/contacts", map[string]any{"first_name": "X", "owner_id": w.a.Me.User.ID.String()}).Want(422)
		w.b.Do("POST", "/api/contacts", map[string]any{"first_name": "X", "company_id": w.a.Me.Company.ID.String()}).Want(422)
		// The same email as A's contact is B's own business, and lands in B.
		w.b.Do("POST", "/api/contacts", map[string]any{"first_name": "Twin", "email": "secret@a.test"}).Want(201)
	},
	"listContactTags": func(t *testing.T, w *world) {
		if listHas(t, w.b, "/api/contacts/tags", "a-only") {
			t.Error("B sees A's tags")
		}
	},
	"getContact": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "GET", "/api/contacts/"+w.contactID, "/api/contacts/"+missingID, nil)
	},
	"updateContact": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "PATCH", "/api/contacts/"+w.contactID, "/api/contacts/"+missingID, map[string]any{"first_name": "Hacked"})
	},
	"deleteContact": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "DELETE", "/api/contacts/"+w.contactID, "/api/contacts/"+missingID, nil)
	},
	"bulkDeleteContacts": func(t *testing.T, w *world) {
		if n := w.b.Do("POST", "/api/contacts/bulk-delete", map[string]any{"ids": []string{w.contactID}}).Want(200).JSON()["deleted"]; n != 0.0 {
			t.Errorf("B bulk-deleted %v of A's contacts", n)
		}
	},
	"bulkTagContacts": func(t *testing.T, w *world) {
		if n := w.b.Do("POST", "/api/contacts/bulk-tag", map[string]any{"ids": []string{w.contactID}, "add_tags": []string{"pwned"}, "remove_tags": []string{"a-only"}}).Want(200).JSON()["updated"]; n != 0.0 {
			t.Errorf("B bulk-tagged %v of A's contacts", n)
		}
	},
	"getCompany": func(t *testing.T, w *world) {
		if id := w.b.Do("GET", "/api/company", nil).Want(200).JSON()["id"]; id != w.b.Me.Company.ID.String() {
			t.Errorf("B's company is %v", id)
		}
	},
	"updateCompany": func(t *testing.T, w *world) {
		if id := w.b.Do("PATCH", "/api/company", map[string]any{"name": "B renamed"}).Want(200).JSON()["id"]; id != w.b.Me.Company.ID.String() {
			t.Errorf("B renamed company %v", id)
		}
	},
	"listUsers": func(t *testing.T, w *world) {
		if listHas(t, w.b, "/api/users", w.aMember.Me.User.ID.String()) || listHas(t, w.b, "/api/users", "member@a.test") {
			t.Error("B sees A's users")
		}
	},
	"getUser": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "GET", "/api/users/"+w.aMember.Me.User.ID.String(), "/api/users/"+missingID, nil)
	},
	"updateUser": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "PATCH", "/api/users/"+w.aMember.Me.User.ID.String(), "/api/users/"+missingID, map[string]any{"role": "admin"})
	},
	"removeUser": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "DELETE", "/api/users/"+w.aMember.Me.User.ID.String(), "/api/users/"+missingID, nil)
	},
	"listInvites": func(t *testing.T, w *world) {
		if listHas(t, w.b, "/api/invites", w.inviteID) || listHas(t, w.b, "/api/invites", `"role":"admin"`) {
			t.Error("B sees A's invites")
		}
	},
	"createInvite": func(t *testing.T, w *world) {
		// B may invite anyone to B, even A's people; it changes nothing in A.
		w.b.Do("POST", "/api/invites", map[string]any{"email": "pending@a.test", "role": "member", "company_id": w.a.Me.Company.ID}).Want(422)
		w.b.Do("POST", "/api/invites", map[string]any{"email": "pending@a.test", "role": "member"}).Want(201)
	},
	"renewInviteLink": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "POST", "/api/invites/"+w.inviteID+"/link", "/api/invites/"+missingID+"/link", nil)
	},
	"revokeInvite": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "DELETE", "/api/invites/"+w.inviteID, "/api/invites/"+missingID, nil)
	},
	"listAPITokens": func(t *testing.T, w *world) {
		if listHas(t, w.b, "/api/api-tokens", w.tokenID) {
			t.Error("B sees A's API tokens")
		}
	},
	"createAPIToken": func(t *testing.T, w *world) {
		var tok struct {
			Token string `json:"token"`
		}
		if w.b.Bearer != "" {
			// A token cannot mint tokens (in any company).
			w.b.Do("POST", "/api/api-tokens", map[string]any{"name": "b"}).Want(403)
			return
		}
		w.b.Do("POST", "/api/api-tokens", map[string]any{"name": "b"}).Want(201).Decode(&tok)
		c := w.env.Anonymous().In(t)
		c.Bearer = tok.Token
		expectHidden(t, c, "GET", "/api/contacts/"+w.contactID, "/api/contacts/"+missingID, nil)
	},
	"revokeAPIToken": func(t *testing.T, w *world) {
		expectHidden(t, w.b, "DELETE", "/api/api-tokens/"+w.tokenID, "/api/api-tokens/"+missingID, nil)
		w.aToken.Do("GET", "/api/contacts", nil).Want(200)
	},
}

// in rebinds the world's clients to a subtest.
func (w *world) in(t *testing.T) *world {
	cp := *w
	cp.a, cp.aMember, cp.aToken, cp.b = w.a.In(t), w.aMember.In(t), w.aToken.In(t), w.b.In(t)
	return &cp
}

func newWorld(t *testing.T, bearer bool) *world {
	env := apitest.New(t)
	w := &world{env: env, a: env.Signup("Alpha")}
	w.aMember = w.a.Invite("member@a.test", "member")
	var c, inv, tok struct {
		ID string `json:"id"`
	}
	w.a.Do("POST", "/api/contacts", map[string]any{"first_name": "Secret", "last_name": "Customer", "email": "secret@a.test",
		"phone": "+14155550100", "tags": []string{"a-only"}, "owner_id": w.a.Me.User.ID.String(),
		"custom_fields": map[string]any{"deal_size": "big"}}).Want(201).Decode(&c)
	w.a.Do("POST", "/api/invites", map[string]any{"email": "pending@a.test", "role": "admin"}).Want(201).Decode(&inv)
	w.a.Do("POST", "/api/api-tokens", map[string]any{"name": "A integration"}).Want(201).Decode(&tok)
	w.contactID, w.inviteID, w.tokenID = c.ID, inv.ID, tok.ID
	w.aToken = w.a.Token()
	w.b = env.Signup("Beta")
	if bearer {
		w.b = w.b.Token()
	}
	w.ids = map[string]string{}
	for _, setup := range worldSetups {
		setup(w)
	}
	return w
}

// TestIsolationMatrix runs every tenant operation as company B against
// company A's data, with a browser session and with an API token, and checks
// that B sees A's ids as absent and that A's data is unchanged.
func TestIsolationMatrix(t *testing.T) {
	for _, bearer := range []bool{false, true} {
		t.Run(fmt.Sprintf("bearer=%v", bearer), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, bearer)
			before := w.snapshot(t)
			ops := make([]string, 0, len(matrix))
			for op := range matrix {
				ops = append(ops, op)
			}
			slices.Sort(ops)
			for _, op := range ops {
				t.Run(op, func(t *testing.T) {
					matrix[op](t, w.in(t))
					if after := w.snapshot(t); after != before {
						t.Fatalf("company A's data changed after B's %s:\nbefore %s\nafter  %s", op, before, after)
					}
				})
			}
		})
	}
}

// TestIsolationMatrixCoversEveryRoute fails when the router has a tenant
// route the matrix does not know, or the matrix names a route that is gone.
func TestIsolationMatrixCoversEveryRoute(t *testing.T) {
	env := apitest.New(t)
	seen := map[string]bool{}
	for _, r := range env.App.Server.Routes() {
		if !r.Tenant {
			continue
		}
		seen[r.OperationID] = true
		if _, ok := matrix[r.OperationID]; !ok {
			t.Errorf("tenant route %s %s (%s) is not in the isolation matrix", r.Method, r.Path, r.OperationID)
		}
	}
	for op := range matrix {
		if !seen[op] {
			t.Errorf("the isolation matrix names %s, which is not a tenant route", op)
		}
	}
}
