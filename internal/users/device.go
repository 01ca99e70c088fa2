package users

import (
	"strings"
	"sync"

	"github.com/medama-io/go-useragent"
)

// uaParser reads User-Agent strings (medama-io/go-useragent: a small
// embedded table kept up to date by its authors, rather than our own
// guesses at every browser's way of naming itself). Built on first use.
var uaParser = sync.OnceValue(useragent.NewParser)

// Device names the browser and system a User-Agent describes, as a
// person recognises their own devices in a list of sessions: "Firefox on
// Windows", "Safari on iOS". A program that is not a browser is named by
// its first word ("curl"); an empty User-Agent is "". Pages word it in the
// reader's language from DeviceOf's parts.
func Device(userAgent string) string {
	d := DeviceOf(userAgent)
	switch {
	case d.Browser != "" && d.OS != "":
		return d.Browser + " on " + d.OS
	case d.Browser != "":
		return d.Browser
	case d.OS != "":
		return d.OS
	}
	return d.Program
}

// DeviceParts are what a User-Agent tells: a browser and its system, or
// else the program's name.
type DeviceParts struct {
	Browser string `json:"browser"`
	OS      string `json:"os"`
	Program string `json:"-"`
}

// DeviceOf reads a User-Agent.
func DeviceOf(userAgent string) DeviceParts {
	if userAgent == "" {
		return DeviceParts{}
	}
	a := uaParser().Parse(userAgent)
	d := DeviceParts{Browser: string(a.Browser()), OS: string(a.OS())}
	if d.Browser == "" && d.OS == "" {
		word, _, _ := strings.Cut(userAgent, " ")
		d.Program, _, _ = strings.Cut(word, "/")
	}
	return d
}
