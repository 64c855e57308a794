package imports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/salescrm/crm/internal/errs"
)

// Limits on what an import reads. A record is held in memory alone, so the
// record limit bounds the reader's memory whatever the file holds (an
// unclosed quote would otherwise make the rest of the file one record).
const (
	MaxColumns     = 100
	MaxCellBytes   = 10_000
	MaxRecordBytes = 1 << 20
	PreviewRows    = 10
)

// errRecordTooLong stops a read: the file cannot be split into records.
var errRecordTooLong = errors.New("imports: record too long")

// record is one data row of the file.
type record struct {
	// Line is where the row starts in the file; the header is line 1. It
	// names the row in previews and in the failure report.
	Line  int
	Cells []string
	// Problem says why the row cannot be used whatever the mapping (it is
	// not valid CSV, has too many columns or too long a cell); "" when fine.
	Problem string
}

// csvFile reads a CSV file record by record: UTF-8 with or without a byte
// order mark, LF or CRLF line ends, quoted fields (with commas, quotes and
// line breaks inside), rows of any length. Blank rows are skipped.
type csvFile struct {
	cr   *csv.Reader
	lim  *recordLimiter
	line int // where the last row read started
}

func newCSVFile(r io.Reader) *csvFile {
	lim := &recordLimiter{r: r}
	br := bufio.NewReaderSize(lim, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3)
		lim.base = 3
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	lim.cr = cr
	return &csvFile{cr: cr, lim: lim}
}

// header reads the first row: the column names. A file that has none, or
// whose first row is not clean UTF-8 CSV, is refused (Invalid).
func (f *csvFile) header() ([]string, error) {
	rec, err := f.next()
	if err == io.EOF {
		return nil, errs.E(errs.Invalid, "the file is empty: the first row must name the columns")
	}
	if err != nil {
		return nil, err
	}
	if rec.Problem != "" {
		return nil, errs.E(errs.Invalid, "the first row (the column names) %s", rec.Problem)
	}
	headers := make([]string, len(rec.Cells))
	for i, h := range rec.Cells {
		if !utf8.ValidString(h) || strings.ContainsRune(h, 0) {
			return nil, errs.E(errs.Invalid, "the file is not UTF-8 text: save it as \"CSV UTF-8\" and upload it again")
		}
		h = strings.TrimSpace(h)
		if h == "" {
			h = fmt.Sprintf("Column %d", i+1)
		}
		if utf8.RuneCountInString(h) > 200 {
			h = string([]rune(h)[:200])
		}
		headers[i] = h
	}
	return headers, nil
}

// next returns the next non-blank row, io.EOF at the end, or an error that
// ends the read (the underlying reader failed, or a record is too long).
func (f *csvFile) next() (record, error) {
	for {
		cells, err := f.cr.Read()
		f.lim.mark()
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return record{}, io.EOF
		case errors.Is(err, errRecordTooLong):
			return record{}, errs.E(errs.Invalid, "the row after line %d is longer than %d bytes: is a quote left open?", f.line, MaxRecordBytes)
		case errors.As(err, &pe):
			f.line = pe.Line
			return record{Line: pe.StartLine, Cells: clip(cells), Problem: "is not valid CSV (" + pe.Err.Error() + ")"}, nil
		case err != nil:
			return record{}, err
		}
		if blank(cells) {
			continue
		}
		line, _ := f.cr.FieldPos(0)
		f.line = line
		rec := record{Line: line, Cells: cells}
		if len(cells) > MaxColumns {
			rec.Cells = cells[:MaxColumns]
			rec.Problem = fmt.Sprintf("has more than %d columns", MaxColumns)
		}
		for _, c := range rec.Cells {
			if len(c) > MaxCellBytes && rec.Problem == "" {
				rec.Problem = fmt.Sprintf("has a cell longer than %d characters", MaxCellBytes)
			}
		}
		return rec, nil
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// clip keeps a broken row's cells within the limits, for the report.
func clip(cells []string) []string {
	if len(cells) > MaxColumns {
		cells = cells[:MaxColumns]
	}
	for i, c := range cells {
		if len(c) > MaxCellBytes {
			cells[i] = c[:MaxCellBytes]
		}
	}
	return cells
}

// recordLimiter fails the read when one record grows past MaxRecordBytes
// (plus the read-ahead buffer): it counts the bytes handed to the CSV
// reader since the end of the last record.
type recordLimiter struct {
	r     io.Reader
	cr    *csv.Reader
	read  int64 // bytes read from r
	base  int64 // bytes skipped before the CSV reader (a BOM)
	start int64 // offset in r where the current record starts
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.read-l.start > MaxRecordBytes+64<<10 {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// mark notes that a record ended where the CSV reader now stands.
func (l *recordLimiter) mark() {
	if l.cr != nil {
		l.start = l.base + l.cr.InputOffset()
	}
}
