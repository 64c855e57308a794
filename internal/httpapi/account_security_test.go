package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/salescrm/crm/internal/apitest"
	"github.com/salescrm/crm/internal/auth"
)

const pw = "correct horse battery"

func login(c *apitest.Client, email, password string, code ...string) *apitest.Response {
	body := map[string]any{"email": email, "password": password}
	if len(code) > 0 {
		body["code"] = code[0]
	}
	return c.Do("POST", "/api/auth/login", body)
}

// Concurrent wrong guesses see each other: with an allowance of 5 per email
// and address, 30 parallel wrong logins let at most 5 reach the password
// check; the rest are 429 without it. (Counting before recording let them
// all through.)
func TestConcurrentWrongLoginsNeverPassTheAllowance(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			res := login(env.Anonymous(), owner.Me.User.Email, "wrong password")
			mu.Lock()
			statuses[res.Status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[401] > auth.DefaultThrottle.PerEmailAddress || statuses[401]+statuses[429] != 30 {
		t.Fatalf("statuses of 30 parallel wrong logins: %v (allowance %d)", statuses, auth.DefaultThrottle.PerEmailAddress)
	}
	// The right password from that address now waits too.
	login(env.Anonymous(), owner.Me.User.Email, pw).Want(429)
}

// The throttle cannot be turned against a person: failing logins for their
// email from many addresses locks out new browsers, never the browser they
// signed in with before; failing many emails from one address does not lock
// out people at that address whose browser signed in before.
func TestThrottleCannotLockAPersonOut(t *testing.T) {
	limits := auth.DefaultThrottle
	limits.PerEmailAddress, limits.PerEmail, limits.PerIP = 3, 6, 8
	env := apitest.NewWith(t, apitest.Options{Auth: &auth.Options{Throttle: &limits}})
	owner := env.Signup("Acme")
	email := owner.Me.User.Email

	victim := env.Anonymous().From("203.0.113.7")
	login(victim, email, pw).Want(200)

	for i := range limits.PerEmail + 1 {
		login(env.Anonymous().From(fmt.Sprintf("198.51.100.%d", i+1)), email, "wrong password").Want(401, 429)
	}
	login(env.Anonymous().From("192.0.2.99"), email, pw).Want(429)
	login(victim, email, pw).Want(200)

	// One address guessing at many accounts.
	colleague := env.Signup("Beta")
	office := "192.0.2.50"
	known := env.Anonymous().From(office)
	login(known, colleague.Me.User.Email, pw).Want(200)
	for i := range limits.PerIP + 1 {
		login(env.Anonymous().From(office), fmt.Sprintf("nobody%d@x.test", i), "wrong password").Want(401, 429)
	}
	login(env.Anonymous().From(office), "fresh@x.test", "wrong password").Want(429)
	login(known, colleague.Me.User.Email, pw).Want(200)

	// A device cookie is bound to its email: planted for another, it is ignored.
	login(victim, colleague.Me.User.Email, "wrong password").Want(401)
}

func TestSignupIsRateLimitedPerAddress(t *testing.T) {
	limits := auth.DefaultThrottle
	limits.SignupsPerIP = 3
	env := apitest.NewWith(t, apitest.Options{Auth: &auth.Options{Throttle: &limits}})
	signup := func(ip string, n int) *apitest.Response {
		return env.Anonymous().From(ip).Do("POST", "/api/auth/signup", map[string]any{"company_name": "Co", "name": "N",
			"email": fmt.Sprintf("s%d-%s@x.test", n, strings.ReplaceAll(ip, ".", "-")), "password": pw})
	}
	for i := range 3 {
		signup("192.0.2.1", i).Want(201)
	}
	res := signup("192.0.2.1", 3).Want(429)
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	signup("192.0.2.2", 0).Want(201)
}

// The invite link cannot check an existing account's password: anyone can
// invite anyone's address to a company of their own.
func TestInviteAcceptNeverChecksAPassword(t *testing.T) {
	env := apitest.New(t)
	victim := env.Signup("Victim Co")
	attacker := env.Signup("Attacker Co")
	var inv struct {
		AcceptURL string `json:"accept_url"`
	}
	attacker.Do("POST", "/api/invites", map[string]any{"email": victim.Me.User.Email, "role": "member"}).Want(201).Decode(&inv)
	token := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
	anon := env.Anonymous()
	prev := anon.Do("GET", "/api/auth/invites/"+token, nil).Want(200).JSON()
	if _, ok := prev["existing_user"]; ok {
		t.Fatalf("preview says whether the address has an account: %v", prev)
	}
	wrong := anon.Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "x", "password": "wrong password"}).Want(409)
	right := anon.Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "x", "password": pw}).Want(409)
	if string(wrong.Body) != string(right.Body) {
		t.Fatalf("right and wrong passwords answer differently:\n%s\n%s", wrong.Body, right.Body)
	}
	anon.Do("GET", "/api/auth/me", nil).Want(401)
	if n := len(victim.Do("GET", "/api/auth/me", nil).Want(200).JSON()["companies"].([]any)); n != 1 {
		t.Fatalf("the victim now has %d companies", n)
	}
	// Only the victim, signed in, can take it.
	attacker.Do("POST", "/api/auth/invites/"+token+"/join", nil).Want(403)
	victim.Do("POST", "/api/auth/invites/"+token+"/join", nil).Want(200)
}

