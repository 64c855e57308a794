package sms

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
)

// DetachContactsTx keeps the texts and consent records of contacts that are
// about to be deleted for good (internal/trash's purge), without the
// contact: each contact's thread becomes its number's thread, as for a
// sender who is not a contact, or joins the number's thread when there is
// one already (a thread per number without a contact is unique). It runs in
// the caller's tenant transaction, before the contacts are deleted; the
// foreign keys would otherwise delete the texts with them.
func DetachContactsTx(ctx context.Context, q *db.Q, companyID uuid.UUID, contactIDs []uuid.UUID) error {
	if len(contactIDs) == 0 {
		return nil
	}
	if err := q.DetachContactMessages(ctx, dbq.DetachContactMessagesParams{CompanyID: companyID, ContactIds: contactIDs}); err != nil {
		return fmt.Errorf("detach messages: %w", err)
	}
	if err := q.DetachContactConsents(ctx, dbq.DetachContactConsentsParams{CompanyID: companyID, ContactIds: contactIDs}); err != nil {
		return fmt.Errorf("detach consent records: %w", err)
	}
	threads, err := q.ContactThreads(ctx, dbq.ContactThreadsParams{CompanyID: companyID, ContactIds: contactIDs})
	if err != nil {
		return fmt.Errorf("find threads: %w", err)
	}
	// One thread at a time: two purged contacts may share a number, and the
	// second must join the thread the first one became.
	for _, t := range threads {
		into, err := q.ThreadForPhone(ctx, dbq.ThreadForPhoneParams{CompanyID: companyID, Phone: t.Phone})
		switch {
		case db.IsNotFound(err):
			if err := q.DetachThread(ctx, dbq.DetachThreadParams{CompanyID: companyID, ID: t.ID}); err != nil {
				return fmt.Errorf("detach thread %s: %w", t.ID, err)
			}
		case err != nil:
			return fmt.Errorf("find the thread of %s: %w", t.Phone, err)
		default:
			if err := q.MergeThreadInto(ctx, dbq.MergeThreadIntoParams{CompanyID: companyID, FromID: t.ID, IntoID: into}); err != nil {
				return fmt.Errorf("join thread %s into %s: %w", t.ID, into, err)
			}
			if err := q.DeleteThread(ctx, dbq.DeleteThreadParams{CompanyID: companyID, ID: t.ID}); err != nil {
				return fmt.Errorf("delete emptied thread %s: %w", t.ID, err)
			}
		}
	}
	return nil
}
