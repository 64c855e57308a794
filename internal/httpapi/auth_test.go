package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

func TestSignupLoginLogoutMe(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	if owner.Me.Role != "owner" || owner.Me.Company.Name != "Acme" || len(owner.Me.Companies) != 1 {
		t.Fatalf("me after signup: %+v", owner.Me)
	}
	me := owner.Do("GET", "/api/auth/me", nil).Want(200).JSON()
	if me["role"] != "owner" {
		t.Fatalf("me: %v", me)
	}

	// The cookie is HttpOnly and SameSite.
	res := env.Anonymous().Do("POST", "/api/auth/login", map[string]any{"email": owner.Me.User.Email, "password": "correct horse battery"}).Want(200)
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"crm_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %q", cookie, want)
		}
	}

	owner.Do("POST", "/api/auth/logout", nil).Want(204)
	owner.Do("GET", "/api/auth/me", nil).Want(401).Problem()

	// Duplicate sign-up email is a conflict naming the field.
	p := env.Anonymous().Do("POST", "/api/auth/signup", map[string]any{"company_name": "Other", "name": "X",
		"email": strings.ToUpper(owner.Me.User.Email), "password": "another password"}).Want(409).Problem()
	if !p.HasFieldError("body.email") {
		t.Errorf("409 without body.email: %+v", p)
	}
}

func TestSignupValidation(t *testing.T) {
	env := apitest.New(t)
	c := env.Anonymous()
	p := c.Do("POST", "/api/auth/signup", map[string]any{"company_name": "", "name": "N", "email": "not-an-email", "password": "short"}).Want(422).Problem()
	for _, f := range []string{"body.company_name", "body.email", "body.password"} {
		if !p.HasFieldError(f) {
			t.Errorf("missing field error %s: %+v", f, p)
		}
	}
	c.Do("POST", "/api/auth/signup", "{not json").Want(400, 422).Problem()
	// Nothing was created: the email is still free.
	env.Anonymous().Do("POST", "/api/auth/signup", map[string]any{"company_name": "Fine", "name": "N", "email": "n@example.com", "password": "long enough"}).Want(201)
}

func TestLoginThrottle(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Throttle")
	c := env.Anonymous()
	for i := 0; i < 5; i++ {
		c.Do("POST", "/api/auth/login", map[string]any{"email": owner.Me.User.Email, "password": "wrong password"}).Want(401)
	}
	res := c.Do("POST", "/api/auth/login", map[string]any{"email": owner.Me.User.Email, "password": "correct horse battery"}).Want(429)
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	res.Problem()
	// Another email from the same address is still allowed (per-IP limit is higher).
	other := env.Signup("Other")
	c.Do("POST", "/api/auth/login", map[string]any{"email": other.Me.User.Email, "password": "correct horse battery"}).Want(200)
}

func TestLoginThrottlePerIP(t *testing.T) {
	env := apitest.New(t)
	c := env.Anonymous()
	for i := 0; i < 20; i++ {
		c.Do("POST", "/api/auth/login", map[string]any{"email": "nobody" + string(rune('a'+i)) + "@x.test", "password": "wrong password"}).Want(401)
	}
	c.Do("POST", "/api/auth/login", map[string]any{"email": "fresh@x.test", "password": "wrong password"}).Want(429)
}

func TestRemovedMemberIsOutAtOnce(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("m@acme.test", "member")
	admin := owner.Invite("a@acme.test", "admin")
	token := admin.Token()
	member.Do("GET", "/api/contacts", nil).Want(200)
	token.Do("GET", "/api/contacts", nil).Want(200)

	owner.Do("DELETE", "/api/users/"+member.Me.User.ID.String(), nil).Want(204)
	owner.Do("DELETE", "/api/users/"+admin.Me.User.ID.String(), nil).Want(204)
	member.Do("GET", "/api/contacts", nil).Want(401)
	token.Do("GET", "/api/contacts", nil).Want(401)
}

