package troubleshoot

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Shape is the form an error text was pasted in.
type Shape string

// Input shapes ParseError recognizes.
const (
	ShapeEmpty   Shape = "empty"   // nothing given
	ShapeCode    Shape = "code"    // a bare error code: redirect_uri_mismatch
	ShapeMessage Shape = "message" // a description without a code: user hasn't approved this consumer
	ShapeURL     Shape = "url"     // a browser address: ...?error=...&error_description=... (query or fragment)
	ShapeJSON    Shape = "json"    // a token-endpoint or REST error body
	ShapeSOAP    Shape = "soap"    // a SOAP fault (faultcode / faultstring)
	ShapeCLI     Shape = "cli"     // a tool's output line: Error (1): ..., Request Failed: ..., CODE: description
	ShapePairs   Shape = "pairs"   // key=value text: error=OAUTH_APP_BLOCKED error_description=...
)

// WrapperGeneric is Salesforce's generic approval error, which wraps the real one.
const WrapperGeneric = "OAUTH_APPROVAL_ERROR_GENERIC"

// WrapperErrorPage is Salesforce's error page; its address carries the real error.
const WrapperErrorPage = "RemoteAccessErrorPage"

// ParsedError is an error text reduced to what identifies it.
type ParsedError struct {
	// Input is the text as given, trimmed.
	Input string `json:"input"`
	Shape Shape  `json:"shape"`
	// Code is the error code as written (invalid_grant, API_DISABLED_FOR_ORG), "" when none.
	Code string `json:"code,omitempty"`
	// Description is the error description or message, URL-decoded, "" when none.
	Description string `json:"description,omitempty"`
	// Wrappers lists the generic wrappers the real error was found inside
	// (RemoteAccessErrorPage, OAUTH_APPROVAL_ERROR_GENERIC).
	Wrappers []string `json:"wrappers,omitempty"`
	// Params holds the OAuth request parameters found in a pasted address:
	// client_id, redirect_uri, scope, response_type, grant_type, code_challenge.
	Params map[string]string `json:"params,omitempty"`
	// Host is the host of a pasted address (login.salesforce.com, a My Domain, ...).
	Host string `json:"host,omitempty"`
}

// Wrapped reports whether the error came inside the named wrapper.
func (p ParsedError) Wrapped(name string) bool {
	return slices.Contains(p.Wrappers, name)
}

// maxInput bounds the text ParseError looks at; error texts are short.
const maxInput = 64 << 10

// requestParams are the OAuth request parameters kept from a pasted address.
var requestParams = []string{"client_id", "redirect_uri", "scope", "response_type", "grant_type", "code_challenge", "code_challenge_method"}

// patterns are the parser's regular expressions, compiled on first use rather
// than at start-up, which every command would otherwise pay for.
type patterns struct {
	genericDescriptionRE, codeRE, codeLeadRE, cliPrefixRE, pairErrorRE, pairKeyRE, faultCodeRE, faultStringRE, exceptionRE, faultCodeTextRE, percentRE *regexp.Regexp
}

