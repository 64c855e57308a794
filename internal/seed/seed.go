// Package seed loads a small demo: two companies, a few users and contacts
// each. It runs on a first start in development, and never when any company
// exists.
package seed

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/salescrm/crm/internal/activities"
	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/contacts"
	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/deals"
	"github.com/salescrm/crm/internal/pipelines"
	"github.com/salescrm/crm/internal/sms"
	"github.com/salescrm/crm/internal/telephony"
	"github.com/salescrm/crm/internal/tenancy"
)

// Password is the demo users' password.
const Password = "demo-password"

type demoCompany struct {
	name, owner, ownerEmail string
	number, ownerPhone      string      // fictional 555-01xx numbers: the simulator's range
	members                 [][3]string // name, email, role
	contacts                []contacts.Input
}

var demo = []demoCompany{
	{
		name: "Acme Sales", owner: "Alice Owner", ownerEmail: "alice@acme.test", number: "+12025550101", ownerPhone: "+12025550191",
		members: [][3]string{{"Bob Admin", "bob@acme.test", "admin"}, {"Mia Member", "mia@acme.test", "member"}},
		contacts: []contacts.Input{
			{FirstName: "Grace", LastName: "Hopper", Email: "grace@navy.example", Phone: "+1 415 555 0101", CompanyName: "US Navy", Title: "Rear Admiral", Tags: []string{"vip", "enterprise"}},
			{FirstName: "Alan", LastName: "Turing", Email: "alan@bletchley.example", Phone: "+44 20 7946 0018", CompanyName: "Bletchley Park", Title: "Cryptanalyst", Tags: []string{"lead"}},
			{FirstName: "Katherine", LastName: "Johnson", Email: "kj@nasa.example", CompanyName: "NASA", Title: "Mathematician", Tags: []string{"enterprise"}, CustomFields: map[string]any{"source": "conference"}},
			{FirstName: "Edsger", LastName: "Dijkstra", Email: "ewd@utexas.example", CompanyName: "UT Austin", Tags: []string{"lead"}},
		},
	},
	{
		name: "Globex Trading", owner: "Carol Owner", ownerEmail: "carol@globex.test", number: "+12025550102", ownerPhone: "+12025550192",
		members: [][3]string{{"Dan Member", "dan@globex.test", "member"}},
		contacts: []contacts.Input{
			{FirstName: "Ada", LastName: "Lovelace", Email: "ada@engine.example", Phone: "+44 20 7946 0999", CompanyName: "Analytical Engines", Tags: []string{"partner"}},
			{FirstName: "Linus", LastName: "Torvalds", Email: "linus@kernel.example", CompanyName: "Kernel Co", Tags: []string{"lead"}},
			{FirstName: "Margaret", LastName: "Hamilton", Email: "mh@apollo.example", Phone: "+1 617 555 0142", CompanyName: "Apollo", Title: "Director", Tags: []string{"vip"}},
		},
	},
}

// Services are what the demo is loaded through: the same as the API's.
type Services struct {
	Auth       *auth.Service
	Contacts   *contacts.Service
	Pipelines  *pipelines.Service
	Deals      *deals.Service
	Activities *activities.Service
	Telephony  *telephony.Service
	SMS        *sms.Service
}

