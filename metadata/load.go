package metadata

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unicode/utf8"
)

// Limits bounds what the loader reads.
type Limits struct {
	MaxFileSize     int64 // largest metadata file read, in bytes
	MaxDepth        int   // deepest XML nesting accepted
	MaxZipSize      int64 // largest zip archive read, in bytes
	MaxZipEntries   int   // most entries a zip may have
	MaxUnzipped     int64 // most bytes read out of one zip, all entries together
	MaxZipEntrySize int64 // largest single uncompressed entry read
}

// withDefaults replaces every zero limit with its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxZipSize <= 0 {
		l.MaxZipSize = d.MaxZipSize
	}
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = d.MaxZipEntries
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = d.MaxUnzipped
	}
	if l.MaxZipEntrySize <= 0 {
		l.MaxZipEntrySize = d.MaxZipEntrySize
	}
	return l
}

// DefaultLimits are generous for real metadata and small for hostile input.
// A zero field in Options.Limits takes its default.
func DefaultLimits() Limits {
	return Limits{
		MaxFileSize:     16 << 20,
		MaxDepth:        DefaultMaxDepth,
		MaxZipSize:      256 << 20,
		MaxZipEntries:   100000,
		MaxUnzipped:     512 << 20,
		MaxZipEntrySize: 16 << 20,
	}
}

// Options configures Load.
type Options struct {
	// Paths are files, directories or .zip archives. Empty means: find
	// sfdx-project.json from WorkDir upwards and read its packageDirectories.
	Paths []string
	// WorkDir is the directory relative paths are resolved against and
	// displayed relative to. Empty means the process's working directory.
	WorkDir string
	// Ignore, when set, excludes files by their display path (slash-separated).
	Ignore func(displayPath string) bool
	Limits Limits
	// Validator checks each parsed file against its type's schema (a *Schema);
	// nil skips validation.
	Validator Validator
	// Workers bounds parallel parsing; 0 means GOMAXPROCS.
	Workers int
}

// Validator checks a parsed document against the schema of its type.
type Validator interface {
	// Validate returns the problems of doc, a file of type t.
	Validate(doc *Document, t Type) []Problem
}

// UsageError is an input problem that stops the run: a path that does not
// exist, or no sfdx-project.json when no path was given.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// input is one file to read: its display path and how to get its bytes.
type input struct {
	display string
	typ     Type
	name    string
	// read returns the file's bytes; scratch is the calling worker's buffer,
	// which read may use and grow, but the bytes returned never alias it.
	read func(scratch *[]byte) ([]byte, error)
	size int64 // -1 when unknown (read enforces the limit)
}

// Load discovers, reads, parses, validates and joins metadata into a Project.
// It returns an error only for usage problems; everything wrong with a file is a
// Problem in the project.
func Load(ctx context.Context, opts Options) (*Project, error) {
	opts.Limits = opts.Limits.withDefaults()
	wd := opts.WorkDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("finding working directory: %w", err)
		}
	}
	proj := &Project{Root: wd}
	paths := opts.Paths
	if len(paths) == 0 {
		dirs, err := PackageDirectories(wd)
		if err != nil {
			return nil, err
		}
		paths = dirs
	}
	// Files are parsed while the walk goes on: discovery hands each metadata
	// file to the worker pool as soon as it is found (once, however many
	// inputs name it), and the results are put in path order afterwards.
	pool := newParsePool(ctx, opts)
	emit := pool.add
	// One walk names each file once: only several inputs, or a zip (whose
	// entries may repeat a name), need a record of what was handed out.
	if len(paths) != 1 || strings.EqualFold(filepath.Ext(paths[0]), ".zip") {
		seen := map[string]bool{}
		emit = func(in input) {
			if seen[in.display] {
				return
			}
			seen[in.display] = true
			pool.add(in)
		}
	}
	for _, p := range paths {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, p)
		}
		probs, err := discover(abs, wd, opts, emit)
		if err != nil {
			pool.wait()
			return nil, err
		}
		proj.Problems = append(proj.Problems, probs...)
	}
	results := pool.wait()
	for _, r := range results {
		proj.Problems = append(proj.Problems, r.probs...)
		if r.doc != nil {
			proj.Documents = append(proj.Documents, r.doc)
		}
	}
	join(proj, results, opts.Workers)
	sortProblems(proj.Problems)
	return proj, ctx.Err()
}

