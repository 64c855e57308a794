package contacts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/audit"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// nameSimilarity is the trigram similarity above which two names count as
// "very similar" ("Jon Smith" and "John Smith" score about 0.7).
const nameSimilarity = 0.6

// PhoneGroupCap is how many contacts of one phone number the finder pairs:
// the number's oldest. A number shared by more contacts still shows up, with
// at most PhoneGroupCap·(PhoneGroupCap-1)/2 of its pairs (docs/decisions.md).
const PhoneGroupCap = 20

// DuplicatePair is two contacts that are likely the same person.
type DuplicatePair struct {
	A       Contact  `json:"a"`
	B       Contact  `json:"b"`
	Reasons []string `json:"reasons" doc:"same_phone, similar_name."`
	Score   float64  `json:"score" doc:"Name similarity from 0 to 1."`
}

// Duplicates finds likely duplicate contacts: the same normalised phone
// number, or very similar names. (Emails are unique per company, so two
// contacts never share one.)
func (s *Service) Duplicates(ctx context.Context, companyID uuid.UUID, limit int) ([]DuplicatePair, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	type key struct{ a, b uuid.UUID }
	pairs := map[key]*DuplicatePair{}
	var order []key
	err := s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		byPhone, err := q.DuplicatesByPhone(ctx, dbq.DuplicatesByPhoneParams{CompanyID: companyID, GroupCap: PhoneGroupCap, MaxPairs: int32(limit)})
		if err != nil {
			return fmt.Errorf("duplicates by phone: %w", err)
		}
		byName, err := q.DuplicatesByName(ctx, dbq.DuplicatesByNameParams{CompanyID: companyID, Threshold: nameSimilarity, MaxPairs: int32(limit)})
		if err != nil {
			return fmt.Errorf("duplicates by name: %w", err)
		}
		note := func(a, b uuid.UUID, reason string, score float64) {
			k := key{a, b}
			p, ok := pairs[k]
			if !ok {
				p = &DuplicatePair{}
				pairs[k] = p
				order = append(order, k)
			}
			p.Reasons = append(p.Reasons, reason)
			p.Score = max(p.Score, score)
		}
		for _, r := range byPhone {
			note(r.AID, r.BID, "same_phone", 0)
		}
		for _, r := range byName {
			note(r.AID, r.BID, "similar_name", r.Score)
		}
		ids := map[uuid.UUID]bool{}
		for k := range pairs {
			ids[k.a], ids[k.b] = true, true
		}
		rows, err := q.GetContactsByIDs(ctx, dbq.GetContactsByIDsParams{CompanyID: companyID, Ids: slices.Collect(maps.Keys(ids))})
		if err != nil {
			return fmt.Errorf("load duplicates: %w", err)
		}
		byID := map[uuid.UUID]Contact{}
		for _, r := range rows {
			byID[r.ID] = fromRow(r)
		}
		for k, p := range pairs {
			p.A, p.B = byID[k.a], byID[k.b]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]DuplicatePair, 0, len(order))
	for _, k := range order {
		out = append(out, *pairs[k])
	}
	slices.SortStableFunc(out, func(x, y DuplicatePair) int {
		if len(x.Reasons) != len(y.Reasons) {
			return len(y.Reasons) - len(x.Reasons)
		}
		switch {
		case x.Score > y.Score:
			return -1
		case x.Score < y.Score:
			return 1
		}
		return 0
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// MergeInput names the duplicate to fold into the survivor and, per field,
// whose value wins ("survivor" or "duplicate"). A field not named keeps the
// survivor's value, or takes the duplicate's when the survivor has none.
// Tags are always united; custom fields are merged, the survivor's winning
// on a clash unless custom_fields is "duplicate".
type MergeInput struct {
	DuplicateID string            `json:"duplicate_id" doc:"The contact that disappears into this one."`
	Fields      map[string]string `json:"fields,omitempty" doc:"Field name → survivor or duplicate, for first_name, last_name, email, phone, company_name, title, owner_id, custom_fields."`
}

var mergeFields = []string{"first_name", "last_name", "email", "phone", "company_name", "title", "owner_id", "custom_fields"}

// Merge folds a duplicate contact into the survivor: the chosen values are
// kept, the duplicate's deals and activities move to the survivor, the
// duplicate is deleted and the merge is recorded on the survivor's timeline.
func (s *Service) Merge(ctx context.Context, companyID uuid.UUID, by audit.Actor, survivorID uuid.UUID, in MergeInput) (*Contact, error) {
	dupID, err := uuid.Parse(in.DuplicateID)
	if err != nil {
		return nil, errs.Field("body.duplicate_id", "must be a contact id", in.DuplicateID)
	}
	if dupID == survivorID {
		return nil, errs.Field("body.duplicate_id", "must be another contact", in.DuplicateID)
	}
	for f, v := range in.Fields {
		if !slices.Contains(mergeFields, f) {
			return nil, errs.Field("body.fields."+f, "is not a mergeable field", f)
		}
		if v != "survivor" && v != "duplicate" {
			return nil, errs.Field("body.fields."+f, "must be survivor or duplicate", v)
		}
	}
	var out Contact
	err = s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		sr, err := q.GetContact(ctx, dbq.GetContactParams{CompanyID: companyID, ID: survivorID})
		if err != nil {
			if db.IsNotFound(err) {
				return errs.NotFoundf("contact not found")
			}
			return fmt.Errorf("load contact: %w", err)
		}
		dr, err := q.GetContact(ctx, dbq.GetContactParams{CompanyID: companyID, ID: dupID})
		if err != nil {
			if db.IsNotFound(err) {
				return errs.Field("body.duplicate_id", "is not a contact of this company", in.DuplicateID)
			}
			return fmt.Errorf("load contact: %w", err)
		}
		f, err := merged(fromRow(sr), fromRow(dr), in.Fields).validate()
		if err != nil {
			return err
		}
		if _, err := q.MoveContactDeals(ctx, dbq.MoveContactDealsParams{CompanyID: companyID, SurvivorID: &survivorID, DuplicateID: &dupID}); err != nil {
			return fmt.Errorf("move deals: %w", err)
		}
		if _, err := q.MoveContactActivities(ctx, dbq.MoveContactActivitiesParams{CompanyID: companyID, SurvivorID: &survivorID, DuplicateID: &dupID}); err != nil {
			return fmt.Errorf("move activities: %w", err)
		}
		if err := moveMessagesAndCalls(ctx, q, companyID, survivorID, dupID); err != nil {
			return err
		}
		if _, err := q.DeleteMergedContact(ctx, dbq.DeleteMergedContactParams{CompanyID: companyID, ID: dupID}); err != nil {
			return fmt.Errorf("delete duplicate: %w", err)
		}
		r, err := q.UpdateContact(ctx, dbq.UpdateContactParams{CompanyID: companyID, ID: survivorID,
			FirstName: f.firstName, LastName: f.lastName, Email: f.email, Phone: f.phone, CompanyName: f.companyName,
			Title: f.title, Tags: f.tags, OwnerID: f.ownerID, CustomFields: f.customFields})
		if err != nil {
			return translate(err, f)
		}
		dup := fromRow(dr)
		body, _ := json.Marshal(dup)
		if err := q.InsertSystemActivity(ctx, dbq.InsertSystemActivityParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()),
			Subject: truncate("Merged "+displayName(dup)+" into this contact", 200), Body: string(body), ContactID: &survivorID, CreatedBy: by.ID}); err != nil {
			return fmt.Errorf("record merge: %w", err)
		}
		out = fromRow(r)
		return audit.RecordTx(ctx, q, companyID, by, audit.Event{Action: audit.ContactMerged, EntityType: "contact", EntityID: dupID,
			Detail: map[string]any{"name": displayName(dup), "into_id": survivorID.String(), "into": displayName(out)}})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// merged picks each field's value for the survivor.
func merged(s, d Contact, pick map[string]string) Input {
	choose := func(field, sv, dv string) string {
		switch pick[field] {
		case "duplicate":
			return dv
		case "survivor":
			return sv
		}
		if sv == "" {
			return dv
		}
		return sv
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	id := func(p *uuid.UUID) string {
		if p == nil {
			return ""
		}
		return p.String()
	}
	in := Input{
		FirstName:   choose("first_name", s.FirstName, d.FirstName),
		LastName:    choose("last_name", s.LastName, d.LastName),
		Email:       choose("email", str(s.Email), str(d.Email)),
		Phone:       choose("phone", str(s.Phone), str(d.Phone)),
		CompanyName: choose("company_name", s.CompanyName, d.CompanyName),
		Title:       choose("title", s.Title, d.Title),
		OwnerID:     choose("owner_id", id(s.OwnerID), id(d.OwnerID)),
		Tags:        append(slices.Clone(s.Tags), d.Tags...),
	}
	in.CustomFields = maps.Clone(d.CustomFields)
	first, second := in.CustomFields, s.CustomFields
	if pick["custom_fields"] == "duplicate" {
		first, second = maps.Clone(s.CustomFields), d.CustomFields
		in.CustomFields = first
	}
	if first == nil {
		first = map[string]any{}
		in.CustomFields = first
	}
	maps.Copy(first, second)
	return in
}

func displayName(c Contact) string {
	if n := strings.TrimSpace(c.FirstName + " " + c.LastName); n != "" {
		return n
	}
	if c.Email != nil {
		return *c.Email
	}
	if c.Phone != nil {
		return *c.Phone
	}
	return "a contact"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// moveMessagesAndCalls gives the survivor the duplicate's text messages
// (joining the two threads), calls and consent records, before the
// duplicate (and with it, its thread) is deleted.
func moveMessagesAndCalls(ctx context.Context, q *db.Q, companyID, survivorID, dupID uuid.UUID) error {
	if err := q.MoveContactMessages(ctx, dbq.MoveContactMessagesParams{CompanyID: companyID, SurvivorID: &survivorID, DuplicateID: &dupID}); err != nil {
		return fmt.Errorf("move messages: %w", err)
	}
	if err := q.MoveContactCalls(ctx, dbq.MoveContactCallsParams{CompanyID: companyID, SurvivorID: &survivorID, DuplicateID: &dupID}); err != nil {
		return fmt.Errorf("move calls: %w", err)
	}
	if err := q.MoveContactConsents(ctx, dbq.MoveContactConsentsParams{CompanyID: companyID, SurvivorID: &survivorID, DuplicateID: &dupID}); err != nil {
		return fmt.Errorf("move consents: %w", err)
	}
	n, err := q.AdoptContactThread(ctx, dbq.AdoptContactThreadParams{CompanyID: companyID, SurvivorID: survivorID, DuplicateID: dupID})
	if err != nil {
		return fmt.Errorf("adopt thread: %w", err)
	}
	if n > 0 {
		return nil
	}
	// The duplicate's emptied thread goes with the duplicate (ON DELETE CASCADE).
	if err := q.JoinContactThreads(ctx, dbq.JoinContactThreadsParams{CompanyID: companyID, SurvivorID: survivorID, DuplicateID: dupID}); err != nil {
		return fmt.Errorf("join threads: %w", err)
	}
	return nil
}

// NotDuplicates records that two contacts are not the same person, so the
// duplicate finder stops offering the pair. Either contact missing (or
// another company's) is not found; saying it twice is harmless.
func (s *Service) NotDuplicates(ctx context.Context, companyID, userID, id, otherID uuid.UUID) error {
	a, b, err := pairOf(id, otherID)
	if err != nil {
		return err
	}
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if err := bothExist(ctx, q, companyID, a, b); err != nil {
			return err
		}
		err := q.DismissDuplicate(ctx, dbq.DismissDuplicateParams{CompanyID: companyID, ID: uuid.Must(uuid.NewV7()), AID: a, BID: b, DismissedBy: &userID})
		if err != nil {
			return fmt.Errorf("dismiss duplicate pair: %w", err)
		}
		return nil
	})
}

// MaybeDuplicates undoes NotDuplicates: the finder may offer the pair again.
func (s *Service) MaybeDuplicates(ctx context.Context, companyID, id, otherID uuid.UUID) error {
	a, b, err := pairOf(id, otherID)
	if err != nil {
		return err
	}
	return s.db.InTenant(ctx, companyID, func(q *db.Q) error {
		if err := bothExist(ctx, q, companyID, a, b); err != nil {
			return err
		}
		if _, err := q.UndoDismissDuplicate(ctx, dbq.UndoDismissDuplicateParams{CompanyID: companyID, AID: a, BID: b}); err != nil {
			return fmt.Errorf("undo dismissed duplicate pair: %w", err)
		}
		return nil
	})
}

// pairOf orders two contact ids as the finder does (PostgreSQL compares
// uuids byte by byte).
func pairOf(id, otherID uuid.UUID) (a, b uuid.UUID, err error) {
	switch c := bytes.Compare(id[:], otherID[:]); {
	case c == 0:
		return a, b, errs.Field("path.other_id", "must be another contact", otherID.String())
	case c < 0:
		return id, otherID, nil
	default:
		return otherID, id, nil
	}
}

func bothExist(ctx context.Context, q *db.Q, companyID, a, b uuid.UUID) error {
	rows, err := q.GetContactsByIDs(ctx, dbq.GetContactsByIDsParams{CompanyID: companyID, Ids: []uuid.UUID{a, b}})
	if err != nil {
		return fmt.Errorf("load contacts %s and %s: %w", a, b, err)
	}
	if len(rows) != 2 {
		return errs.NotFoundf("contact not found")
	}
	return nil
}
