package imports

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/salescrm/crm/internal/errs"
)

func readAll(t *testing.T, in string) ([]string, []record, error) {
	t.Helper()
	f := newCSVFile(strings.NewReader(in))
	h, err := f.header()
	if err != nil {
		return nil, nil, err
	}
	var recs []record
	for {
		r, err := f.next()
		if err == io.EOF {
			return h, recs, nil
		}
		if err != nil {
			return h, recs, err
		}
		recs = append(recs, r)
	}
}

func TestCSVFile(t *testing.T) {
	in := "\uFEFF Name ,,Email\r\n" +
		"\"Lovelace, Ada\",x,\"ada@example.com\"\r\n" +
		"\r\n" +
		" , ,\r\n" + // blank cells only: skipped like a blank line
		"\"two\r\nlines\",\"say \"\"hi\"\"\"\r\n" +
		"short\r\n" +
		"a,b,c,d,e\r\n" +
		"bare\"quote,x,y\r\n" +
		"after,the,error"
	h, recs, err := readAll(t, in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h, []string{"Name", "Column 2", "Email"}) {
		t.Errorf("headers %q", h)
	}
	want := []record{
		{Line: 2, Cells: []string{"Lovelace, Ada", "x", "ada@example.com"}},
		{Line: 5, Cells: []string{"two\nlines", `say "hi"`}}, // csv reads a quoted CRLF as LF
		{Line: 7, Cells: []string{"short"}},
		{Line: 8, Cells: []string{"a", "b", "c", "d", "e"}},
		{Line: 9, Cells: []string{}, Problem: `is not valid CSV (bare " in non-quoted-field)`},
		{Line: 10, Cells: []string{"after", "the", "error"}},
	}
	if len(recs) != len(want) {
		t.Fatalf("records %+v", recs)
	}
	for i := range want {
		if recs[i].Line != want[i].Line || recs[i].Problem != want[i].Problem ||
			(want[i].Problem == "" && !reflect.DeepEqual(recs[i].Cells, want[i].Cells)) {
			t.Errorf("record %d: %+v, want %+v", i, recs[i], want[i])
		}
	}
}

func TestCSVFileLimits(t *testing.T) {
	wide := strings.Repeat("x,", MaxColumns) + "x"
	_, recs, err := readAll(t, "a\n"+wide+"\n"+strings.Repeat("y", MaxCellBytes+1)+"\nok\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || !strings.Contains(recs[0].Problem, "more than 100 columns") || len(recs[0].Cells) != MaxColumns ||
		!strings.Contains(recs[1].Problem, "longer than") || recs[2].Problem != "" {
		t.Errorf("limits: %+v", recs[0].Problem)
	}

	// An unclosed quote would make the rest of the file one record: the
	// read stops once a record passes the limit, instead of holding it all.
	huge := "a\n\"open quote\n" + strings.Repeat("more text without a closing quote\n", 2*MaxRecordBytes/30)
	_, _, err = readAll(t, huge)
	if errs.CodeOf(err) != errs.Invalid || !strings.Contains(err.Error(), "quote left open") {
		t.Errorf("runaway record: %v", err)
	}

	for name, in := range map[string]string{"empty": "", "only blank lines": "\n\r\n\n", "bad header": "a,b\"c\n1,2\n",
		"not UTF-8": "a,\xff\n"} {
		if _, _, err := readAll(t, in); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := readAll(t, "a\n"); err != nil {
		t.Errorf("a header alone reads as no rows: %v", err)
	}
}

func TestGuessMapping(t *testing.T) {
	got := GuessMapping(KindContacts, []string{"E-mail", "Email Address", "First Name", "surname", "Company", "Mobile", "Tags",
		"Owner email", "custom.Industry", "Custom: size", "Notes", "Full name"})
	want := []string{"email", "", "first_name", "last_name", "company_name", "phone", "tags", "owner", "custom.Industry", "custom.size", "", "full_name"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("contacts: %q", got)
	}
	got = GuessMapping(KindDeals, []string{"Deal name", "Amount", "Currency", "Pipeline", "Deal stage", "Contact Email", "Close date", "Owner", "custom.x"})
	want = []string{"title", "value", "currency", "pipeline", "stage", "contact_email", "expected_close_date", "owner", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("deals: %q", got)
	}
}

func TestCheckMapping(t *testing.T) {
	h := []string{"a", "b", "c"}
	for _, ok := range [][]string{{"email", "", ""}, {"full_name", "custom.x", "custom.y"}} {
		if err := checkMapping(KindContacts, h, ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range [][]string{{"email"}, {"", "", ""}, {"email", "email", ""}, {"email", "custom.", ""}, {"email", "custom.*", ""},
		{"email", "custom.x", "custom.x"}, {"email", "value", ""}} {
		if err := checkMapping(KindContacts, h, bad); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := checkMapping(KindDeals, h, []string{"value", "stage", ""}); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("a deal import without a title: %v", err)
	}
	if err := checkMapping(KindDeals, h, []string{"title", "custom.x", ""}); errs.CodeOf(err) != errs.Invalid {
		t.Errorf("deals have no custom fields: %v", err)
	}
}

// TestEscapeRoundTrip: what an export defuses, an import restores.
func TestEscapeRoundTrip(t *testing.T) {
	for _, v := range []string{"=1+2", "+cmd", "-x", "@sum", "'=already", "+14155550100", "-12.50", "plain", "it's", "'"} {
		if got := cell(escapeCell(v)); got != v {
			t.Errorf("%q: exported %q, imported %q", v, escapeCell(v), got)
		}
	}
	for _, v := range []string{"=1+2", "+cmd", "@sum", "-x"} {
		if e := escapeCell(v); e[0] != '\'' {
			t.Errorf("%q exported as %q", v, e)
		}
	}
	if escapeCell("+14155550100") != "+14155550100" {
		t.Error("phone numbers stay as they are")
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]string{"$1,250.50": "1250.50", "1250 €": "1250", "12,5": "12,5", "1,234,567": "1234567", " 42 ": "42"} {
		if got := money(in); got != want {
			t.Errorf("money(%q) = %q, want %q", in, got, want)
		}
	}
}
