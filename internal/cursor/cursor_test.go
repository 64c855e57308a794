package cursor

import "testing"

func TestRoundTripAndGarbage(t *testing.T) {
	type pos struct {
		V  string `json:"v"`
		ID int    `json:"id"`
	}
	var got pos
	if err := Decode(Encode(pos{V: "ada lovelace", ID: 7}), &got); err != nil || got != (pos{"ada lovelace", 7}) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	for _, s := range []string{"garbage!", "bm90IGpzb24"} {
		if err := Decode(s, &got); err == nil {
			t.Errorf("decoded %q", s)
		}
	}
}
