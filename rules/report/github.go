package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/sfapplint/sfapplint/rules"
)

// writeGitHub renders one GitHub Actions workflow command per finding, e.g.
//
//	::error file=F,line=L,col=C,title=RULE::message (see URL)%0Aremediation
//
// which the runner turns into an annotation on the file.
func writeGitHub(buf *bufio.Writer, in Input) error {
	for _, d := range in.Diagnostics {
		var props []string
		if d.File != "" {
			props = append(props, "file="+githubProperty(d.File))
			if d.Line > 0 {
				props = append(props, "line="+strconv.Itoa(d.Line))
				if d.Column > 0 {
					props = append(props, "col="+strconv.Itoa(d.Column))
				}
			}
		}
		props = append(props, "title="+githubProperty(d.Rule))
		fmt.Fprintf(buf, "::%s %s::%s\n", githubCommand(d.Severity), strings.Join(props, ","), githubData(longMessage(d)))
	}
	return nil
}

// githubCommand maps a severity to the workflow command that annotates it.
func githubCommand(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "error"
	case rules.SeverityNote:
		return "notice"
	}
	return "warning"
}

// githubDataEscaper and githubPropertyEscaper are built once: a Replacer is
// safe for concurrent use, and building one costs more than most replacements.
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// githubData escapes a workflow command's message (as @actions/core escapeData).
func githubData(s string) string {
	return githubDataEscaper.Replace(s)
}

// githubProperty escapes a workflow command property value (as @actions/core
// escapeProperty): the message escapes plus ":" and ",".
func githubProperty(s string) string {
	return githubPropertyEscaper.Replace(s)
}