var compiledPatterns = sync.OnceValue(func() *patterns {
	return &patterns{
		// genericDescriptionRE matches the text of the generic approval error, which says nothing.
		genericDescriptionRE: regexp.MustCompile(`(?i)^\W*(?:oauth_approval_error_generic\W*)?(?:an\s+)?unexpected\s+error\s+has\s+occ?urr?ed\s+during\s+authentication\W*$`),
		// codeRE is what an error code looks like: letters and digits joined by underscores or hyphens
		// (invalid_grant, API_DISABLED_FOR_ORG, access-denied).
		codeRE: regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+$`),
		// codeLeadRE splits "CODE: description", "CODE - description" and "CODE description".
		codeLeadRE: regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+)(?:\s*[:=]\s*|\s+[-–—]\s+|\s+)(.*)$`),
		// cliPrefixRE strips what tools print before the error.
		cliPrefixRE: regexp.MustCompile(`(?i)^(?:` +
			`\[?(?:error|err|fatal)\]?\s*\(\s*[\w.-]*\s*\)\s*:?\s*` + // Error (1): / Error (InvalidGrant):
			`|error\s+running\s+[\w:.-]+\s*:?\s*` + // ERROR running force:auth:jwt:grant:
			`|(?:sfdx|sf|force)\s*:\s*` +
			`|request\s+failed\s*:?\s*` +
			`|[\w.$]*(?:error|exception|failure|failed)\s*:\s*` + // Error: / Remote_Error: / SfError: / Failed:
			`|.{0,120}?\bdue\s+to\s*:\s*` + // Error authenticating with auth code due to:
			`|\[?\d{4}-\d\d-\d\d[T ][\d:.]+Z?\]?\s*` + // a timestamp
			`|(?:http\s*)?(?:status\s*)?\b[45]\d\d\b(?:\s+[A-Za-z][A-Za-z ]{0,30}?)?\s*[:-]\s*` + // 400 Bad Request:
			`)`),
		// pairErrorRE finds error=VALUE written as free text (not inside an address).
		pairErrorRE: regexp.MustCompile(`(?i)(?:^|[\s,;])error\s*=\s*"?([^\s&",;]+)`),
		// pairKeyRE finds the start of a key=value pair in free text.
		pairKeyRE: regexp.MustCompile(`(?i)(?:^|\s)([a-z_]+)\s*=`),
		// faultCodeRE and faultStringRE read a SOAP fault.
		faultCodeRE:   regexp.MustCompile(`(?is)<(?:[\w-]+:)?faultcode[^>]*>\s*(.*?)\s*</(?:[\w-]+:)?faultcode>`),
		faultStringRE: regexp.MustCompile(`(?is)<(?:[\w-]+:)?faultstring[^>]*>\s*(.*?)\s*</(?:[\w-]+:)?faultstring>`),
		exceptionRE:   regexp.MustCompile(`(?is)<(?:[\w-]+:)?exceptionCode[^>]*>\s*(.*?)\s*</(?:[\w-]+:)?exceptionCode>`),
		// faultCodeTextRE reads "faultCode: X" / "faultcode=X" written as text.
		faultCodeTextRE: regexp.MustCompile(`(?i)\bfault_?code\b["']?\s*[:=]\s*["']?(?:[\w-]+:)?([A-Za-z][\w-]*)`),
		percentRE:       regexp.MustCompile(`%[0-9A-Fa-f]{2}`),
	}
})

