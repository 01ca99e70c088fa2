package catalog

// AlwaysWalk makes, for a test, PostgreSQL's search find every tier's page
// by walking its sort order's index (small catalogs are read whole).
func AlwaysWalk() (restore func()) {
	old := walkBias
	walkBias = 0
	return func() { walkBias = old }
}
