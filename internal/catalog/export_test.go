package catalog

// SetFewMatches changes, for a test, where PostgreSQL's search stops reading
// a tier's matches whole and walks the sort order's index instead.
func SetFewMatches(n int) (restore func()) {
	old := fewMatches
	fewMatches = n
	return func() { fewMatches = old }
}
