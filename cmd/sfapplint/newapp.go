package main

// The steps init and migrate share to write the files of a new app.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/metadata/edit"
)

// appFile is one file of a new app: its type, the name of its component and
// its elements.
type appFile struct {
	typ       metadata.Type
	component string
	elements  []edit.Element
}

// ecaChildFile is the file of child type t of the External Client App name:
// the elements every such file has, then extra, sorted.
func ecaChildFile(name string, t metadata.Type, extra ...edit.Element) appFile {
	comp := edit.ComponentName(name, t)
	els := append(edit.ChildElements(t, name, comp), extra...)
	edit.SortElements(els)
	return appFile{typ: t, component: comp, elements: els}
}

// fileDest is where a file of a new app goes: the path shown to the user and
// the path on disk.
type fileDest struct {
	display string
	abs     string
}

// refuseOverwrite returns a usage error naming the destinations that exist
// already, unless force is set.
func refuseOverwrite(dests []fileDest, force bool) error {
	var exists []string
	for _, d := range dests {
		if _, err := os.Lstat(d.abs); err == nil {
			exists = append(exists, d.display)
		}
	}
	if len(exists) > 0 && !force {
		return usageErrorf("not overwriting existing files (use --force): %s", strings.Join(exists, ", "))
	}
	return nil
}

// writeAppFile writes data to d through s.Files, creating its directory first.
func writeAppFile(s *Streams, d fileDest, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(d.abs), 0o755); err != nil {
		return err
	}
	if err := s.Files.WriteFile(d.abs, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", d.display, err)
	}
	return nil
}

// printTodo prints what the admin must still do by hand, numbered.
func printTodo(w io.Writer, todo []string) {
	fmt.Fprintln(w, "\nStill to do by hand:")
	for i, t := range todo {
		fmt.Fprintf(w, "%2d. %s\n", i+1, strings.ReplaceAll(wrap(t, 74), "\n", "\n    "))
	}
}