// ParseError reduces an error text to its code and description. It accepts a
// bare code, a message, a browser address (query or fragment, URL-encoded,
// including Salesforce's RemoteAccessErrorPage and OAUTH_APPROVAL_ERROR_GENERIC
// wrappers, whose description names the real error), a JSON error body (OAuth
// {"error","error_description"} or the REST [{"errorCode","message"}] array), a
// SOAP fault, or a line of tool output. It never fails: text it cannot
// structure becomes a message.
func ParseError(text string) ParsedError {
	if len(text) > maxInput {
		text = text[:maxInput]
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	p := ParsedError{Input: strings.TrimSpace(text)}
	s := strings.TrimSpace(strings.Trim(strings.TrimSpace(text), "`"))
	if s == "" {
		p.Shape = ShapeEmpty
		return p
	}
	collectParams(&p, s)
	switch {
	case parseJSONText(&p, s):
		p.Shape = ShapeJSON
	case parseSOAP(&p, s):
		p.Shape = ShapeSOAP
	case parsePairs(&p, s):
		p.Shape = ShapePairs
	case parseURLs(&p, s):
		p.Shape = ShapeURL
	default:
		rest := s
		if urlTokenRE().MatchString(s) && (p.Params != nil || p.Host != "") {
			// An address without an error (the authorization request itself):
			// keep its parameters and read the rest of the text, if any.
			rest = strings.TrimSpace(stripURLs(s))
			p.Shape = ShapeURL
		}
		if rest != "" {
			parseLine(&p, rest)
		}
	}
	unwrap(&p, 0)
	p.Code = strings.TrimSpace(p.Code)
	p.Description = cleanDescription(p.Description)
	if p.Code == "" && p.Description == "" && p.Shape != ShapeEmpty && len(p.Wrappers) == 0 && p.Params == nil && p.Host == "" {
		// Something was pasted but nothing structured was found in it: keep the text.
		p.Description = cleanDescription(s)
		if p.Shape == ShapeURL || p.Shape == "" {
			p.Shape = ShapeMessage
		}
	}
	return p
}

// parseLine handles a line of text: tool output, "CODE: description", a bare
// code or a message.
func parseLine(p *ParsedError, s string) {
	stripped := false
	for i := 0; i < 6; i++ {
		loc := compiledPatterns().cliPrefixRE.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		next := strings.TrimSpace(s[loc[1]:])
		if next == "" {
			break
		}
		// "Error: invalid_grant" strips; "invalid_grant" alone must not be eaten.
		s, stripped = next, true
	}
	if p.Params != nil {
		s = strings.TrimSpace(stripURLs(s))
	}
	s = strings.Trim(s, " \t\"'`")
	first := firstLine(s)
	switch {
	case compiledPatterns().codeRE.MatchString(first) && !strings.ContainsAny(first, " \t"):
		p.Code = first
		if stripped {
			p.Shape = ShapeCLI
		} else {
			p.Shape = ShapeCode
		}
	default:
		if m := compiledPatterns().codeLeadRE.FindStringSubmatch(first); m != nil && looksLikeCode(m[1]) {
			p.Code, p.Description = m[1], m[2]
			p.Shape = ShapeCLI
		} else {
			p.Description = s
			if stripped {
				p.Shape = ShapeCLI
			} else {
				p.Shape = ShapeMessage
			}
		}
	}
}

// looksLikeCode tells an error code at the start of a line from an ordinary
// hyphenated or underscored word: codes are known catalogue codes or written
// with underscores.
func looksLikeCode(s string) bool {
	if knownCode(s) {
		return true
	}
	return strings.Contains(s, "_") && !strings.Contains(s, "-")
}

// knownCodes are the error codes of the catalogue (a test keeps the two in
// step), and a few more that libraries print.
var knownCodes = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range []string{
		"redirect_uri_mismatch", "redirect_uri_missing", "invalid_client_id", "unsupported_response_type",
		"invalid_scope", "OAUTH_DISALLOWED_SCOPES", "invalid_request", "access_denied", "access-denied",
		"immediate_unsuccessful", "OAUTH_APPROVAL_ERROR_GENERIC", "OAUTH_APP_BLOCKED", "OAUTH_APP_ACCESS_DENIED",
		"invalid_app_access", "OAUTH_AUTHORIZATION_BLOCKED", "OAUTH_EC_APP_NOT_FOUND", "inactive_user",
		"inactive_org", "rate_limit_exceeded", "invalid_client", "invalid_client_credentials", "invalid_grant",
		"unsupported_grant_type", "unauthorized_client", "authorization_pending", "slow_down", "expired_token",
		"API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "INVALID_SESSION_ID", "INVALID_AUTH_HEADER",
		"INVALID_LOGIN", "LOGIN_MUST_USE_SECURITY_TOKEN", "INSUFFICIENT_ACCESS", "REQUEST_LIMIT_EXCEEDED",
		"server_error", "temporarily_unavailable", "invalid_token", "login_required", "consent_required",
	} {
		m[strings.ToLower(c)] = true
	}
	return m
}()

func knownCode(s string) bool { return knownCodes[strings.ToLower(s)] }

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return strings.TrimSpace(s)
}

// parseJSONText finds a JSON object or array in s and reads the error from it.
func parseJSONText(p *ParsedError, s string) bool {
	// A few candidate starts are enough for a pasted body; trying every brace
	// of a long text would be quadratic.
	for start, tries := 0, 0; start < len(s) && tries < 8; tries++ {
		i := strings.IndexAny(s[start:], "{[")
		if i < 0 {
			return false
		}
		i += start
		dec := json.NewDecoder(strings.NewReader(s[i:]))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err == nil {
			code, desc := jsonError(v, 0)
			if code != "" || desc != "" {
				p.Code, p.Description = code, desc
				return true
			}
		}
		start = i + 1
	}
	return false
}

// jsonError reads (code, description) from a decoded JSON value.
func jsonError(v any, depth int) (string, string) {
	if depth > 8 {
		return "", ""
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if c, d := jsonError(e, depth+1); c != "" || d != "" {
				return c, d
			}
		}
	case map[string]any:
		get := func(keys ...string) (string, any) {
			for _, want := range keys {
				for k, val := range x {
					if strings.EqualFold(k, want) {
						if s, ok := val.(string); ok {
							return s, val
						}
						return "", val
					}
				}
			}
			return "", nil
		}
		code, raw := get("error", "errorCode", "error_code", "faultCode", "exceptionCode", "code")
		if code == "" && raw != nil {
			// {"error": {"code": ..., "message": ...}}
			if c, d := jsonError(raw, depth+1); c != "" || d != "" {
				return c, d
			}
		}
		desc, _ := get("error_description", "errorDescription", "message", "faultString", "exceptionMessage", "error_message", "msg")
		if code != "" || desc != "" {
			if strings.Contains(code, ":") && !strings.Contains(code, " ") {
				code = code[strings.LastIndex(code, ":")+1:] // sf:API_CURRENTLY_DISABLED
			}
			return code, desc
		}
		for _, key := range []string{"errors", "body", "data", "response", "fault", "cause"} {
			for k, val := range x {
				if strings.EqualFold(k, key) {
					if c, d := jsonError(val, depth+1); c != "" || d != "" { // first match in key order
						return c, d
					}
				}
			}
		}
	}
	return "", ""
}