func TestRoles(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("m@acme.test", "member")
	admin := owner.Invite("a@acme.test", "admin")

	// Members cannot manage the company.
	member.Do("GET", "/api/api-tokens", nil).Want(403).Problem()
	member.Do("POST", "/api/invites", map[string]any{"email": "x@acme.test", "role": "member"}).Want(403)
	member.Do("PATCH", "/api/company", map[string]any{"name": "Hijacked"}).Want(403)
	member.Do("GET", "/api/users", nil).Want(200)

	// Admins manage members but not owners.
	admin.Do("PATCH", "/api/users/"+member.Me.User.ID.String(), map[string]any{"role": "admin"}).Want(200)
	admin.Do("PATCH", "/api/users/"+owner.Me.User.ID.String(), map[string]any{"role": "member"}).Want(403)
	admin.Do("POST", "/api/invites", map[string]any{"email": "o@acme.test", "role": "owner"}).Want(403)
	admin.Do("DELETE", "/api/users/"+owner.Me.User.ID.String(), nil).Want(403)

	// The last owner stays an owner.
	owner.Do("PATCH", "/api/users/"+owner.Me.User.ID.String(), map[string]any{"role": "admin"}).Want(409)
	owner.Do("PATCH", "/api/users/"+member.Me.User.ID.String(), map[string]any{"role": "owner"}).Want(200)
	owner.Do("PATCH", "/api/users/"+owner.Me.User.ID.String(), map[string]any{"role": "admin"}).Want(200)
	owner.Do("PATCH", "/api/users/"+member.Me.User.ID.String(), map[string]any{"role": "superuser"}).Want(422)
}

func TestInviteFlow(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	var inv struct {
		ID        string `json:"id"`
		AcceptURL string `json:"accept_url"`
	}
	owner.Do("POST", "/api/invites", map[string]any{"email": "New@Acme.test", "role": "member"}).Want(201).Decode(&inv)
	if !strings.HasPrefix(inv.AcceptURL, env.Srv.URL+"/invite/") {
		t.Fatalf("accept url %q", inv.AcceptURL)
	}
	owner.Do("POST", "/api/invites", map[string]any{"email": "new@acme.test", "role": "member"}).Want(409)
	list := owner.Do("GET", "/api/invites", nil).Want(200).JSON()["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["accept_url"] != nil {
		t.Fatalf("pending invites: %v", list)
	}

	// A new link replaces the old one.
	var renewed struct {
		AcceptURL string `json:"accept_url"`
	}
	owner.Do("POST", "/api/invites/"+inv.ID+"/link", nil).Want(200).Decode(&renewed)
	oldToken := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
	token := renewed.AcceptURL[strings.LastIndex(renewed.AcceptURL, "/")+1:]
	anon := env.Anonymous()
	anon.Do("GET", "/api/auth/invites/"+oldToken, nil).Want(404)
	prev := anon.Do("GET", "/api/auth/invites/"+token, nil).Want(200).JSON()
	if prev["company_name"] != "Acme" || prev["email"] != "new@acme.test" {
		t.Fatalf("preview: %v", prev)
	}
	// The preview never says whether the address has an account.
	if _, ok := prev["existing_user"]; ok {
		t.Fatalf("preview tells whether the address has an account: %v", prev)
	}
	anon.Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "", "password": "x"}).Want(422)
	anon.Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "New Person", "password": "long enough pw"}).Want(200)
	anon.Do("GET", "/api/auth/me", nil).Want(200)
	// The link works once.
	env.Anonymous().Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "Again", "password": "long enough pw"}).Want(404)
	if n := len(owner.Do("GET", "/api/users", nil).Want(200).JSON()["items"].([]any)); n != 2 {
		t.Fatalf("users after accept: %d", n)
	}
}

