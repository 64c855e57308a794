package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/cursor"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// entry is one row of a timeline query: what it is, when, and its id. Each
// kind's details are loaded by id afterwards.
type entry struct {
	kind string
	at   time.Time
	id   uuid.UUID
}

type timelineCursor struct {
	At time.Time `json:"at"`
	ID uuid.UUID `json:"id"`
}

// ContactTimeline returns a page of a contact's history, newest first: its
// activities, the activities of its deals, its deals' stage changes, and its
// texts and calls.
// Another company's contact is not found.
func (s *Service) ContactTimeline(ctx context.Context, companyID, contactID uuid.UUID, limit int, cursor string) (*Timeline, error) {
	return s.timeline(ctx, companyID, limit, cursor, func(q *db.Q, before *timelineCursor, lim int32) ([]entry, error) {
		ok, err := q.TimelineContactExists(ctx, dbq.TimelineContactExistsParams{CompanyID: companyID, ID: contactID})
		if err != nil {
			return nil, fmt.Errorf("find contact %s: %w", contactID, err)
		}
		if !ok {
			return nil, errs.NotFoundf("contact not found")
		}
		p := dbq.ContactTimelineParams{CompanyID: companyID, ContactID: contactID, Lim: lim}
		if before != nil {
			p.BeforeAt, p.BeforeID = &before.At, &before.ID
		}
		rows, err := q.ContactTimeline(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("contact timeline: %w", err)
		}
		out := make([]entry, len(rows))
		for i, r := range rows {
			out[i] = entry{r.Kind, r.At, r.ID}
		}
		return out, nil
	})
}

// DealTimeline returns a page of a deal's history, newest first: its
// activities, its stage changes, and its contact's texts and calls (a
// conversation with the deal's contact is part of working the deal).
// Another company's deal is not found.
func (s *Service) DealTimeline(ctx context.Context, companyID, dealID uuid.UUID, limit int, cursor string) (*Timeline, error) {
	return s.timeline(ctx, companyID, limit, cursor, func(q *db.Q, before *timelineCursor, lim int32) ([]entry, error) {
		ok, err := q.TimelineDealExists(ctx, dbq.TimelineDealExistsParams{CompanyID: companyID, ID: dealID})
		if err != nil {
			return nil, fmt.Errorf("find deal %s: %w", dealID, err)
		}
		if !ok {
			return nil, errs.NotFoundf("deal not found")
		}
		p := dbq.DealTimelineParams{CompanyID: companyID, DealID: dealID, Lim: lim}
		if before != nil {
			p.BeforeAt, p.BeforeID = &before.At, &before.ID
		}
		rows, err := q.DealTimeline(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("deal timeline: %w", err)
		}
		out := make([]entry, len(rows))
		for i, r := range rows {
			out[i] = entry{r.Kind, r.At, r.ID}
		}
		return out, nil
	})
}