// parseSOAP reads a SOAP fault, written as XML or as text.
func parseSOAP(p *ParsedError, s string) bool {
	if m := compiledPatterns().faultCodeRE.FindStringSubmatch(s); m != nil {
		p.Code = stripPrefix(m[1])
		if ex := compiledPatterns().exceptionRE.FindStringSubmatch(s); ex != nil && p.Code != "" && !looksLikeCode(p.Code) {
			p.Code = ex[1]
		}
		if f := compiledPatterns().faultStringRE.FindStringSubmatch(s); f != nil {
			p.Description = xmlUnescape(f[1])
		}
		splitLeadingCode(p)
		return p.Code != "" || p.Description != ""
	}
	if m := compiledPatterns().faultCodeTextRE.FindStringSubmatch(s); m != nil {
		p.Code = m[1]
		if i := strings.Index(strings.ToLower(s), "faultstring"); i >= 0 {
			rest := strings.TrimLeft(s[i+len("faultstring"):], `"' :=`)
			p.Description = strings.Trim(firstLine(rest), `"',}`)
		}
		splitLeadingCode(p)
		return true
	}
	return false
}

// splitLeadingCode turns a description "CODE: text" whose CODE is the error
// code (or the only code) into the plain text.
func splitLeadingCode(p *ParsedError) {
	m := compiledPatterns().codeLeadRE.FindStringSubmatch(p.Description)
	if m == nil || !looksLikeCode(m[1]) {
		return
	}
	if p.Code == "" || strings.EqualFold(m[1], p.Code) || strings.EqualFold(p.Code, "soapenv:Server") || strings.EqualFold(p.Code, "Server") {
		p.Code, p.Description = m[1], m[2]
	}
}

func stripPrefix(code string) string {
	code = strings.TrimSpace(code)
	if i := strings.LastIndex(code, ":"); i >= 0 {
		code = code[i+1:]
	}
	return code
}

// xmlUnescaper decodes the five predefined XML entities (and &#39;).
var xmlUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&#39;", "'", "&amp;", "&")

// xmlUnescape decodes the predefined XML entities of s in one pass.
func xmlUnescape(s string) string {
	return xmlUnescaper.Replace(s)
}

// parsePairs reads "error=X error_description=some words" written as free
// text, as some tools print it (not inside an address, where & separates).
func parsePairs(p *ParsedError, s string) bool {
	m := compiledPatterns().pairErrorRE.FindStringSubmatchIndex(s)
	if m == nil {
		return false
	}
	// error=X&error_description=Y: a query without its address.
	if tok := s[m[2]:]; strings.Contains(firstField(tok), "&") {
		start := strings.LastIndex(s[:m[2]], "error")
		if start >= 0 && readURL(p, "?"+firstField(s[start:]), 0) {
			return true
		}
	}
	// Inside an address (…?error=… or …&error=…) this is not free text.
	if strings.ContainsAny(lastToken(s[:m[2]]), "?&#/") {
		return false
	}
	p.Code = strings.Trim(s[m[2]:m[3]], `"'`)
	keys := compiledPatterns().pairKeyRE.FindAllStringSubmatchIndex(s, -1)
	for i, k := range keys {
		name := strings.ToLower(s[k[2]:k[3]])
		end := len(s)
		if i+1 < len(keys) {
			end = keys[i+1][0]
		}
		val := strings.TrimSpace(s[k[1]:end])
		val = strings.Trim(val, `"',;`)
		switch name {
		case "error_description", "errordescription", "description", "message":
			p.Description = decodeValue(val)
		default:
			if slices.Contains(requestParams, name) {
				setParam(p, name, decodeValue(firstField(val)))
			}
		}
	}
	p.Code = decodeValue(p.Code)
	return true
}