func TestOnePersonSeveralCompanies(t *testing.T) {
	env := apitest.New(t)
	a := env.Signup("Alpha")
	b := env.Signup("Beta")
	// Beta invites Alpha's owner, who accepts while signed in as that address.
	var inv struct {
		AcceptURL string `json:"accept_url"`
	}
	b.Do("POST", "/api/invites", map[string]any{"email": a.Me.User.Email, "role": "member"}).Want(201).Decode(&inv)
	token := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
	// The public accept never checks an existing account's password.
	a.Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "A", "password": "correct horse battery"}).Want(409)
	// Someone signed in as another address cannot use the link.
	b.Do("POST", "/api/auth/invites/"+token+"/join", nil).Want(403)
	a.Do("POST", "/api/auth/invites/"+token+"/join", nil).Want(200)

	me := a.Do("GET", "/api/auth/me", nil).Want(200).JSON()
	if len(me["companies"].([]any)) != 2 || me["company"].(map[string]any)["name"] != "Beta" {
		t.Fatalf("me: %v", me)
	}
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "In Beta"}).Want(201)
	a.Do("POST", "/api/auth/switch-company", map[string]any{"company_id": a.Me.Company.ID}).Want(200)
	if items := a.Do("GET", "/api/contacts", nil).Want(200).JSON()["items"].([]any); len(items) != 0 {
		t.Fatalf("Alpha sees Beta's contact: %v", items)
	}
	// A company the person does not belong to is not found.
	c := env.Signup("Gamma")
	a.Do("POST", "/api/auth/switch-company", map[string]any{"company_id": c.Me.Company.ID}).Want(404)
	a.Do("POST", "/api/auth/switch-company", map[string]any{"company_id": "not-a-uuid"}).Want(404)
}

func TestAPITokens(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	var tok struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	owner.Do("POST", "/api/api-tokens", map[string]any{"name": "Zapier"}).Want(201).Decode(&tok)
	api := env.Anonymous()
	api.Bearer = tok.Token
	api.Do("POST", "/api/contacts", map[string]any{"first_name": "Via token"}).Want(201)
	items := owner.Do("GET", "/api/api-tokens", nil).Want(200).JSON()["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["token"] != nil || items[0].(map[string]any)["last_used_at"] == nil {
		t.Fatalf("token list: %v", items)
	}
	owner.Do("DELETE", "/api/api-tokens/"+tok.ID, nil).Want(204)
	api.Do("GET", "/api/contacts", nil).Want(401)
	api.Bearer = "crm_forged"
	api.Do("GET", "/api/contacts", nil).Want(401)
	api.Bearer = ""
	api.Header.Set("Authorization", "Basic abc")
	api.Do("GET", "/api/contacts", nil).Want(401)
}

func TestCrossSiteRequestsRefused(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	owner.Header.Set("Sec-Fetch-Site", "cross-site")
	owner.Do("POST", "/api/contacts", map[string]any{"first_name": "Forged"}).Want(http.StatusForbidden)
	owner.Header.Del("Sec-Fetch-Site")
	owner.Header.Set("Origin", "https://evil.example")
	owner.Do("DELETE", "/api/contacts/00000000-0000-0000-0000-000000000000", nil).Want(http.StatusForbidden)
	owner.Header.Del("Origin")
	if n := len(owner.Do("GET", "/api/contacts", nil).Want(200).JSON()["items"].([]any)); n != 0 {
		t.Fatalf("cross-site request wrote %d contacts", n)
	}
}

func TestBodyLimit(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	big := `{"first_name":"` + strings.Repeat("a", 2<<20) + `"}`
	owner.Do("POST", "/api/contacts", big).Want(413)
}

func TestSecurityHeadersAndTrailingSlash(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	res := owner.Do("GET", "/api/contacts/", nil).Want(200)
	for _, h := range []string{"X-Content-Type-Options", "Content-Security-Policy", "X-Frame-Options", "X-Request-Id"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	env.Anonymous().Do("GET", "/healthz", nil).Want(200)
	env.Anonymous().Do("GET", "/readyz", nil).Want(200)
	env.Anonymous().Do("GET", "/api/openapi.json", nil).Want(200)
	m := env.Anonymous().Do("GET", "/metrics", nil).Want(200)
	if !strings.Contains(string(m.Body), "crm_http_requests_total") {
		t.Error("metrics lack crm_http_requests_total")
	}
}
