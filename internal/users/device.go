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
// its first word ("curl"); an empty User-Agent is "".
func Device(userAgent string) string {
	if userAgent == "" {
		return ""
	}
	a := uaParser().Parse(userAgent)
	browser, os := string(a.Browser()), string(a.OS())
	switch {
	case browser != "" && os != "":
		return browser + " on " + os
	case browser != "":
		return browser
	case os != "":
		return os
	}
	word, _, _ := strings.Cut(userAgent, " ")
	word, _, _ = strings.Cut(word, "/")
	return word
}
