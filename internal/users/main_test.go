package users_test

import (
	"os"
	"testing"

	"atelier/internal/users"
)

// TestMain hashes at the tests' cost: the package's tests sign up and in
// hundreds of times; TestPasswordsAreHashedAtFullCost checks the real one.
func TestMain(m *testing.M) {
	users.UseTestCost()
	os.Exit(m.Run())
}
