package rules

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// ConfigFileName is the project configuration file found from the working
// directory upwards.
const ConfigFileName = ".sfapplint.yaml"

// Config is a project configuration.
type Config struct {
	File string
	// Packs to run (ids or pack file paths relative to the config file).
	Packs []string
	// Params by "pack.name".
	Params map[string]string
	// Severity overrides by full rule id: error, warning, note or off.
	Severity map[string]string
	// Ignore lists doublestar globs of paths (relative to the config file's directory) not to read.
	Ignore []string
	// FailOn is the threshold: error, warning, note or never.
	FailOn string
	// Baseline is a baseline file (relative to the config file).
	Baseline string
	// Origins records where each setting came from: "file:line" by key
	// ("packs", "params.autokitteh.deployment", "severity.baseline/full-scope", ...).
	Origins map[string]string
}

// Dir is the directory the config's relative paths are resolved against.
func (c *Config) Dir() string {
	if c.File == "" {
		return ""
	}
	return filepath.Dir(c.File)
}

// FindConfig looks for .sfapplint.yaml from dir upwards, stopping at the
// repository root (a directory holding .git) or the file system root.
// It returns "" when there is none.
func FindConfig(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, ConfigFileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("looking for %s: %w", p, err)
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return "", nil
		}
		if filepath.Dir(d) == d {
			return "", nil
		}
	}
}

// LoadConfigFile reads and validates a config file.
func LoadConfigFile(file string) (*Config, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("opening config: %w", err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	return LoadConfig(file, f)
}

// FailOnValues are the accepted fail-on thresholds.
var failOnValues = []string{"error", "warning", "note", "never"}

// ValidFailOn reports whether s is error, warning, note or never.
func ValidFailOn(s string) bool { return slices.Contains(failOnValues, s) }

// LoadConfig parses a config. Every mistake is reported with file:line:column.
func LoadConfig(file string, r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	c := &Config{File: file, Params: map[string]string{}, Severity: map[string]string{}, Origins: map[string]string{}}
	root, err := decodeDocument(file, data)
	if errors.Is(err, io.EOF) {
		return c, nil // an empty config is a valid config
	}
	if err != nil {
		return nil, err
	}
	le := &loadErrors{file: file}
	origin := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d:%d", file, n.Line, n.Column) }
	parseMapping(root, le, map[string]func(*yaml.Node){
		"packs": func(n *yaml.Node) {
			c.Packs = stringList(n, le)
			c.Origins["packs"] = origin(n)
		},
		"params": func(n *yaml.Node) {
			if n.Kind != yaml.MappingNode {
				le.add(n, "params must be a mapping such as {autokitteh.deployment: dedicated}")
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if !strings.Contains(k.Value, ".") {
					le.add(k, "parameter %q must be written PACK.NAME", k.Value)
					continue
				}
				c.Params[k.Value] = scalar(v, le)
				c.Origins["params."+k.Value] = origin(k)
			}
		},
		"severity": func(n *yaml.Node) {
			if n.Kind != yaml.MappingNode {
				le.add(n, "severity must be a mapping of rule id to error, warning, note or off")
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				s := scalar(v, le)
				if s != SeverityOff {
					if _, err := ParseSeverity(s); err != nil {
						le.add(v, "severity of %s: %q is not error, warning, note or off", k.Value, s)
					}
				}
				if !strings.Contains(k.Value, "/") {
					le.add(k, "rule id %q must be written PACK/RULE", k.Value)
				}
				c.Severity[k.Value] = s
				c.Origins["severity."+k.Value] = origin(k)
			}
		},
		"ignore": func(n *yaml.Node) {
			c.Ignore = stringList(n, le)
			for _, g := range c.Ignore {
				if !doublestar.ValidatePattern(g) {
					le.add(n, "bad glob %q", g)
				}
			}
			c.Origins["ignore"] = origin(n)
		},
		"fail-on": func(n *yaml.Node) {
			c.FailOn = scalar(n, le)
			if !ValidFailOn(c.FailOn) {
				le.add(n, "fail-on %q is not error, warning, note or never", c.FailOn)
			}
			c.Origins["fail-on"] = origin(n)
		},
		"baseline": func(n *yaml.Node) {
			c.Baseline = scalar(n, le)
			c.Origins["baseline"] = origin(n)
		},
	})
	if len(le.errs) > 0 {
		return nil, LoadErrors(le.errs)
	}
	return c, nil
}

// Validate checks the config's references against the catalog: packs, rule ids, parameters.
func (c *Config) Validate(cat *Catalog) error {
	var errs []string
	for _, p := range c.Packs {
		if cat.Pack(p) == nil && !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			errs = append(errs, fmt.Sprintf("%s: unknown pack %q", c.Origins["packs"], p))
		}
	}
	for id := range c.Severity {
		if cat.Rule(id) == nil {
			errs = append(errs, fmt.Sprintf("%s: unknown rule %q", c.Origins["severity."+id], id))
		}
	}
	for key := range c.Params {
		packID, name, _ := strings.Cut(key, ".")
		p := cat.Pack(packID)
		switch {
		case p == nil:
			errs = append(errs, fmt.Sprintf("%s: parameter %q names unknown pack %q", c.Origins["params."+key], key, packID))
		case name != "app" && p.Params[name] == nil:
			errs = append(errs, fmt.Sprintf("%s: pack %s has no parameter %q", c.Origins["params."+key], packID, name))
		case name != "app":
			if err := p.Params[name].validate(c.Params[key]); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %s: %v", c.Origins["params."+key], key, err))
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// IgnoreFunc returns a matcher for display paths (relative to wd) against the
// config's ignore globs, which are relative to the config's directory.
func (c *Config) IgnoreFunc(wd string) func(string) bool {
	if len(c.Ignore) == 0 {
		return nil
	}
	base := c.Dir()
	return func(display string) bool {
		p := display
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, filepath.FromSlash(display))
		}
		if rel, err := filepath.Rel(base, p); err == nil {
			p = filepath.ToSlash(rel)
		}
		for _, g := range c.Ignore {
			if ok, _ := doublestar.Match(g, p); ok {
				return true
			}
		}
		return false
	}
}