// PackageDirectories finds sfdx-project.json from dir upwards and returns its
// package directories as absolute paths.
func PackageDirectories(dir string) ([]string, error) {
	var proj struct {
		PackageDirectories []struct {
			Path string `json:"path"`
		} `json:"packageDirectories"`
	}
	d, cfg, readErr, decodeErr := findSFDXProject(dir, &proj)
	switch {
	case readErr != nil:
		return nil, &UsageError{Msg: fmt.Sprintf("reading %s: %v", cfg, readErr)}
	case cfg == "":
		return nil, &UsageError{Msg: "no paths given and no sfdx-project.json found in " + dir + " or any parent directory"}
	case decodeErr != nil:
		return nil, &UsageError{Msg: fmt.Sprintf("%s: not valid JSON: %v", cfg, decodeErr)}
	}
	var out []string
	for _, pd := range proj.PackageDirectories {
		if pd.Path == "" {
			continue
		}
		p := filepath.Join(d, filepath.FromSlash(pd.Path))
		if _, err := os.Stat(p); err != nil {
			return nil, &UsageError{Msg: fmt.Sprintf("%s: package directory %q does not exist", cfg, pd.Path)}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, &UsageError{Msg: fmt.Sprintf("%s: no packageDirectories", cfg)}
	}
	return out, nil
}

// DefaultPackageDirectory finds sfdx-project.json from dir upwards and returns
// its default package directory (the one marked default, else the first) as
// an absolute path. It returns false when there is no sfdx-project.json, or
// the first one found cannot be read, is not valid JSON or lists no package
// directory.
func DefaultPackageDirectory(dir string) (string, bool) {
	var proj struct {
		PackageDirectories []struct {
			Path    string `json:"path"`
			Default bool   `json:"default"`
		} `json:"packageDirectories"`
	}
	d, cfg, readErr, decodeErr := findSFDXProject(dir, &proj)
	if cfg == "" || readErr != nil || decodeErr != nil || len(proj.PackageDirectories) == 0 {
		return "", false
	}
	pick := proj.PackageDirectories[0].Path
	for _, pd := range proj.PackageDirectories {
		if pd.Default {
			pick = pd.Path
			break
		}
	}
	return filepath.Join(d, filepath.FromSlash(pick)), true
}

// findSFDXProject looks for sfdx-project.json in dir, then in each parent
// directory up to the root, stopping at the first that exists. It returns the
// directory that holds it and the file's path, both "" when there is none. A
// file that exists but cannot be read stops the search (readErr); one that
// was read is decoded into v, and decodeErr is json.Unmarshal's error.
func findSFDXProject(dir string, v any) (projDir, file string, readErr, decodeErr error) {
	for d := dir; ; d = filepath.Dir(d) {
		cfg := filepath.Join(d, "sfdx-project.json")
		data, err := os.ReadFile(cfg)
		if err == nil {
			return d, cfg, nil, json.Unmarshal(data, v)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return d, cfg, err, nil
		}
		if filepath.Dir(d) == d {
			return "", "", nil, nil
		}
	}
}

// DisplayPath returns p relative to wd with forward slashes, or p itself when
// it is not below wd.
func DisplayPath(wd, p string) string {
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// skipDirs are directories that never hold deployable metadata.
var skipDirs = map[string]bool{".git": true, "node_modules": true, ".sfdx": true, ".sf": true, ".hg": true, ".svn": true}

// discover finds the metadata files under abs (a directory, a file or a
// .zip) and hands each to emit. Files are classified by name only: a file
// that is not app metadata is never opened or stat'ed, and no display path
// is computed for it.
func discover(abs, wd string, opts Options, emit func(input)) ([]Problem, error) {
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &UsageError{Msg: fmt.Sprintf("%s: no such file or directory", DisplayPath(wd, abs))}
		}
		return nil, &UsageError{Msg: fmt.Sprintf("%s: %v", DisplayPath(wd, abs), err)}
	}
	if !st.IsDir() {
		display := DisplayPath(wd, abs)
		isZip := strings.EqualFold(filepath.Ext(abs), ".zip")
		t, name, _, ok := Classify(abs)
		if !isZip && !ok {
			// An explicitly named file that is not app metadata: nothing to read.
			return nil, nil
		}
		if !st.Mode().IsRegular() {
			// A FIFO or device named like metadata would block or never end.
			code := ProblemUnreadable
			if isZip {
				code = ProblemZip
			}
			return []Problem{{Code: code, Pos: Pos{File: display}, Message: "not a regular file; not read"}}, nil
		}
		if isZip {
			inputs, probs, err := readZip(abs, display, opts.Limits, opts.Ignore)
			for _, in := range inputs {
				emit(in)
			}
			return probs, err
		}
		emit(fileInput(abs, display, t, name, st.Size(), opts.Limits.MaxFileSize))
		return nil, nil
	}
	root := abs
	if li, err := os.Lstat(abs); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		// A symlinked root is followed (with a trailing separator, as
		// filepath.WalkDir needs); links below it are not.
		root = abs + string(filepath.Separator)
	}
	w := &treeWalk{wd: wd, opts: opts, emit: emit}
	walkTree(w, root)
	return w.probs, nil
}