// Nobody creates, renews, revokes or accepts an invite above their own role.
func TestInviteRolesAreCheckedOnEveryOperation(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	admin := owner.Invite("admin@acme.test", "admin")
	var inv struct {
		ID        string `json:"id"`
		AcceptURL string `json:"accept_url"`
	}
	owner.Do("POST", "/api/invites", map[string]any{"email": "new-owner@acme.test", "role": "owner"}).Want(201).Decode(&inv)
	admin.Do("POST", "/api/invites/"+inv.ID+"/link", nil).Want(403)
	admin.Do("DELETE", "/api/invites/"+inv.ID, nil).Want(403)
	admin.Do("POST", "/api/invites", map[string]any{"email": "o2@acme.test", "role": "owner"}).Want(403)
	// The owner's link still works after the refused renewal.
	token := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
	env.Anonymous().Do("GET", "/api/auth/invites/"+token, nil).Want(200)

	// An invite outlives its inviter's role only as a dead link.
	second := owner.Invite("second@acme.test", "owner")
	var inv2 struct {
		AcceptURL string `json:"accept_url"`
	}
	second.Do("POST", "/api/invites", map[string]any{"email": "via-second@acme.test", "role": "owner"}).Want(201).Decode(&inv2)
	owner.Do("PATCH", "/api/users/"+second.Me.User.ID.String(), map[string]any{"role": "admin"}).Want(200)
	token2 := inv2.AcceptURL[strings.LastIndex(inv2.AcceptURL, "/")+1:]
	env.Anonymous().Do("GET", "/api/auth/invites/"+token2, nil).Want(404)
	env.Anonymous().Do("POST", "/api/auth/invites/"+token2+"/accept", map[string]any{"name": "X", "password": pw}).Want(404)

	// Removing a member revokes the invites they made.
	var inv3 struct {
		AcceptURL string `json:"accept_url"`
	}
	admin.Do("POST", "/api/invites", map[string]any{"email": "by-admin@acme.test", "role": "member"}).Want(201).Decode(&inv3)
	owner.Do("DELETE", "/api/users/"+admin.Me.User.ID.String(), nil).Want(204)
	token3 := inv3.AcceptURL[strings.LastIndex(inv3.AcceptURL, "/")+1:]
	env.Anonymous().Do("GET", "/api/auth/invites/"+token3, nil).Want(404)
	for _, i := range owner.Do("GET", "/api/invites", nil).Want(200).JSON()["items"].([]any) {
		if i.(map[string]any)["email"] == "by-admin@acme.test" {
			t.Fatal("the removed admin's invite is still pending")
		}
	}
}