func lastToken(s string) string {
	s = strings.TrimRight(s, " \t")
	if i := strings.LastIndexAny(s, " \t\r\n"); i >= 0 {
		return s[i+1:]
	}
	return s
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// urlTokenRE finds address-like tokens: with a scheme, a path with a query, or a bare query.
var urlTokenRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+.-]*://[^\s"'<>` + "`" + `]+|(?:^|[\s"'(<])/[^\s"'<>` + "`" + `]*[?#][^\s"'<>` + "`" + `]+|(?:^|[\s"'(<])[?#][^\s"'<>` + "`" + `]*=[^\s"'<>` + "`" + `]*)`)
})

// descTailRE matches an address whose last parameter is the error description.
var descTailRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)[?&#]error_description=[^&#]*$`) })

// parseURLs reads the error from the addresses in s. Request parameters found
// along the way are kept even when no address carries an error.
func parseURLs(p *ParsedError, s string) bool {
	for _, loc := range urlTokenRE().FindAllStringIndex(s, 16) {
		tok := strings.TrimLeft(s[loc[0]:loc[1]], " \t\r\n\"'(<")
		tok = strings.TrimRight(tok, ".,;)>\"'")
		// A description pasted with its spaces decoded runs on past the token:
		// …&error_description=the requested scope is not allowed
		if descTailRE().MatchString(tok) {
			rest := s[loc[1]:]
			if i := strings.IndexAny(rest, "\r\n&"); i >= 0 {
				rest = rest[:i]
			}
			tok += strings.TrimRight(rest, " \t.\"'")
		}
		if readURL(p, tok, 0) {
			return true
		}
	}
	return false
}

// collectParams keeps the OAuth request parameters of every address in s
// (the authorization request pasted next to the error).
func collectParams(p *ParsedError, s string) {
	for _, tok := range urlTokenRE().FindAllString(s, 16) {
		tok = strings.TrimLeft(tok, " \t\r\n\"'(<")
		var tmp ParsedError
		readURL(&tmp, strings.TrimRight(tok, ".,;)>\"'"), 0)
		for k, v := range tmp.Params {
			setParam(p, k, v)
		}
		if p.Host == "" {
			p.Host = tmp.Host
		}
	}
}

func stripURLs(s string) string {
	return urlTokenRE().ReplaceAllString(s, " ")
}

// readURL reads one address: query and fragment, decoded; it follows
// addresses nested in parameter values (startURL=, retURL=).
func readURL(p *ParsedError, raw string, depth int) bool {
	if depth > 3 {
		return false
	}
	path, query, fragment := raw, "", ""
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, fragment = path[:i], path[i+1:]
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i+1:]
	}
	if u, err := url.Parse(path); err == nil && u.Host != "" && p.Host == "" {
		p.Host = strings.ToLower(u.Hostname())
	}
	if strings.Contains(strings.ToLower(path), strings.ToLower(WrapperErrorPage)) {
		addWrapper(p, WrapperErrorPage)
	}
	var code, desc string
	var nested []string
	for _, part := range []string{query, fragment} {
		if part == "" {
			continue
		}
		values := parseQuery(part)
		for key, vals := range values {
			if len(vals) == 0 {
				continue
			}
			v := decodeValue(vals[0])
			switch strings.ToLower(key) {
			case "error", "error_code", "errorcode", "ec_error":
				if code == "" {
					code = v
				}
			case "error_description", "errordescription", "error_message", "errormessage", "message":
				if desc == "" {
					desc = v
				}
			default:
				lk := strings.ToLower(key)
				if slices.Contains(requestParams, lk) {
					setParam(p, lk, v)
				} else if strings.Contains(strings.ToLower(v), "error=") {
					nested = append(nested, v)
				}
			}
		}
	}
	if code != "" || desc != "" {
		p.Code, p.Description = code, desc
		return true
	}
	for _, n := range nested {
		if readURL(p, n, depth+1) {
			return true
		}
	}
	return false
}

// parseQuery parses a query string leniently: a malformed pair is skipped,
// not fatal, and ';' is not a separator.
func parseQuery(q string) url.Values {
	out := url.Values{}
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		out.Add(key, v) // values are decoded by decodeValue
	}
	return out
}