// IfEmpty loads the demo when the database has no company yet; it reports
// whether it did.
func IfEmpty(ctx context.Context, d *db.DB, svc Services, out io.Writer) (bool, error) {
	var n int
	if err := d.Pool.QueryRow(ctx, "SELECT count(*) FROM companies").Scan(&n); err != nil {
		return false, fmt.Errorf("count companies: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	return true, Load(ctx, svc, out)
}

// Load creates the demo companies through the same services the API uses.
func Load(ctx context.Context, svc Services, out io.Writer) error {
	a, c := svc.Auth, svc.Contacts
	cl := auth.Client{IP: "seed"}
	var lines []string
	for _, dc := range demo {
		me, _, err := a.Signup(ctx, auth.SignupInput{CompanyName: dc.name, Name: dc.owner, Email: dc.ownerEmail, Password: Password}, cl)
		if err != nil {
			return fmt.Errorf("seed %s: %w", dc.name, err)
		}
		owner := &tenancy.Principal{UserID: me.User.ID, Name: me.User.Name, CompanyID: me.Company.ID, Role: tenancy.RoleOwner}
		lines = append(lines, fmt.Sprintf("  %-16s %-20s owner", dc.name, dc.ownerEmail))
		for _, m := range dc.members {
			inv, err := a.CreateInvite(ctx, owner, auth.InviteInput{Email: m[1], Role: tenancy.Role(m[2])})
			if err != nil {
				return fmt.Errorf("seed invite %s: %w", m[1], err)
			}
			token := inv.AcceptURL[strings.LastIndex(inv.AcceptURL, "/")+1:]
			if _, _, err := a.AcceptInvite(ctx, token, auth.AcceptInput{Name: m[0], Password: Password}, cl); err != nil {
				return fmt.Errorf("seed accept %s: %w", m[1], err)
			}
			lines = append(lines, fmt.Sprintf("  %-16s %-20s %s", dc.name, m[1], m[2]))
		}
		var contactIDs []string
		for i, ci := range dc.contacts {
			if i%2 == 0 {
				ci.OwnerID = me.User.ID.String()
			}
			ct, err := c.Create(ctx, me.Company.ID, ci)
			if err != nil {
				return fmt.Errorf("seed contact: %w", err)
			}
			contactIDs = append(contactIDs, ct.ID.String())
		}
		if err := seedPipeline(ctx, svc, me.Company.ID, me.User.ID, contactIDs); err != nil {
			return err
		}
		if err := seedPhone(ctx, svc, dc, me.Company.ID, me.User.ID); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "Loaded the demo. Sign in with any of these (password %q):\n%s\n", Password, strings.Join(lines, "\n"))
	return nil
}

// seedPipeline puts a few deals on the default pipeline (one won, one lost)
// and gives the owner tasks for today and the days around it, so the board
// and the dashboard have something to show.
func seedPipeline(ctx context.Context, svc Services, companyID, owner uuid.UUID, contactIDs []string) error {
	ps, err := svc.Pipelines.List(ctx, companyID)
	if err != nil || len(ps) == 0 {
		return fmt.Errorf("seed pipeline: %w", err)
	}
	stages := ps[0].Stages
	demoDeals := []struct {
		title, value string
		stage        int
	}{
		{"Pilot project", "4800.00", 0}, {"Annual licence", "12000.00", 1}, {"Support renewal", "2400.50", 2},
		{"Expansion", "30000.00", 3}, {"Training package", "1500.00", 4}, {"Consulting", "900.00", 5},
	}
	for i, dd := range demoDeals {
		d, err := svc.Deals.Create(ctx, companyID, owner, deals.Input{Title: dd.title, Value: dd.value,
			ContactID: contactIDs[i%len(contactIDs)], ExpectedCloseDate: time.Now().AddDate(0, 0, 7*(i+1)).Format("2006-01-02")})
		if err != nil {
			return fmt.Errorf("seed deal: %w", err)
		}
		if dd.stage > 0 {
			if _, err := svc.Deals.Move(ctx, companyID, owner, d.ID, deals.MoveInput{StageID: stages[dd.stage].ID.String()}); err != nil {
				return fmt.Errorf("seed move: %w", err)
			}
		}
	}
	for i, t := range []struct {
		subject string
		due     time.Duration
	}{{"Call back about the pilot", -26 * time.Hour}, {"Send the proposal", 2 * time.Hour}, {"Quarterly review", 72 * time.Hour}} {
		if _, err := svc.Activities.Create(ctx, companyID, owner, activities.Input{Type: "task", Subject: t.subject,
			DueAt: time.Now().Add(t.due).Format(time.RFC3339), ContactID: contactIDs[i%len(contactIDs)]}); err != nil {
			return fmt.Errorf("seed task: %w", err)
		}
	}
	return nil
}

// seedPhone turns on the SMS and calls simulator with one number that rings
// the owner, and leaves a text from the first contact with a phone, so the
// SMS page has a conversation to open.
func seedPhone(ctx context.Context, svc Services, dc demoCompany, companyID, owner uuid.UUID) error {
	if _, err := svc.Telephony.Put(ctx, companyID, telephony.SettingsInput{Mode: telephony.ModeSimulator,
		HelpReply: dc.name + ": reply STOP to unsubscribe."}); err != nil {
		return fmt.Errorf("seed twilio settings: %w", err)
	}
	// The demo's contacts are in the US and the UK; by default only the
	// countries of the company's own numbers (US) could be texted.
	if _, err := svc.Telephony.SetAllowedCountries(ctx, companyID, telephony.CountriesInput{Countries: []string{"US", "GB"}}); err != nil {
		return fmt.Errorf("seed allowed countries: %w", err)
	}
	n, err := svc.Telephony.AddNumber(ctx, companyID, telephony.NumberInput{Number: dc.number, Label: "Main line", UserID: owner.String()})
	if err != nil {
		return fmt.Errorf("seed number: %w", err)
	}
	if _, err := svc.Telephony.SetMyPhone(ctx, companyID, owner, telephony.MyPhone{Phone: dc.ownerPhone}); err != nil {
		return fmt.Errorf("seed my phone: %w", err)
	}
	for _, ci := range dc.contacts {
		if ci.Phone == "" {
			continue
		}
		_, err := svc.SMS.SimulateInbound(ctx, companyID, sms.SimulateInput{From: ci.Phone, ToNumberID: n.ID.String(),
			Body: "Hi " + strings.Fields(dc.owner)[0] + ", could you send me the pricing sheet?"})
		if err != nil {
			return fmt.Errorf("seed inbound text: %w", err)
		}
		return nil
	}
	return nil
}
