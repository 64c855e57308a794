// Package twiliofake is a fake Twilio REST API for tests, served over real
// HTTP in the test process: the server's twilio-go client is pointed at it
// (CRM_TWILIO_API_URL). It checks each request's account and token like
// Twilio, records messages and calls, and signs webhooks the way Twilio
// does, with its own implementation of the signature.
package twiliofake

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sent is one message or call the fake was asked for.
type Sent struct {
	SID            string
	Account        string
	From, To, Body string
	URL            string // calls: where Twilio fetches TwiML once answered
	StatusCallback string
	At             time.Time
}

// Server is the fake.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	accounts map[string]string   // sid → token
	numbers  map[string][]string // sid → the E.164 numbers it owns
	messages []Sent
	calls    []Sent
	// RefuseTo makes sends to a number fail with a Twilio error code.
	refuse map[string]int
	// unavailable answers this many message requests with 503.
	unavailable int
	lookups     int
}

// Unavailable makes the next n message sends fail with 503, as Twilio does
// when it is overloaded.
func (s *Server) Unavailable(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unavailable = n
}

// New starts a fake, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{accounts: map[string]string{}, numbers: map[string][]string{}, refuse: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2010-04-01/Accounts/{sid}", s.account)
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", s.message)
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Calls.json", s.call)
	mux.HandleFunc("GET /2010-04-01/Accounts/{sid}/Recordings/{rid}", s.recording)
	mux.HandleFunc("GET /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json", s.incomingNumbers)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// NewAccount registers an account owning numbers (E.164) and returns its
// SID and auth token.
func (s *Server) NewAccount(numbers ...string) (sid, token string) {
	sid, token = "AC"+randomHex(16), randomHex(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[sid] = token
	s.numbers[sid] = append([]string(nil), numbers...)
	return sid, token
}

// Own moves numbers to the account sid, as buying or porting them would: a
// Twilio number is in one account at a time.
func (s *Server) Own(sid string, numbers ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range numbers {
		for acct, owned := range s.numbers {
			s.numbers[acct] = slices.DeleteFunc(owned, func(o string) bool { return o == n })
		}
		s.numbers[sid] = append(s.numbers[sid], n)
	}
}

// NumberLookups counts the IncomingPhoneNumbers requests so far.
func (s *Server) NumberLookups() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookups
}

// RefuseTo makes every send to number fail with Twilio error code.
func (s *Server) RefuseTo(number string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[number] = code
}

// Messages returns the messages sent so far.
func (s *Server) Messages() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.messages...)
}

// Calls returns the calls placed so far.
func (s *Server) Calls() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.calls...)
}

// authorized checks basic auth against the path's account, as Twilio does.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request) (string, bool) {
	sid := strings.TrimSuffix(r.PathValue("sid"), ".json")
	user, pass, ok := r.BasicAuth()
	s.mu.Lock()
	token, known := s.accounts[sid]
	s.mu.Unlock()
	if !ok || !known || user != sid || pass != token {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"code": 20003, "message": "Authenticate", "status": 401,
			"more_info": "https://www.twilio.com/docs/errors/20003"})
		return "", false
	}
	return sid, true
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	sid, ok := s.authorized(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sid": sid, "status": "active", "friendly_name": "Fake account", "type": "Full"})
}

func (s *Server) message(w http.ResponseWriter, r *http.Request) {
	sid, ok := s.authorized(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 20001, "message": "bad form", "status": 400})
		return
	}
	s.mu.Lock()
	down := s.unavailable > 0
	if down {
		s.unavailable--
	}
	s.mu.Unlock()
	if down {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"code": 20503, "message": "Service unavailable", "status": 503})
		return
	}
	m := Sent{SID: "SM" + randomHex(16), Account: sid, From: r.PostForm.Get("From"), To: r.PostForm.Get("To"),
		Body: r.PostForm.Get("Body"), StatusCallback: r.PostForm.Get("StatusCallback"), At: time.Now()}
	s.mu.Lock()
	code := s.refuse[m.To]
	if code == 0 {
		s.messages = append(s.messages, m)
	}
	s.mu.Unlock()
	if code != 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": code, "message": "The 'To' number " + m.To + " is not a valid phone number.",
			"status": 400, "more_info": "https://www.twilio.com/docs/errors/21211"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"sid": m.SID, "account_sid": sid, "status": "queued", "from": m.From,
		"to": m.To, "body": m.Body, "num_segments": "1", "direction": "outbound-api"})
}

func (s *Server) call(w http.ResponseWriter, r *http.Request) {
	sid, ok := s.authorized(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 20001, "message": "bad form", "status": 400})
		return
	}
	c := Sent{SID: "CA" + randomHex(16), Account: sid, From: r.PostForm.Get("From"), To: r.PostForm.Get("To"),
		URL: r.PostForm.Get("Url"), StatusCallback: r.PostForm.Get("StatusCallback"), At: time.Now()}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"sid": c.SID, "account_sid": sid, "status": "queued", "from": c.From,
		"to": c.To, "direction": "outbound-api"})
}

// incomingNumbers lists the account's numbers whose digits contain the
// PhoneNumber filter, as Twilio matches partial numbers.
func (s *Server) incomingNumbers(w http.ResponseWriter, r *http.Request) {
	sid, ok := s.authorized(w, r)
	if !ok {
		return
	}
	digits := func(v string) string {
		return strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return c
			}
			return -1
		}, v)
	}
	filter := digits(r.URL.Query().Get("PhoneNumber"))
	s.mu.Lock()
	s.lookups++
	owned := append([]string(nil), s.numbers[sid]...)
	s.mu.Unlock()
	list := []map[string]any{}
	for _, n := range owned {
		if strings.Contains(digits(n), filter) {
			list = append(list, map[string]any{"sid": "PN" + randomHex(16), "account_sid": sid, "phone_number": n,
				"friendly_name": n, "capabilities": map[string]bool{"sms": true, "voice": true, "mms": true}})
		}
	}
	uri := r.URL.RequestURI()
	writeJSON(w, http.StatusOK, map[string]any{"incoming_phone_numbers": list, "page": 0, "page_size": 50, "start": 0,
		"end": max(len(list)-1, 0), "uri": uri, "first_page_uri": uri, "next_page_uri": nil, "previous_page_uri": nil})
}

// RecordingURL is where the fake serves a recording, as Twilio's
// RecordingUrl would say.
func (s *Server) RecordingURL(account, recordingSID string) string {
	return s.URL + "/2010-04-01/Accounts/" + account + "/Recordings/" + recordingSID
}

func (s *Server) recording(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorized(w, r); !ok {
		return
	}
	w.Header().Set("Content-Type", "audio/x-wav")
	_, _ = w.Write([]byte("RIFF fake recording " + r.PathValue("rid")))
}

// Sign computes X-Twilio-Signature: base64 of HMAC-SHA1, keyed with the
// auth token, over the URL followed by each parameter's name and value in
// name order.
func Sign(token, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Webhook posts a form to the server as Twilio would, signed with token
// over signURL (the public URL plus path and query); postURL is where the
// request actually goes.
func Webhook(postURL, signURL, token string, form url.Values) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodPost, postURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	if token != "" {
		req.Header.Set("X-Twilio-Signature", Sign(token, signURL, form))
	}
	return http.DefaultClient.Do(req)
}

// SID returns a Twilio-looking id with the given two-letter prefix.
func SID(prefix string) string { return prefix + randomHex(16) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