// timeline runs page (which checks that the subject exists and returns up to
// lim entries older than the cursor) and loads each kind's details.
func (s *Service) timeline(ctx context.Context, companyID uuid.UUID, limit int, after string,
	page func(q *db.Q, before *timelineCursor, lim int32) ([]entry, error)) (*Timeline, error) {
	if limit <= 0 {
		limit = 50
	}
	if limit > 200 {
		return nil, errs.Field("query.limit", "must be at most 200", limit)
	}
	var before *timelineCursor
	if after != "" {
		var c timelineCursor
		err := cursor.Decode(after, &c)
		if err != nil || c.ID == uuid.Nil || c.At.IsZero() {
			return nil, errs.Field("query.cursor", "is not a cursor from this timeline", after)
		}
		before = &c
	}
	out := &Timeline{Items: []TimelineItem{}}
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		entries, err := page(q, before, int32(limit+1))
		if err != nil {
			return err
		}
		if len(entries) > limit {
			last := entries[limit-1]
			out.NextCursor = cursor.Encode(timelineCursor{At: last.at, ID: last.id})
			entries = entries[:limit]
		}
		var activityIDs, stageIDs, smsIDs, callIDs []uuid.UUID
		for _, e := range entries {
			switch e.kind {
			case KindActivity:
				activityIDs = append(activityIDs, e.id)
			case KindStageChange:
				stageIDs = append(stageIDs, e.id)
			case KindSMS:
				smsIDs = append(smsIDs, e.id)
			case KindCall:
				callIDs = append(callIDs, e.id)
			}
		}
		activities := map[uuid.UUID]*Activity{}
		if len(activityIDs) > 0 {
			rows, err := q.GetActivitiesByIDs(ctx, dbq.GetActivitiesByIDsParams{CompanyID: companyID, Ids: activityIDs})
			if err != nil {
				return fmt.Errorf("timeline activities: %w", err)
			}
			for _, r := range rows {
				a := fromRow(dbq.GetActivityRow(r))
				activities[a.ID] = &a
			}
		}
		changes := map[uuid.UUID]*StageChange{}
		if len(stageIDs) > 0 {
			rows, err := q.GetStageChangesByIDs(ctx, dbq.GetStageChangesByIDsParams{CompanyID: companyID, Ids: stageIDs})
			if err != nil {
				return fmt.Errorf("timeline stage changes: %w", err)
			}
			for _, r := range rows {
				c := stageChangeFromRow(r)
				changes[c.ID] = &c
			}
		}
		messages, calls, err := timelineMessagesAndCalls(ctx, q, companyID, smsIDs, callIDs)
		if err != nil {
			return err
		}
		// An entry whose details are gone (deleted between the two reads)
		// is left out rather than shown empty.
		for _, e := range entries {
			it := TimelineItem{Kind: e.kind, ID: e.id, At: e.at, Activity: activities[e.id], StageChange: changes[e.id],
				SMS: messages[e.id], Call: calls[e.id]}
			if it.Activity != nil || it.StageChange != nil || it.SMS != nil || it.Call != nil {
				out.Items = append(out.Items, it)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func timelineMessagesAndCalls(ctx context.Context, q *db.Q, companyID uuid.UUID, smsIDs, callIDs []uuid.UUID) (
	map[uuid.UUID]*TimelineSMS, map[uuid.UUID]*TimelineCall, error) {
	messages, calls := map[uuid.UUID]*TimelineSMS{}, map[uuid.UUID]*TimelineCall{}
	if len(smsIDs) > 0 {
		rows, err := q.GetMessages(ctx, dbq.GetMessagesParams{CompanyID: companyID, Ids: smsIDs})
		if err != nil {
			return nil, nil, fmt.Errorf("timeline messages: %w", err)
		}
		for _, r := range rows {
			media := r.MediaUrls
			if media == nil {
				media = []string{}
			}
			messages[r.ID] = &TimelineSMS{ID: r.ID, ThreadID: r.ThreadID, Direction: r.Direction, From: r.FromNumber, To: r.ToNumber,
				Body: r.Body, MediaURLs: media, Status: r.Status, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage,
				SentBy: r.SentBy, SentByName: r.SentByName, Automated: r.Automated, Simulated: r.Simulated, CreatedAt: r.CreatedAt}
		}
	}
	if len(callIDs) > 0 {
		rows, err := q.GetCallsByIDs(ctx, dbq.GetCallsByIDsParams{CompanyID: companyID, Ids: callIDs})
		if err != nil {
			return nil, nil, fmt.Errorf("timeline calls: %w", err)
		}
		for _, r := range rows {
			calls[r.ID] = &TimelineCall{ID: r.ID, Direction: r.Direction, Status: r.Status, From: r.FromNumber, To: r.ToNumber,
				DurationSeconds: r.DurationSeconds, AnsweredBy: r.AnsweredBy, HasRecording: r.RecordingUrl != "", Notes: r.Notes,
				UserID: r.UserID, ActivityID: r.ActivityID, Simulated: r.Simulated, UserName: r.UserName, CreatedAt: r.CreatedAt}
		}
	}
	return messages, calls, nil
}
