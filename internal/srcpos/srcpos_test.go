package srcpos

import "testing"

func TestErrorListSortsAndDedups(t *testing.T) {
	var l ErrorList
	l.Add(Pos{Filename: "b.s", Line: 1, Col: 1}, "later file")
	l.Add(Pos{Filename: "a.s", Line: 2, Col: 5}, "second")
	l.Add(Pos{Filename: "a.s", Line: 2, Col: 1}, "first")
	l.Add(Pos{Filename: "a.s", Line: 2, Col: 5}, "second")
	l.Add(Pos{Filename: "a.s", Line: 2, Col: 5}, "same place, found later")
	err := l.Err()
	want := "a.s:2:1: first\na.s:2:5: second\na.s:2:5: same place, found later\nb.s:1:1: later file"
	if err == nil || err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	if (ErrorList{}).Err() != nil {
		t.Error("an empty list is no error")
	}
}