// Two owners demoting each other at the same moment never leave the
// company without an owner.
func TestOwnersDemotingEachOtherAlwaysLeaveAnOwner(t *testing.T) {
	env := apitest.New(t)
	one := env.Signup("Acme")
	two := one.Invite("two@acme.test", "owner")
	for round := range 25 {
		var wg sync.WaitGroup
		wg.Go(func() {
			one.Do("PATCH", "/api/users/"+two.Me.User.ID.String(), map[string]any{"role": "admin"}).Want(200, 403, 409)
		})
		wg.Go(func() {
			two.Do("PATCH", "/api/users/"+one.Me.User.ID.String(), map[string]any{"role": "admin"}).Want(200, 403, 409)
		})
		wg.Wait()
		owners := map[string]bool{}
		for _, m := range one.Do("GET", "/api/users", nil).Want(200).JSON()["items"].([]any) {
			if m.(map[string]any)["role"] == "owner" {
				owners[m.(map[string]any)["id"].(string)] = true
			}
		}
		if len(owners) != 1 {
			t.Fatalf("round %d: %d owners after both demoted each other", round, len(owners))
		}
		// The remaining owner makes the other an owner again.
		if owners[one.Me.User.ID.String()] {
			one.Do("PATCH", "/api/users/"+two.Me.User.ID.String(), map[string]any{"role": "owner"}).Want(200)
		} else {
			two.Do("PATCH", "/api/users/"+one.Me.User.ID.String(), map[string]any{"role": "owner"}).Want(200)
		}
	}
}

func TestChangePasswordEndsEverythingElse(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	other := env.Anonymous()
	login(other, owner.Me.User.Email, pw).Want(200)
	token := owner.Token()
	token.Do("GET", "/api/contacts", nil).Want(200)

	token.Do("POST", "/api/auth/password", map[string]any{"current_password": pw, "new_password": "a brand new one"}).Want(403)
	p := owner.Do("POST", "/api/auth/password", map[string]any{"current_password": "wrong", "new_password": "a brand new one"}).Want(422).Problem()
	if !p.HasFieldError("body.current_password") {
		t.Fatalf("wrong current password: %+v", p)
	}
	p = owner.Do("POST", "/api/auth/password", map[string]any{"current_password": pw, "new_password": "short"}).Want(422).Problem()
	if !p.HasFieldError("body.new_password") {
		t.Fatalf("short new password: %+v", p)
	}
	other.Do("GET", "/api/auth/me", nil).Want(200) // nothing changed yet
	owner.Do("POST", "/api/auth/password", map[string]any{"current_password": pw, "new_password": "a brand new one"}).Want(204)
	owner.Do("GET", "/api/auth/me", nil).Want(200)
	other.Do("GET", "/api/auth/me", nil).Want(401)
	token.Do("GET", "/api/contacts", nil).Want(401)
	login(env.Anonymous(), owner.Me.User.Email, pw).Want(401)
	login(env.Anonymous(), owner.Me.User.Email, "a brand new one").Want(200)
}

func TestSessionsCanBeListedAndEnded(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	laptop := env.Anonymous().From("203.0.113.9")
	laptop.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0")
	login(laptop, owner.Me.User.Email, pw).Want(200)
	var list struct {
		Items []auth.Session `json:"items"`
	}
	owner.Do("GET", "/api/auth/sessions", nil).Want(200).Decode(&list)
	if len(list.Items) != 2 {
		t.Fatalf("sessions: %+v", list.Items)
	}
	var laptopID string
	current := 0
	for _, s := range list.Items {
		if s.Current {
			current++
		}
		if s.Device == "Firefox on Windows" && s.IP == "203.0.113.9" {
			laptopID = s.ID.String()
		}
	}
	if current != 1 || laptopID == "" {
		t.Fatalf("sessions: %+v", list.Items)
	}
	// Another person's session is not found; ending one's own works.
	stranger := env.Signup("Other")
	stranger.Do("DELETE", "/api/auth/sessions/"+laptopID, nil).Want(404)
	laptop.Do("GET", "/api/auth/me", nil).Want(200)
	owner.Do("DELETE", "/api/auth/sessions/"+laptopID, nil).Want(204)
	laptop.Do("GET", "/api/auth/me", nil).Want(401)

	// Sign out everywhere else.
	login(laptop, owner.Me.User.Email, pw).Want(200)
	if n := owner.Do("POST", "/api/auth/sessions/end-others", nil).Want(200).JSON()["ended"]; n != float64(1) {
		t.Fatalf("ended %v", n)
	}
	laptop.Do("GET", "/api/auth/me", nil).Want(401)
	owner.Do("GET", "/api/auth/me", nil).Want(200)

	// A session ends 30 days after sign-in however busy it is.
	ownerExec(t, env, `UPDATE sessions SET created_at = now() - interval '31 days' WHERE user_id = $1`, owner.Me.User.ID)
	owner.Do("GET", "/api/auth/me", nil).Want(401)
}

