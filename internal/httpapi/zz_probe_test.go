package httpapi_test

import (
	"testing"

	"github.com/salescrm/crm/internal/apitest"
)

func TestZZProbe(t *testing.T) {
	env := apitest.New(t)
	o := env.Signup("Acme")
	for _, q := range []string{"q=%ff", "tag=%ff", "q=%ff%fe%fd", "owner_id=%00", "cursor=%00", "sort=%00"} {
		t.Logf("%s %s", q, o.Do("GET", "/api/contacts?"+q, nil).Body)
	}
	t.Logf("%s", o.Do("GET", "/api/contacts/%ff", nil).Body)
	t.Logf("%s", o.Do("POST", "/api/contacts", []byte("{\"first_name\":\"\xff\xfe\"}")).Body)
}
