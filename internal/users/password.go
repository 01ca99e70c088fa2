package users

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: the OWASP recommendation of 19 MiB, 2 passes, one
// lane — about 20 ms on this kind of machine. They are written into every
// hash, so raising them later keeps old hashes verifiable.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// testCost is set by UseTestCost.
var testCost atomic.Bool

// UseTestCost makes this process hash new passwords with argon2id at a
// small cost (1 MiB, one pass). Only tests call it: their suites sign up
// and in thousands of times, and at the full cost argon2 and the garbage
// its 19 MiB leave took half of their CPU. The hashes keep their format
// and verify the same way; TestPasswordsAreHashedAtFullCost checks the
// full cost.
func UseTestCost() { testCost.Store(true) }

// argonCost is what a hash costs: memory in KiB, and passes.
type argonCost struct{ memory, passes uint32 }

var (
	fullCost  = argonCost{argonMemory, argonTime}
	cheapCost = argonCost{1024, 1}
)

var b64 = base64.RawStdEncoding

// hashPassword returns an argon2id hash in the PHC string format, at the
// full cost (or the tests' cost, UseTestCost).
func hashPassword(password string) string {
	if testCost.Load() {
		return hashAt(password, cheapCost)
	}
	return hashAt(password, fullCost)
}

// hashAt hashes password at cost c, with a random 16-byte salt.
func hashAt(password string, c argonCost) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, c.passes, c.memory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, c.memory, c.passes, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword reports whether password matches the PHC-encoded hash.
func checkPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when no user has the e-mail, so that a
// sign-in takes as long whether the address exists or not.
var dummyHash = hashAt("not a real password", fullCost)
