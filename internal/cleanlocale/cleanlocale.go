// Package cleanlocale keeps Fyne from logging "Error parsing user locale C" at start-up on systems
// whose locale is Debian's default C.UTF-8 (or POSIX.*): Fyne's locale lookup reads the language
// "C" from it, which is not a language tag, and complains from a package initialiser, before main
// runs — on every command, even headless ones.
//
// Importing this package (for its side effect) sets LANGUAGE=en when the effective locale is C.* or
// POSIX.* and LANGUAGE is unset. Its initialiser runs before Fyne's: it depends only on os, while
// Fyne's locale package waits for packages that sort after this one. LANGUAGE only orders message
// translations; in a C locale programs print English anyway, so child processes are unaffected.
package cleanlocale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(env)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