// classifyEntry is Classify(filepath.Join(dir, name)) without building the
// path for the files that are not app metadata: only a name ending in the
// suffix of a metadata type read without "-meta.xml" (a Metadata API tree,
// where the directory decides) needs it.
func classifyEntry(dir, name string) (t Type, component string, ok bool) {
	if t, component, _, ok = Classify(name); ok || strings.HasSuffix(name, "-meta.xml") {
		return t, component, ok
	}
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 {
		return TypeUnknown, "", false
	}
	for _, ti := range knownTypes {
		if ti.Suffix == name[dot+1:] {
			t, component, _, ok = Classify(filepath.Join(dir, name))
			return t, component, ok
		}
	}
	return TypeUnknown, "", false
}

func fileInput(path, display string, t Type, name string, size, limit int64) input {
	return input{display: display, typ: t, name: name, size: size, read: func(scratch *[]byte) ([]byte, error) {
		return readFile(path, limit, scratch)
	}}
}

// tooLargeError is a file over the size limit, found while reading it.
type tooLargeError struct{ size int64 } // -1 when the size could not be found

func (e *tooLargeError) Error() string { return "file over the size limit" }

// rawReads says whether readFile may open and read with bare system calls.
// os.Open puts every file through the runtime poller (on Linux: fcntl twice,
// epoll_ctl, fcntl twice more, then fstat in os.ReadFile), which doubles the
// system calls per file; metadata files are small regular files read once.
// Windows keeps os: it rewrites long paths.
const rawReads = runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1"

