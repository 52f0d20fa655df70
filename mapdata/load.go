package mapdata

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// GameMapPath is where the map list lives in a client directory. Like every
// client path it is matched case-insensitively.
const GameMapPath = "ini/GameMap.dat"

// loadBufferSize is the read buffer used for each DMap file.
const loadBufferSize = 64 << 10

// LoadReport describes what LoadClientFS loaded.
type LoadReport struct {
	// Records is the number of records in GameMap.dat.
	Records int
	// Files is the number of distinct DMap files parsed; maps naming the
	// same file share one Floor.
	Files int
	// Missing lists the records skipped because their DMap file is absent.
	Missing []MapFile
}

// LoadClientDir loads the floors of every map listed in dir/ini/GameMap.dat
// from a client installation directory, keyed by map id. It is
// LoadClientFS on dir, confined to dir, without the report: records whose
// DMap file is absent are skipped silently.
func LoadClientDir(dir string) (map[uint32]*Floor, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("mapdata: client dir: %w", err)
	}
	defer root.Close()
	floors, _, err := LoadClientFS(root.FS())
	return floors, err
}

// LoadClientFS loads the floors of every map listed in GameMapPath of a
// client file tree, keyed by map id, and reports what it did.
//
// Paths in GameMap.dat are taken relative to the tree's root with
// backslashes read as slashes, and every path component is matched
// case-insensitively (an exact match is preferred), as the client comes from
// Windows. Each DMap file is parsed once; maps naming the same file share
// one read-only Floor. A record whose DMap file does not exist is skipped
// and listed in the report. A missing GameMap.dat, a path leaving the tree,
// a map id listed twice, an unreadable or malformed DMap are errors.
func LoadClientFS(fsys fs.FS) (map[uint32]*Floor, LoadReport, error) {
	var report LoadReport
	res := resolver{fsys: fsys, dirs: map[string][]fs.DirEntry{}}

	listPath, found, err := res.resolve(GameMapPath)
	if err != nil {
		return nil, report, fmt.Errorf("mapdata: %s: %w", GameMapPath, err)
	}
	if !found {
		return nil, report, fmt.Errorf("mapdata: %s: %w", GameMapPath, fs.ErrNotExist)
	}
	records, err := parseFile(fsys, listPath, ParseGameMap)
	if err != nil {
		return nil, report, fmt.Errorf("mapdata: %s: %w", listPath, err)
	}
	report.Records = len(records)

	floors := make(map[uint32]*Floor, len(records))
	byFile := map[string]*Floor{}
	for _, rec := range records {
		if _, dup := floors[rec.ID]; dup {
			return nil, report, fmt.Errorf("mapdata: %s: map %d listed twice", listPath, rec.ID)
		}
		name := path.Clean(strings.ReplaceAll(rec.Path, `\`, "/"))
		if name == "." || !fs.ValidPath(name) {
			return nil, report, fmt.Errorf("mapdata: map %d: path %q is not inside the client dir", rec.ID, rec.Path)
		}
		file, found, err := res.resolve(name)
		if err != nil {
			return nil, report, fmt.Errorf("mapdata: map %d: %s: %w", rec.ID, name, err)
		}
		if !found {
			report.Missing = append(report.Missing, rec)
			continue
		}
		f, ok := byFile[file]
		if !ok {
			f, err = parseFile(fsys, file, ParseDMap)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					report.Missing = append(report.Missing, rec)
					continue
				}
				return nil, report, fmt.Errorf("mapdata: map %d: %s: %w", rec.ID, file, err)
			}
			byFile[file] = f
			report.Files++
		}
		floors[rec.ID] = f
	}
	return floors, report, nil
}

// parseFile opens name in fsys and parses it with parse through a buffer.
func parseFile[T any](fsys fs.FS, name string, parse func(io.Reader) (T, error)) (T, error) {
	file, err := fsys.Open(name)
	if err != nil {
		var zero T
		return zero, err
	}
	defer file.Close()
	return parse(bufio.NewReaderSize(file, loadBufferSize))
}

// resolver finds the real name of client paths in a file tree, matching each
// component case-insensitively. It caches the directory listings it reads.
type resolver struct {
	fsys fs.FS
	dirs map[string][]fs.DirEntry
}

// resolve returns the real path of the slash-separated, valid path name and
// whether it exists as a file. Errors other than absence are returned.
func (r *resolver) resolve(name string) (string, bool, error) {
	dir := "."
	parts := strings.Split(name, "/")
	for i, part := range parts {
		last := i == len(parts)-1
		entries, err := r.list(dir)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", false, nil
			}
			return "", false, err
		}
		match := ""
		for _, e := range entries {
			// Directories are wanted before the last component, files at
			// it; symbolic links are let through either way.
			if e.Type()&fs.ModeSymlink == 0 && e.IsDir() == last {
				continue
			}
			if e.Name() == part {
				match = part
				break
			}
			if match == "" && strings.EqualFold(e.Name(), part) {
				match = e.Name()
			}
		}
		if match == "" {
			return "", false, nil
		}
		dir = path.Join(dir, match)
	}
	return dir, true, nil
}

// list returns the entries of dir, reading each directory once.
func (r *resolver) list(dir string) ([]fs.DirEntry, error) {
	if entries, ok := r.dirs[dir]; ok {
		return entries, nil
	}
	entries, err := fs.ReadDir(r.fsys, dir)
	if err != nil {
		return nil, err
	}
	r.dirs[dir] = entries
	return entries, nil
}
