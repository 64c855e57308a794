package calls

import (
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db/dbq"
)

// Call is one phone call through a company number.
type Call struct {
	ID                uuid.UUID  `json:"id" format:"uuid"`
	Direction         string     `json:"direction" enum:"inbound,outbound"`
	Status            string     `json:"status" enum:"queued,initiated,ringing,in-progress,completed,busy,no-answer,failed,canceled"`
	From              string     `json:"from"`
	To                string     `json:"to" doc:"For click-to-call, the contact's number."`
	ContactID         *uuid.UUID `json:"contact_id" nullable:"true" format:"uuid"`
	ContactName       string     `json:"contact_name"`
	UserID            *uuid.UUID `json:"user_id" nullable:"true" format:"uuid" doc:"The member who called, or whom an inbound call rang."`
	UserName          string     `json:"user_name"`
	PhoneNumberID     *uuid.UUID `json:"phone_number_id" nullable:"true" format:"uuid"`
	AnsweredBy        string     `json:"answered_by" enum:",user,voicemail" doc:"Inbound calls: the member, or voicemail."`
	DurationSeconds   int        `json:"duration_seconds"`
	HasRecording      bool       `json:"has_recording"`
	RecordingDuration int        `json:"recording_duration"`
	Notes             string     `json:"notes"`
	ActivityID        *uuid.UUID `json:"activity_id" nullable:"true" format:"uuid" doc:"The call activity on the contact's timeline that holds the notes."`
	Simulated         bool       `json:"simulated"`
	StartedAt         *time.Time `json:"started_at" nullable:"true"`
	EndedAt           *time.Time `json:"ended_at" nullable:"true"`
	CreatedAt         time.Time  `json:"created_at"`
}

func fromRow(r dbq.GetCallsByIDsRow) Call {
	return Call{ID: r.ID, Direction: r.Direction, Status: r.Status, From: r.FromNumber, To: r.ToNumber, ContactID: r.ContactID,
		ContactName: r.ContactName, UserID: r.UserID, UserName: r.UserName, PhoneNumberID: r.PhoneNumberID, AnsweredBy: r.AnsweredBy,
		DurationSeconds: int(r.DurationSeconds), HasRecording: r.RecordingUrl != "", RecordingDuration: int(r.RecordingDuration),
		Notes: r.Notes, ActivityID: r.ActivityID, Simulated: r.Simulated, StartedAt: r.StartedAt, EndedAt: r.EndedAt, CreatedAt: r.CreatedAt}
}

// Input starts a click-to-call.
type Input struct {
	ContactID    string `json:"contact_id,omitempty" maxLength:"64" doc:"Give contact_id or to."`
	To           string `json:"to,omitempty" maxLength:"40"`
	FromNumberID string `json:"from_number_id,omitempty" maxLength:"64" doc:"The caller ID. Default: the number assigned to the caller, else the company's first."`
}

// Patch changes a call's notes.
type Patch struct {
	Notes string `json:"notes" maxLength:"20000" doc:"Kept on the call and as a call activity on the contact's timeline."`
}

// Filter narrows the call log.
type Filter struct {
	Direction string
	Status    string
	UserID    *uuid.UUID
	ContactID *uuid.UUID
	Since     string // YYYY-MM-DD, company time zone, inclusive
	Until     string // YYYY-MM-DD, inclusive
	Limit     int
	Cursor    string
}

// Page is a page of the call log, newest first.
type Page struct {
	Items      []Call `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// SimulateInput fakes an inbound call in simulator mode.
type SimulateInput struct {
	From       string `json:"from" minLength:"1" maxLength:"40"`
	ToNumberID string `json:"to_number_id" maxLength:"64"`
	Answered   bool   `json:"answered,omitempty" doc:"false: nobody picks up and the caller leaves a voicemail."`
}

// Status order: a callback only ever moves a call forward.
var rank = map[string]int{"queued": 0, "initiated": 1, "ringing": 2, "in-progress": 3,
	"completed": 4, "busy": 4, "no-answer": 4, "failed": 4, "canceled": 4}

func terminal(status string) bool { return rank[status] == 4 }
