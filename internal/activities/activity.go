package activities

import (
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db/dbq"
)

// Activity types. Clients create tasks, notes, calls and meetings; system
// entries are written by the server (a contact merge) and are read-only.
const (
	TypeTask    = "task"
	TypeNote    = "note"
	TypeCall    = "call"
	TypeMeeting = "meeting"
	TypeSystem  = "system"
)

// Limits on an activity's text.
const (
	MaxSubjectLen = 200
	MaxBodyLen    = 20000
)

// doable reports whether an activity of type t can be completed and reopened,
// and so whether it counts as open or done: notes and system entries are
// records, never work to do.
func doable(t string) bool { return t == TypeTask || t == TypeCall || t == TypeMeeting }

// Activity is a task, note, logged call or meeting, optionally linked to a
// contact and a deal.
type Activity struct {
	ID           uuid.UUID  `json:"id" format:"uuid"`
	Type         string     `json:"type" enum:"task,note,call,meeting,system" doc:"system entries are written by the server (such as a contact merge) and cannot be created, changed, completed or reopened."`
	Subject      string     `json:"subject"`
	Body         string     `json:"body"`
	DueAt        *time.Time `json:"due_at" nullable:"true"`
	DoneAt       *time.Time `json:"done_at" nullable:"true" doc:"Set by complete, cleared by reopen; always null for notes."`
	AssigneeID   *uuid.UUID `json:"assignee_id" nullable:"true" format:"uuid" doc:"A member of the company."`
	AssigneeName *string    `json:"assignee_name" nullable:"true" doc:"The assignee's name; null when there is no assignee."`
	ContactID    *uuid.UUID `json:"contact_id" nullable:"true" format:"uuid"`
	ContactName  *string    `json:"contact_name" nullable:"true" doc:"The contact's name (or email or phone when it has no name); null when there is no contact."`
	DealID       *uuid.UUID `json:"deal_id" nullable:"true" format:"uuid"`
	DealTitle    *string    `json:"deal_title" nullable:"true" doc:"Null when there is no deal."`
	CreatedBy    *uuid.UUID `json:"created_by" nullable:"true" format:"uuid" doc:"The member who created it; null once they have left the company."`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Input creates an activity.
type Input struct {
	Type       string  `json:"type" enum:"task,note,call,meeting"`
	Subject    string  `json:"subject" minLength:"1" maxLength:"200"`
	Body       string  `json:"body,omitempty" maxLength:"20000"`
	DueAt      string  `json:"due_at,omitempty" maxLength:"64" doc:"RFC 3339 date-time, such as 2025-03-01T09:00:00+01:00; empty for none."`
	AssigneeID *string `json:"assignee_id,omitempty" maxLength:"64" doc:"User id of a member. Absent: the caller for a task, nobody otherwise. Empty: nobody."`
	ContactID  string  `json:"contact_id,omitempty" maxLength:"64" doc:"A contact of the company; empty for none."`
	DealID     string  `json:"deal_id,omitempty" maxLength:"64" doc:"A deal of the company; empty for none."`
	Done       bool    `json:"done,omitempty" doc:"Record it as already done (done_at is now): a call that happened, a meeting held, a task finished. Tasks, calls and meetings only."`
}

// Patch changes an activity; absent fields stay as they are, and an empty
// string clears due_at, assignee_id, contact_id or deal_id.
type Patch struct {
	Type       *string `json:"type,omitempty" enum:"task,note,call,meeting" doc:"Changing a task, call or meeting into a note clears its done time."`
	Subject    *string `json:"subject,omitempty" minLength:"1" maxLength:"200"`
	Body       *string `json:"body,omitempty" maxLength:"20000"`
	DueAt      *string `json:"due_at,omitempty" maxLength:"64" doc:"RFC 3339 date-time; empty clears it."`
	AssigneeID *string `json:"assignee_id,omitempty" maxLength:"64" doc:"User id of a member; empty clears it."`
	ContactID  *string `json:"contact_id,omitempty" maxLength:"64" doc:"Empty clears it."`
	DealID     *string `json:"deal_id,omitempty" maxLength:"64" doc:"Empty clears it."`
}

// Filter selects and orders a page of activities.
type Filter struct {
	Type       string
	AssigneeID *uuid.UUID
	ContactID  *uuid.UUID
	DealID     *uuid.UUID
	Status     string // open, done
	Due        string // overdue, today, upcoming
	Sort       string // due_at, created_at; empty picks due_at for open or due-filtered lists
	Limit      int
	Cursor     string
	// Viewer is who asks: "today" and "overdue" are days in their time zone.
	Viewer uuid.UUID
}

// Page is one page of activities.
type Page struct {
	Items      []Activity `json:"items"`
	NextCursor string     `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

// MyTasks are the caller's open tasks by when they are due, in the
// caller's time zone (their own, or the company's). Each bucket holds at
// most MyTasksLimit tasks.
type MyTasks struct {
	Timezone  string     `json:"timezone" doc:"The caller's time zone (their own, or else the company's), which defines today."`
	Date      string     `json:"date" doc:"Today's date in that time zone (YYYY-MM-DD)."`
	Overdue   []Activity `json:"overdue" doc:"Due before today, most overdue first."`
	Today     []Activity `json:"today" doc:"Due today (earlier today included), soonest first."`
	Upcoming  []Activity `json:"upcoming" doc:"Due tomorrow or later, soonest first."`
	NoDueDate []Activity `json:"no_due_date" doc:"Without a due time, oldest first."`
}

// MyTasksLimit bounds each bucket of MyTasks (the query says 100 too).
const MyTasksLimit = 100

// Timeline item kinds.
const (
	KindActivity    = "activity"
	KindStageChange = "stage_change"
	KindSMS         = "sms"
	KindCall        = "call"
)

// Timeline is one page of a contact's or deal's history, newest first.
type Timeline struct {
	Items      []TimelineItem `json:"items"`
	NextCursor string         `json:"next_cursor" doc:"Pass as ?cursor= for the next (older) page; empty on the last page."`
}

// TimelineItem is one entry of a timeline; exactly the field named by kind
// is set. Contact timelines also carry text messages and phone calls.
type TimelineItem struct {
	Kind        string        `json:"kind" enum:"activity,stage_change,sms,call"`
	ID          uuid.UUID     `json:"id" format:"uuid" doc:"The id of the activity, stage change, message or call."`
	At          time.Time     `json:"at" doc:"When it happened: an activity's, message's or call's created_at, a stage change's changed_at."`
	Activity    *Activity     `json:"activity,omitempty"`
	StageChange *StageChange  `json:"stage_change,omitempty"`
	SMS         *TimelineSMS  `json:"sms,omitempty"`
	Call        *TimelineCall `json:"call,omitempty"`
}

// TimelineSMS is a text message on a contact's timeline.
type TimelineSMS struct {
	ID           uuid.UUID  `json:"id" format:"uuid"`
	ThreadID     uuid.UUID  `json:"thread_id" format:"uuid"`
	Direction    string     `json:"direction" enum:"inbound,outbound"`
	From         string     `json:"from"`
	To           string     `json:"to"`
	Body         string     `json:"body"`
	MediaURLs    []string   `json:"media_urls"`
	Status       string     `json:"status" enum:"queued,sending,sent,delivered,undelivered,failed,received"`
	ErrorCode    *int32     `json:"error_code" nullable:"true"`
	ErrorMessage string     `json:"error_message"`
	SentBy       *uuid.UUID `json:"sent_by" nullable:"true" format:"uuid"`
	SentByName   string     `json:"sent_by_name"`
	Automated    bool       `json:"automated"`
	Simulated    bool       `json:"simulated"`
	CreatedAt    time.Time  `json:"created_at"`
}

// TimelineCall is a phone call on a contact's timeline.
type TimelineCall struct {
	ID              uuid.UUID  `json:"id" format:"uuid"`
	Direction       string     `json:"direction" enum:"inbound,outbound"`
	Status          string     `json:"status" enum:"queued,initiated,ringing,in-progress,completed,busy,no-answer,failed,canceled"`
	UserID          *uuid.UUID `json:"user_id" nullable:"true" format:"uuid"`
	ActivityID      *uuid.UUID `json:"activity_id" nullable:"true" format:"uuid" doc:"The call activity holding the notes; it is on the timeline too."`
	Simulated       bool       `json:"simulated"`
	From            string     `json:"from"`
	To              string     `json:"to"`
	DurationSeconds int32      `json:"duration_seconds"`
	AnsweredBy      string     `json:"answered_by"`
	HasRecording    bool       `json:"has_recording"`
	Notes           string     `json:"notes"`
	UserName        string     `json:"user_name"`
	CreatedAt       time.Time  `json:"created_at"`
}

// StageChange is a deal moving from one stage to another.
type StageChange struct {
	ID            uuid.UUID  `json:"id" format:"uuid"`
	DealID        uuid.UUID  `json:"deal_id" format:"uuid"`
	DealTitle     string     `json:"deal_title"`
	FromStageID   *uuid.UUID `json:"from_stage_id" nullable:"true" format:"uuid" doc:"Null for a new deal's first stage, or once the stage is removed."`
	ToStageID     *uuid.UUID `json:"to_stage_id" nullable:"true" format:"uuid" doc:"Null once the stage is removed."`
	FromStage     string     `json:"from_stage" doc:"The stage's name at the time; empty for a new deal's first stage."`
	ToStage       string     `json:"to_stage" doc:"The stage's name at the time."`
	ChangedBy     *uuid.UUID `json:"changed_by" nullable:"true" format:"uuid"`
	ChangedByName string     `json:"changed_by_name" doc:"Empty when unknown (the member has left, or the server moved it)."`
	ChangedAt     time.Time  `json:"changed_at"`
}

func fromRow(r dbq.GetActivityRow) Activity {
	a := Activity{ID: r.ID, Type: r.Type, Subject: r.Subject, Body: r.Body, DueAt: r.DueAt, DoneAt: r.DoneAt,
		AssigneeID: r.AssigneeID, ContactID: r.ContactID, DealID: r.DealID, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	name := func(id *uuid.UUID, v string) *string {
		if id == nil {
			return nil
		}
		return &v
	}
	a.AssigneeName = name(r.AssigneeID, r.AssigneeName)
	a.ContactName = name(r.ContactID, r.ContactName)
	a.DealTitle = name(r.DealID, r.DealTitle)
	return a
}

func stageChangeFromRow(r dbq.GetStageChangesByIDsRow) StageChange {
	return StageChange{ID: r.ID, DealID: r.DealID, DealTitle: r.DealTitle, FromStageID: r.FromStageID,
		ToStageID: r.ToStageID, FromStage: r.FromStage, ToStage: r.ToStage, ChangedBy: r.ChangedBy,
		ChangedByName: r.ChangedByName, ChangedAt: r.ChangedAt}
}
