package users

import (
	"strings"
	"testing"
)

// Passwords are hashed with argon2id at the OWASP cost (19 MiB, 2 passes,
// one lane), verify in constant time, and a wrong password or a damaged
// hash does not verify. The package's other tests hash at the tests' cost
// (UseTestCost), which only changes the two numbers written in the hash.
func TestPasswordsAreHashedAtFullCost(t *testing.T) {
	hash := hashAt("correct horse", fullCost)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, "correct horse") {
		t.Fatalf("hash %q", hash)
	}
	if hashAt("correct horse", fullCost) == hash {
		t.Fatal("no salt")
	}
	if !checkPassword(hash, "correct horse") || checkPassword(hash, "correct horsE") || checkPassword(hash[:len(hash)-2], "correct horse") {
		t.Fatal("verification")
	}
	if !strings.HasPrefix(dummyHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatal("the dummy hash is not at the full cost: an unknown address would answer faster")
	}
}
