package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/sfapplint/sfapplint/metadata"
)

// inputFlags are the flags every command that reads metadata shares.
type inputFlags struct {
	maxFileSize int64
	maxDepth    int
	maxZipSize  int64
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	lim := metadata.DefaultLimits()
	fs.Int64Var(&f.maxFileSize, "max-file-size", lim.MaxFileSize, "largest metadata file to read, in bytes")
	fs.IntVar(&f.maxDepth, "max-depth", lim.MaxDepth, "deepest XML element nesting to accept")
	fs.Int64Var(&f.maxZipSize, "max-zip-size", lim.MaxZipSize, "largest zip archive to read, in bytes")
}

func (f *inputFlags) limits() (metadata.Limits, error) {
	lim := metadata.DefaultLimits()
	if f.maxFileSize <= 0 || f.maxDepth <= 0 || f.maxZipSize <= 0 {
		return lim, usageErrorf("--max-file-size, --max-depth and --max-zip-size must be positive")
	}
	lim.MaxFileSize, lim.MaxDepth, lim.MaxZipSize = f.maxFileSize, f.maxDepth, f.maxZipSize
	if lim.MaxZipEntrySize > lim.MaxFileSize {
		lim.MaxZipEntrySize = lim.MaxFileSize
	}
	return lim, nil
}

// loadInputs is load within the limits the input flags set.
func loadInputs(ctx context.Context, s *Streams, schema func() (*metadata.Schema, error), paths []string, f *inputFlags, ignore func(string) bool) (*metadata.Project, error) {
	lim, err := f.limits()
	if err != nil {
		return nil, err
	}
	return load(ctx, s, schema, paths, lim, ignore)
}

// load reads the inputs named by paths (or the SFDX project) within lim,
// validating them against the embedded schema that schema returns (a
// setup's schema, which builds it once).
func load(ctx context.Context, s *Streams, schema func() (*metadata.Schema, error), paths []string, lim metadata.Limits, ignore func(string) bool) (*metadata.Project, error) {
	sch, err := schema()
	if err != nil {
		return nil, fmt.Errorf("loading the embedded schema: %w", err)
	}
	return metadata.Load(ctx, metadata.Options{Paths: paths, WorkDir: s.WorkDir, Limits: lim, Validator: sch, Ignore: ignore})
}