func TestAPITokensExpireAndCannotMintTokens(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	owner.Do("POST", "/api/api-tokens", map[string]any{"name": "x", "expires_in_days": 0}).Want(422).Problem()
	var tok struct {
		ID        string     `json:"id"`
		Token     string     `json:"token"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	owner.Do("POST", "/api/api-tokens", map[string]any{"name": "CI", "expires_in_days": 30}).Want(201).Decode(&tok)
	if tok.ExpiresAt == nil || time.Until(*tok.ExpiresAt) < 29*24*time.Hour {
		t.Fatalf("expires_at %v", tok.ExpiresAt)
	}
	api := env.Anonymous()
	api.Bearer = tok.Token
	api.Do("GET", "/api/contacts", nil).Want(200)
	api.Do("POST", "/api/api-tokens", map[string]any{"name": "minted"}).Want(403)
	if n := len(owner.Do("GET", "/api/api-tokens", nil).Want(200).JSON()["items"].([]any)); n != 1 {
		t.Fatalf("%d tokens after a token tried to mint one", n)
	}
	ownerExec(t, env, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, tok.ID)
	api.Do("GET", "/api/contacts", nil).Want(401)
}

func TestTwoStepSignIn(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("m@acme.test", "member")
	email := owner.Me.User.Email

	var setup auth.TwoFactorSetup
	owner.Do("POST", "/api/auth/two-factor/setup", nil).Want(200).Decode(&setup)
	if setup.Secret == "" || !strings.HasPrefix(setup.QRCode, "data:image/png;base64,") || !strings.Contains(setup.OTPAuthURL, "otpauth://totp/") {
		t.Fatalf("setup: %+v", setup)
	}
	// Not on until a code confirms it.
	login(env.Anonymous(), email, pw).Want(200)
	owner.Do("POST", "/api/auth/two-factor/enable", map[string]any{"code": "000000"}).Want(422)
	code, _ := totp.GenerateCode(setup.Secret, time.Now())
	var rc auth.RecoveryCodes
	owner.Do("POST", "/api/auth/two-factor/enable", map[string]any{"code": code}).Want(200).Decode(&rc)
	if len(rc.Codes) != 10 {
		t.Fatalf("recovery codes: %v", rc.Codes)
	}

	p := login(env.Anonymous(), email, pw).Want(401).Problem()
	if !p.HasFieldError("body.code") {
		t.Fatalf("login without the code: %+v", p)
	}
	login(env.Anonymous(), email, "wrong password", code).Want(401)
	login(env.Anonymous(), email, pw, "123456").Want(401)
	login(env.Anonymous(), email, pw, code).Want(200)
	// A recovery code works once.
	login(env.Anonymous(), email, pw, strings.ToUpper(rc.Codes[0])).Want(200)
	login(env.Anonymous(), email, pw, rc.Codes[0]).Want(401)
	if me := owner.Do("GET", "/api/auth/me", nil).Want(200).JSON(); me["user"].(map[string]any)["two_factor"] != true {
		t.Fatalf("me: %v", me)
	}

	// Owners require it; a member without it reaches only the setup.
	admin := owner.Invite("a@acme.test", "admin")
	admin.Do("PATCH", "/api/company", map[string]any{"require_two_factor": true}).Want(403)
	owner.Do("PATCH", "/api/company", map[string]any{"require_two_factor": true}).Want(200)
	member.Do("GET", "/api/contacts", nil).Want(403)
	if me := member.Do("GET", "/api/auth/me", nil).Want(200).JSON(); me["two_factor_setup_required"] != true {
		t.Fatalf("member's me: %v", me)
	}
	var ms auth.TwoFactorSetup
	member.Do("POST", "/api/auth/two-factor/setup", nil).Want(200).Decode(&ms)
	mcode, _ := totp.GenerateCode(ms.Secret, time.Now())
	member.Do("POST", "/api/auth/two-factor/enable", map[string]any{"code": mcode}).Want(200)
	member.Do("GET", "/api/contacts", nil).Want(200)
	// While required, it stays on.
	member.Do("POST", "/api/auth/two-factor/disable", map[string]any{"password": pw}).Want(409)
	owner.Do("PATCH", "/api/company", map[string]any{"require_two_factor": false}).Want(200)
	member.Do("POST", "/api/auth/two-factor/disable", map[string]any{"password": "wrong"}).Want(422)
	member.Do("POST", "/api/auth/two-factor/disable", map[string]any{"password": pw}).Want(204)
	login(env.Anonymous(), "m@acme.test", pw).Want(200)

	// Wrong codes are throttled like passwords (three were wrong above:
	// 000000 at setup, 123456, the used recovery code).
	for range auth.DefaultThrottle.PerCode - 3 {
		login(env.Anonymous(), email, pw, "111111").Want(401)
	}
	login(env.Anonymous(), email, pw, "111111").Want(429)
}

// No invite token, session token, API token or password reaches a log line,
// whatever route carries it.
func TestLogsCarryNoSecrets(t *testing.T) {
	var buf safeBuffer
	env := apitest.NewWith(t, apitest.Options{Log: &buf, Level: -4})
	owner := env.Signup("Acme")
	var inv struct {
		ID        string `json:"id"`
		AcceptURL string `json:"accept_url"`
	}
	owner.Do("POST", "/api/invites", map[string]any{"email": "new@acme.test", "role": "member"}).Want(201).Decode(&inv)
	var renewed struct {
		AcceptURL string `json:"accept_url"`
	}
	owner.Do("POST", "/api/invites/"+inv.ID+"/link", nil).Want(200).Decode(&renewed)
	token := renewed.AcceptURL[strings.LastIndex(renewed.AcceptURL, "/")+1:]
	anon := env.Anonymous()
	anon.Do("GET", "/invite/"+token, nil)
	anon.Do("GET", "/api/auth/invites/"+token, nil).Want(200)
	anon.Do("POST", "/api/auth/invites/"+token+"/accept", map[string]any{"name": "New", "password": "secret-new-password"}).Want(200)
	login(env.Anonymous(), owner.Me.User.Email, "wrong-guess-password").Want(401)
	api := owner.Token()
	api.Do("GET", "/api/contacts", nil).Want(200)
	req, _ := http.NewRequest("GET", env.Srv.URL, nil)
	var session string
	for _, c := range owner.Jar().Cookies(req.URL) {
		if c.Name == auth.SessionCookie {
			session = c.Value
		}
	}
	logs := buf.String()
	if !strings.Contains(logs, `"route":"/api/auth/invites/{token}"`) {
		t.Fatalf("the request lines are not in the captured log:\n%s", logs)
	}
	for name, secret := range map[string]string{"invite token": token, "first invite token": inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:],
		"password": "secret-new-password", "wrong password": "wrong-guess-password", "signup password": pw,
		"API token": api.Bearer, "session token": session} {
		if secret == "" {
			t.Fatalf("%s not captured by the test", name)
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the %s is in the log", name)
		}
	}
}

type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A client cannot grow /metrics with methods of its own making.
func TestMetricsLabelsAreBounded(t *testing.T) {
	env := apitest.New(t)
	req, _ := http.NewRequest("BREW", env.Srv.URL+"/api/contacts", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	m := string(env.Anonymous().Do("GET", "/metrics", nil).Want(200).Body)
	if strings.Contains(m, "BREW") || !strings.Contains(m, `method="OTHER"`) {
		t.Fatalf("metrics:\n%s", m)
	}
}

// Wrong invite links, session cookies and API tokens are counted per
// address; past the allowance the answer is 429, the same for each kind.
func TestWrongSecretsAreThrottledPerAddress(t *testing.T) {
	limits := auth.DefaultThrottle
	limits.BadSecretsPerIP = 4
	env := apitest.NewWith(t, apitest.Options{Auth: &auth.Options{Throttle: &limits}})
	owner := env.Signup("Acme")
	guesser := env.Anonymous().From("198.51.100.1")
	guesser.Do("GET", "/api/auth/invites/not-a-real-link", nil).Want(404)
	guesser.Do("POST", "/api/auth/invites/not-a-real-link/accept", map[string]any{"name": "x", "password": pw}).Want(404)
	guesser.Bearer = "crm_not_a_token"
	guesser.Do("GET", "/api/contacts", nil).Want(401)
	guesser.Bearer = ""
	guesser.Header.Set("Cookie", auth.SessionCookie+"=forged")
	guesser.Do("GET", "/api/contacts", nil).Want(401)
	guesser.Do("GET", "/api/contacts", nil).Want(429)
	guesser.Header.Del("Cookie")
	guesser.Do("GET", "/api/auth/invites/not-a-real-link", nil).Want(429)
	// Right secrets from elsewhere are untouched, and cost no throttle writes.
	for range 10 {
		owner.Do("GET", "/api/contacts", nil).Want(200)
	}
}

// Team changes are in the company's own audit trail, readable by its admins;
// a person's own sign-in changes are not, and nothing crosses companies.
func TestTeamChangesAreInTheCompanysAuditTrail(t *testing.T) {
	env := apitest.New(t)
	owner := env.Signup("Acme")
	member := owner.Invite("m@acme.test", "member")
	owner.Do("PATCH", "/api/users/"+member.Me.User.ID.String(), map[string]any{"role": "admin"}).Want(200)
	owner.Do("POST", "/api/api-tokens", map[string]any{"name": "Zapier"}).Want(201)
	owner.Do("POST", "/api/auth/password", map[string]any{"current_password": pw, "new_password": "another long one"}).Want(204)
	owner.Do("DELETE", "/api/users/"+member.Me.User.ID.String(), nil).Want(204)
	var trail struct {
		Items []struct {
			Action    string         `json:"action"`
			ActorName string         `json:"actor_name"`
			Detail    map[string]any `json:"detail"`
		} `json:"items"`
	}
	owner.Do("GET", "/api/audit-events", nil).Want(200).Decode(&trail)
	seen := map[string]map[string]any{}
	for _, e := range trail.Items {
		seen[e.Action] = e.Detail
		if e.ActorName == "" {
			t.Errorf("%s without who did it", e.Action)
		}
	}
	for _, want := range []string{"company.signup", "invite.create", "invite.accept", "member.role", "api_token.create", "member.remove"} {
		if seen[want] == nil {
			t.Errorf("the trail lacks %s: %v", want, seen)
		}
	}
	if seen["member.role"]["email"] != "m@acme.test" || seen["member.role"]["to"] != "admin" {
		t.Errorf("member.role detail: %v", seen["member.role"])
	}
	if seen["password.change"] != nil {
		t.Error("a person's password change is in the company's trail")
	}
	other := env.Signup("Other")
	other.Do("GET", "/api/audit-events", nil).Want(200).Decode(&trail)
	for _, e := range trail.Items {
		if e.Action != "company.signup" {
			t.Errorf("another company sees %s", e.Action)
		}
	}
}
