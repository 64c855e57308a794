package httpapi_test

import "github.com/salescrm/crm/internal/db"

type dbQ = db.Q
