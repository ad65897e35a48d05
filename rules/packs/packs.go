// Package packs holds the built-in rule packs as embedded YAML files.
package packs

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

// FS returns the built-in pack files, one NAME.yaml per pack.
func FS() fs.FS { return files }
