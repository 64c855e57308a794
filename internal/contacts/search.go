package contacts

import (
	"strings"
	"unicode"
)

// maxSearchWords bounds the words of one search.
const maxSearchWords = 5

// SearchWords turns a search into the word prefixes to look up, the same way
// the database splits contacts into terms (crm_search_words): lower-cased
// runs of letters and digits. A search that looks like a phone number is one
// run of its digits, so "(415) 555-01" finds +14155550100.
func SearchWords(q string) []string {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	if isPhoneLike(q) {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, q)
		return []string{digits}
	}
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := map[string]bool{}
	out := make([]string, 0, len(words))
	for _, w := range words {
		if len(w) > 100 {
			w = w[:100]
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
		if len(out) == maxSearchWords {
			break
		}
	}
	return out
}

func isPhoneLike(q string) bool {
	digits := 0
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-().", r):
		default:
			return false
		}
	}
	return digits >= 3
}
