package contacts

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
)

// A text or call from a number that is no contact's yet waits, unlinked,
// for the contact with that number: whether it is created by hand,
// imported from a file, or given the number later.

// adoptConversations gives a contact the earlier texts and calls of its
// phone number that belong to no contact yet.
func adoptConversations(ctx context.Context, q *db.Q, companyID, contactID uuid.UUID, phone *string) error {
	if phone == nil || *phone == "" {
		return nil
	}
	if err := q.AdoptPhoneThread(ctx, dbq.AdoptPhoneThreadParams{CompanyID: companyID, ContactID: contactID, Phone: *phone}); err != nil {
		return fmt.Errorf("adopt thread of %s: %w", *phone, err)
	}
	if err := q.AdoptPhoneMessages(ctx, dbq.AdoptPhoneMessagesParams{CompanyID: companyID, ContactID: contactID}); err != nil {
		return fmt.Errorf("adopt messages: %w", err)
	}
	if err := q.AdoptPhoneCalls(ctx, dbq.AdoptPhoneCallsParams{CompanyID: companyID, ContactID: contactID, Phone: *phone}); err != nil {
		return fmt.Errorf("adopt calls: %w", err)
	}
	return nil
}

// adoptManyConversations is adoptConversations for contacts just created or
// given a phone: one query finds the few numbers with waiting
// conversations, so the usual case (none) costs one round trip for a whole
// import batch, or for one contact, rather than three updates each.
func adoptManyConversations(ctx context.Context, q *db.Q, companyID uuid.UUID, cs []Contact) error {
	var phones []string
	for _, c := range cs {
		if c.Phone != nil && *c.Phone != "" {
			phones = append(phones, *c.Phone)
		}
	}
	if len(phones) == 0 {
		return nil
	}
	waiting, err := q.UnclaimedPhones(ctx, dbq.UnclaimedPhonesParams{CompanyID: companyID, Phones: phones})
	if err != nil {
		return fmt.Errorf("find waiting conversations: %w", err)
	}
	want := make(map[string]bool, len(waiting))
	for _, p := range waiting {
		want[p] = true
	}
	for _, c := range cs {
		if c.Phone == nil || !want[*c.Phone] {
			continue
		}
		// The first contact with a number takes its conversations.
		delete(want, *c.Phone)
		if err := adoptConversations(ctx, q, companyID, c.ID, c.Phone); err != nil {
			return err
		}
	}
	return nil
}

// restoreConversations gives a contact back from the trash what its number
// had while it was there: the number's own thread (joined into the
// contact's, when the contact has one), its messages, and its calls without
// a contact.
func restoreConversations(ctx context.Context, q *db.Q, companyID uuid.UUID, c Contact) error {
	if c.Phone == nil || *c.Phone == "" {
		return nil
	}
	n, err := q.JoinPhoneThread(ctx, dbq.JoinPhoneThreadParams{CompanyID: companyID, ContactID: c.ID, Phone: *c.Phone})
	if err != nil {
		return fmt.Errorf("join the thread of %s: %w", *c.Phone, err)
	}
	if n > 0 {
		if err := q.DeletePhoneThread(ctx, dbq.DeletePhoneThreadParams{CompanyID: companyID, Phone: *c.Phone}); err != nil {
			return fmt.Errorf("delete the emptied thread of %s: %w", *c.Phone, err)
		}
	}
	return adoptConversations(ctx, q, companyID, c.ID, c.Phone)
}