// decodeValue URL-decodes a value ('+' as space), repeatedly for values that
// were encoded more than once, and tolerates broken escapes.
func decodeValue(v string) string {
	v = strings.ReplaceAll(v, "+", " ")
	decoded := false
	for i := 0; i < 3 && compiledPatterns().percentRE.MatchString(v); i++ {
		decoded = true
		d, err := url.PathUnescape(v)
		if err != nil {
			d = compiledPatterns().percentRE.ReplaceAllStringFunc(v, func(m string) string {
				s, err := url.PathUnescape(m)
				if err != nil {
					return m
				}
				return s
			})
		}
		if d == v {
			break
		}
		v = d
	}
	// A value encoded twice keeps the pluses of its first encoding
	// (app%2Bmust%2Bbe → app+must+be): they are spaces too.
	if decoded && !strings.Contains(v, " ") && strings.Count(v, "+") >= 2 {
		v = strings.ReplaceAll(v, "+", " ")
	}
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	return v
}

func setParam(p *ParsedError, key, value string) {
	if value == "" {
		return
	}
	if p.Params == nil {
		p.Params = map[string]string{}
	}
	if _, ok := p.Params[key]; !ok {
		p.Params[key] = value
	}
}

func addWrapper(p *ParsedError, w string) {
	if !p.Wrapped(w) {
		p.Wrappers = append(p.Wrappers, w)
	}
}

// unwrap replaces a generic wrapper error by the real error its description
// names, and drops the wrapper's text, which says nothing.
func unwrap(p *ParsedError, depth int) {
	if depth > 3 {
		return
	}
	desc := strings.TrimSpace(p.Description)
	// A description that is itself an encoded query or address.
	if strings.Contains(strings.ToLower(desc), "error=") {
		inner := ParsedError{}
		if readURL(&inner, "?"+strings.TrimLeft(desc[strings.Index(strings.ToLower(desc), "error="):], "?&#"), 0) && inner.Code != "" {
			if p.Code != "" && !strings.EqualFold(p.Code, inner.Code) {
				addWrapper(p, p.Code)
			}
			p.Code, p.Description = inner.Code, inner.Description
			unwrap(p, depth+1)
			return
		}
	}
	if strings.EqualFold(p.Code, WrapperGeneric) || strings.EqualFold(p.Code, "OAUTH_APPROVAL_ERROR") {
		addWrapper(p, WrapperGeneric)
		p.Code = ""
		switch {
		case compiledPatterns().genericDescriptionRE.MatchString(desc):
			p.Description = ""
		default:
			// "invalid_scope: the requested scope is not allowed" or just the inner text.
			if m := compiledPatterns().codeLeadRE.FindStringSubmatch(desc); m != nil && looksLikeCode(m[1]) {
				p.Code, p.Description = m[1], m[2]
			} else if compiledPatterns().codeRE.MatchString(desc) {
				p.Code, p.Description = desc, ""
			}
		}
		unwrap(p, depth+1)
		return
	}
	// The generic text after a real code, or the wrapper named in the description.
	lower := strings.ToLower(desc)
	if i := strings.Index(lower, strings.ToLower(WrapperGeneric)); i >= 0 {
		addWrapper(p, WrapperGeneric)
		rest := strings.TrimSpace(strings.TrimLeft(desc[i+len(WrapperGeneric):], " :-–"))
		before := strings.TrimSpace(strings.TrimRight(desc[:i], " :-–"))
		switch {
		case compiledPatterns().genericDescriptionRE.MatchString(rest) || rest == "":
			p.Description = before
		default:
			p.Description = strings.TrimSpace(before + " " + rest)
		}
		if m := compiledPatterns().codeLeadRE.FindStringSubmatch(p.Description); m != nil && looksLikeCode(m[1]) && p.Code == "" {
			p.Code, p.Description = m[1], m[2]
		}
		return
	}
	if compiledPatterns().genericDescriptionRE.MatchString(desc) {
		addWrapper(p, WrapperGeneric)
		p.Description = ""
		return
	}
	// "Remote_Error: OAUTH_APP_BLOCKED" and similar: a code inside the description.
	if p.Code == "" {
		if m := compiledPatterns().codeLeadRE.FindStringSubmatch(desc); m != nil && knownCode(m[1]) {
			p.Code, p.Description = m[1], m[2]
		} else if knownCode(desc) {
			p.Code, p.Description = desc, ""
		}
	}
}

// cleanDescription trims quotes, trailing punctuation and repeated whitespace.
func cleanDescription(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "\"'`")
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimSpace(s)
}