// readFile reads at most limit bytes of the file at path into a new slice of
// exactly the file's length: open, read until EOF, close. A small file is read
// into scratch (the worker's buffer, kept small) and copied out; a larger one
// into a buffer of its size, which is returned as it is. A longer file is a
// *tooLargeError, read no further.
func readFile(path string, limit int64, scratch *[]byte) ([]byte, error) {
	if !rawReads {
		return readFileOS(path, limit)
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer func() { _ = syscall.Close(fd) }() // read-only: nothing to flush
	buf := *scratch
	if len(buf) == 0 {
		buf = make([]byte, 8<<10) // app files are a few KB; a larger file gets its own buffer
	}
	small := buf
	n := 0
	statted := false
	for int64(n) <= limit {
		if n == len(buf) {
			// More than a buffer full: ask the size once, so that a huge file is
			// refused without being read (small files never pay for the stat).
			grow := len(buf)
			if !statted {
				statted = true
				st, err := os.Stat(path)
				if err == nil && st.Size() > limit {
					*scratch = small
					return nil, &tooLargeError{size: st.Size()}
				}
				if err == nil && st.Size() >= int64(len(buf)) {
					grow = int(st.Size()) - len(buf) + 512 // the whole file in one step, with room to see its end
				}
			}
			buf = append(buf, make([]byte, grow)...)
		}
		end := int64(len(buf))
		if end > limit+1 {
			end = limit + 1
		}
		m, err := syscall.Read(fd, buf[n:end])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			*scratch = small
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m <= 0 {
			break
		}
		n += m
	}
	if int64(n) > limit {
		*scratch = small
		return nil, tooLarge(path)
	}
	if len(buf) > len(small) {
		// Grown for this file (a profile of megabytes): hand the buffer over
		// instead of copying it, and keep the small one for the next file.
		*scratch = small
		return buf[:n:n], nil
	}
	return bytes.Clone(buf[:n]), nil
}

// readFileOS is readFile through package os.
func readFileOS(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	if st, err := f.Stat(); err == nil && st.Size() > limit {
		return nil, &tooLargeError{size: st.Size()}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(path)
	}
	return data, nil
}

func tooLarge(path string) error {
	if st, err := os.Stat(path); err == nil {
		return &tooLargeError{size: st.Size()}
	}
	return &tooLargeError{size: -1}
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readZip lists the metadata entries of a retrieved zip, reading it in memory.
func readZip(abs, display string, lim Limits, ignore func(string) bool) ([]input, []Problem, error) {
	st, err := os.Stat(abs)
	if err != nil {
		return nil, nil, &UsageError{Msg: fmt.Sprintf("%s: %v", display, err)}
	}
	zipProblem := func(msg string) []Problem {
		return []Problem{{Code: ProblemZip, Pos: Pos{File: display}, Message: msg}}
	}
	if st.Size() > lim.MaxZipSize {
		return nil, zipProblem(fmt.Sprintf("zip archive is %d bytes, over the %d-byte limit (--max-zip-size)", st.Size(), lim.MaxZipSize)), nil
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, zipProblem("cannot read: " + errText(err)), nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	// ErrInsecurePath (GODEBUG zipinsecurepath=0) comes with a usable reader:
	// unsafe entries are skipped one by one below.
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, zipProblem("not a readable zip archive: " + err.Error()), nil
	}
	if len(zr.File) > lim.MaxZipEntries {
		return nil, zipProblem(fmt.Sprintf("zip archive has %d entries, over the %d-entry limit", len(zr.File), lim.MaxZipEntries)), nil
	}
	var inputs []input
	var probs []Problem
	budget := &zipBudget{left: lim.MaxUnzipped}
	for _, zf := range zr.File {
		name := zf.Name
		entryDisplay := display + "!" + name
		if zf.FileInfo().IsDir() {
			continue
		}
		clean := filepath.ToSlash(filepath.Clean(name))
		if strings.HasPrefix(name, "/") || strings.HasPrefix(clean, "../") || clean == ".." || strings.Contains(name, `\`) || filepath.IsAbs(name) {
			probs = append(probs, Problem{Code: ProblemZip, Pos: Pos{File: entryDisplay}, Message: fmt.Sprintf("zip entry %q escapes the archive (zip slip); skipped", name)})
			continue
		}
		t, comp, _, ok := Classify(clean)
		if !ok {
			continue
		}
		if ignore != nil && ignore(entryDisplay) {
			continue
		}
		inputs = append(inputs, input{display: entryDisplay, typ: t, name: comp, size: int64(zf.UncompressedSize64), read: func(*[]byte) ([]byte, error) {
			return readZipEntry(zf, lim, budget)
		}})
	}
	return inputs, probs, nil
}

type zipBudget struct {
	mu   sync.Mutex
	left int64
}

func (b *zipBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.left {
		return false
	}
	b.left -= n
	return true
}

var errZipBomb = errors.New("zip entry expands beyond the size limit (possible zip bomb)")

func readZipEntry(zf *zip.File, lim Limits, budget *zipBudget) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }() // read-only: nothing to flush
	// Never trust the declared size: read at most the limit plus one byte.
	data, err := io.ReadAll(io.LimitReader(rc, lim.MaxZipEntrySize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > lim.MaxZipEntrySize || !budget.take(int64(len(data))) {
		return nil, errZipBomb
	}
	return data, nil
}

type parsed struct {
	display string
	doc     *Document
	typ     Type
	name    string
	probs   []Problem
}

// parsePool reads and parses inputs on a bounded pool of workers while they
// are being discovered. wait returns the results in path order, so output
// never depends on scheduling.
//
// Inputs go to the workers in batches: one channel operation (and, when a
// worker sleeps, one wake-up) per batch instead of per file. Batches start
// at one file and grow, so that a small project (a pre-commit run, or a few
// large profiles) still spreads over every worker.
type parsePool struct {
	ctx     context.Context
	jobs    chan []input
	pending []input
	sent    int // inputs handed out so far
	wg      sync.WaitGroup
	out     [][]parsed // per worker
}

// parseBatch is the most inputs handed to a worker at once: enough to make
// the hand-over cheap on large trees.
const parseBatch = 32

// batchLimit is the size of the next batch: 1 for the first 8 inputs, then
// growing by one every 8 inputs up to parseBatch.
func (p *parsePool) batchLimit() int { return min(parseBatch, 1+p.sent/8) }

func newParsePool(ctx context.Context, opts Options) *parsePool {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &parsePool{ctx: ctx, jobs: make(chan []input, 64), out: make([][]parsed, workers)}
	for w := range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			var scratch []byte
			for batch := range p.jobs {
				for _, in := range batch {
					p.out[w] = append(p.out[w], parseOne(in, opts, &scratch))
				}
			}
		}()
	}
	return p
}

// add queues an input; after cancellation it drops it.
func (p *parsePool) add(in input) {
	if p.ctx.Err() != nil {
		return
	}
	if p.pending == nil {
		p.pending = make([]input, 0, p.batchLimit())
	}
	p.pending = append(p.pending, in)
	if len(p.pending) >= p.batchLimit() {
		p.flush()
	}
}

// flush hands the pending inputs to the workers.
func (p *parsePool) flush() {
	if len(p.pending) > 0 {
		p.sent += len(p.pending)
		p.jobs <- p.pending
		p.pending = nil
	}
}

func (p *parsePool) wait() []parsed {
	if p.ctx.Err() == nil {
		p.flush()
	}
	close(p.jobs)
	p.wg.Wait()
	n := 0
	for _, o := range p.out {
		n += len(o)
	}
	all := make([]parsed, 0, n)
	for _, o := range p.out {
		all = append(all, o...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].display < all[j].display })
	return all
}

func parseOne(in input, opts Options, scratch *[]byte) parsed {
	res := parsed{display: in.display, typ: in.typ, name: in.name}
	fail := func(code ProblemCode, pos Pos, msg string) parsed {
		res.probs = append(res.probs, Problem{Code: code, Pos: pos, Message: msg})
		return res
	}
	filePos := Pos{File: in.display, Line: 1, Column: 1}
	if in.size > opts.Limits.MaxFileSize {
		return fail(ProblemTooLarge, filePos, fmt.Sprintf("file is %d bytes, over the %d-byte limit (--max-file-size); not read", in.size, opts.Limits.MaxFileSize))
	}
	data, err := in.read(scratch)
	if tl := (*tooLargeError)(nil); errors.As(err, &tl) {
		if tl.size >= 0 {
			return fail(ProblemTooLarge, filePos, fmt.Sprintf("file is %d bytes, over the %d-byte limit (--max-file-size); not read", tl.size, opts.Limits.MaxFileSize))
		}
		return fail(ProblemTooLarge, filePos, fmt.Sprintf("file is over the %d-byte limit (--max-file-size); not read", opts.Limits.MaxFileSize))
	}
	if err != nil {
		return fail(ProblemUnreadable, filePos, "cannot read: "+errText(err))
	}
	if int64(len(data)) > opts.Limits.MaxFileSize {
		return fail(ProblemTooLarge, filePos, fmt.Sprintf("file is over the %d-byte limit (--max-file-size); not read", opts.Limits.MaxFileSize))
	}
	doc, err := ParseDocument(in.display, data, ParseLimits{MaxDepth: opts.Limits.MaxDepth, KeepTopLevel: keptTopLevel(in.typ)})
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			msg := "malformed XML: " + se.Msg
			if name := secretContext(data, offsetOf(data, se.Pos)); name != "" {
				msg = "malformed XML inside <" + name + "> (content not shown: it is a secret)"
			}
			return fail(ProblemMalformed, se.Pos, msg)
		}
		return fail(ProblemMalformed, filePos, "malformed XML: "+err.Error())
	}
	res.doc = doc
	if opts.Validator != nil {
		res.probs = append(res.probs, opts.Validator.Validate(doc, in.typ)...)
	}
	if doc.Root.Name != string(in.typ) || doc.Root.Space != Namespace {
		// A file whose root does not match its suffix is not joined: the schema
		// check (or this) reports it, and reading it as another type would mislead.
		if opts.Validator == nil {
			res.probs = append(res.probs, Problem{Code: ProblemWrongRoot, Pos: doc.Root.Pos(), Message: fmt.Sprintf("root element is <%s>; a .%s file must have root <%s> in namespace %s", doc.Root.Name, suffixOf(in.typ), in.typ, Namespace)})
		}
		res.doc = nil
	}
	return res
}

func suffixOf(t Type) string {
	ti, _ := t.Info()
	return ti.Suffix
}

// join builds the apps and permission holders from the parsed documents.
// Apps are found by name in a map: linear in the number of files.
func join(proj *Project, results []parsed, workers int) {
	type appKey struct {
		kind AppKind
		name string
	}
	headers := map[appKey]*App{}
	var children []int // indexes into results
	for i, p := range results {
		d := p.doc
		if d == nil {
			continue
		}
		switch p.typ {
		case TypeConnectedApp, TypeExternalClientApp:
			kind := KindConnectedApp
			if p.typ == TypeExternalClientApp {
				kind = KindECA
			}
			key := appKey{kind, p.name}
			if prev, dup := headers[key]; dup {
				proj.Problems = append(proj.Problems, Problem{Code: ProblemECADuplicate, Pos: d.Root.Pos(), App: p.name,
					Message: fmt.Sprintf("%s %q is defined twice; this file is ignored, the first is %s", kind, p.name, prev.Pos.File)})
				continue
			}
			app := &App{Name: p.name, Kind: kind, Docs: map[Type]*Document{p.typ: d}, Pos: d.Root.Pos()}
			headers[key] = app
			proj.Apps = append(proj.Apps, app)
		case TypePermissionSet, TypeProfile:
			proj.Holders = append(proj.Holders, holderOf(d, p))
		default:
			if p.typ.IsECAChild() {
				children = append(children, i)
			}
		}
	}
	for _, ci := range children {
		p := &results[ci]
		d := p.doc
		ref := d.Root.Child("externalClientApplication")
		if ref == nil {
			continue // missing-required is reported by the schema
		}
		name := strings.TrimSpace(ref.Text)
		app := headers[appKey{KindECA, name}]
		ns := ""
		if app == nil {
			if i := strings.Index(name, "__"); i > 0 {
				app = headers[appKey{KindECA, name[i+2:]}]
				ns = name[:i]
			}
		}
		if app == nil {
			proj.Problems = append(proj.Problems, Problem{Code: ProblemECAOrphan, Pos: ref.Pos(), App: name, Element: ref.Path(),
				Message: fmt.Sprintf("%s names External Client App %q, which is not among the inputs", p.typ, name)})
			continue
		}
		if prev := app.Docs[p.typ]; prev != nil {
			proj.Problems = append(proj.Problems, Problem{Code: ProblemECADuplicate, Pos: ref.Pos(), App: app.Name, Element: ref.Path(),
				Message: fmt.Sprintf("External Client App %q has two %s files; this one is ignored, the first is %s", app.Name, p.typ, prev.Path)})
			continue
		}
		if ns != "" {
			app.Namespace = ns
		}
		app.Docs[p.typ] = d
	}
	// Each app's model is built from its own files only: in parallel.
	forEachParallel(len(proj.Apps), workers, func(i int) { buildFields(proj.Apps[i]) })
	// Problems not tied to an app yet take the app of their file.
	owner := map[string]string{}
	for i := range proj.Problems {
		if proj.Problems[i].App == "" {
			owner[proj.Problems[i].Pos.File] = ""
		}
	}
	if len(owner) > 0 {
		for _, app := range proj.Apps {
			for _, d := range app.Docs {
				if _, ok := owner[d.Path]; ok {
					owner[d.Path] = app.Name
				}
			}
		}
		for i := range proj.Problems {
			if proj.Problems[i].App == "" {
				proj.Problems[i].App = owner[proj.Problems[i].Pos.File]
			}
		}
	}
	sort.SliceStable(proj.Apps, func(i, j int) bool {
		if proj.Apps[i].Name != proj.Apps[j].Name {
			return proj.Apps[i].Name < proj.Apps[j].Name
		}
		return proj.Apps[i].Kind < proj.Apps[j].Kind
	})
}

// forEachParallel calls fn(0) ... fn(n-1) on up to workers goroutines
// (0: GOMAXPROCS), handing out indexes in chunks.
func forEachParallel(n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const chunk = 64
	if workers == 1 || n <= chunk {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, (n+chunk-1)/chunk) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
}

// keptTopLevel returns the top-level elements built for a file of type t
// (nil: all). Profiles and permission sets, often the largest files of a
// repository, are read only for what holderOf needs, Validate checks
// (partialRoots) and diagnose looks at (login IP ranges and hours); the rest
// is skimmed.
func keptTopLevel(t Type) []string {
	if t == TypeProfile || t == TypePermissionSet {
		return []string{"label", "loginHours", "loginIpRanges", "userPermissions"}
	}
	return nil
}

func holderOf(d *Document, p parsed) *PermissionHolder {
	h := &PermissionHolder{Type: p.typ, Name: p.name, Doc: d, Pos: d.Root.Pos(), Permissions: map[string]Permission{}}
	if l := d.Root.Child("label"); l != nil {
		h.Label = strings.TrimSpace(l.Text)
	}
	if p.typ == TypeProfile {
		h.Label = ProfileDisplayName(p.name)
	}
	for _, up := range d.Root.ChildrenNamed("userPermissions") {
		name := up.Child("name")
		en := up.Child("enabled")
		if name == nil {
			continue
		}
		on := false
		if en != nil {
			on, _ = ParseBool(en.Text)
		}
		n := strings.TrimSpace(name.Text)
		h.Permissions[strings.ToLower(n)] = Permission{Name: n, Enabled: on, Pos: up.Pos()}
	}
	return h
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return ps[i].Code < ps[j].Code
	})
}

// offsetOf converts a 1-based line and character column back to a byte offset.
func offsetOf(src []byte, p Pos) int {
	off := 0
	for line := 1; line < p.Line && off < len(src); line++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	for col := 1; col < p.Column && off < len(src); col++ {
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	return off
}
