package httpapi_test

import (
	"context"
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

func TestTenancyAuditEndpointIsForPlatformAdmins(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	a := env.Signup("Alpha")
	env.Signup("Beta")
	a.Do("POST", "/api/contacts", map[string]any{"first_name": "Ann"}).Want(201)
	a.Do("GET", "/api/admin/tenancy-audit", nil).Want(403).Problem()
	env.Anonymous().Do("GET", "/api/admin/tenancy-audit", nil).Want(401)

	if err := env.App.Auth.GrantPlatformAdmin(context.Background(), a.Me.User.Email, true); err != nil {
		t.Fatal(err)
	}
	var r struct {
		OK        bool `json:"ok"`
		Companies []struct {
			CompanyName string           `json:"company_name"`
			Counts      map[string]int64 `json:"counts"`
		} `json:"companies"`
	}
	a.Do("GET", "/api/admin/tenancy-audit", nil).Want(200).Decode(&r)
	if !r.OK || len(r.Companies) != 2 || r.Companies[0].CompanyName != "Alpha" || r.Companies[0].Counts["contacts"] != 1 {
		t.Fatalf("audit: %+v", r)
	}
	var logged int
	if err := env.App.DB.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_log WHERE action = 'tenancy.audit' AND actor_user_id = $1`, a.Me.User.ID).Scan(&logged); err != nil || logged != 1 {
		t.Fatalf("audit runs logged for the admin: %d (err %v)", logged, err)
	}
}
