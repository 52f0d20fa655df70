// Package itemfile reads the item files of a Conquer Online client folder:
// ini/itemtype.dat (item types, in either known form) and ini/Shop.dat
// (what each shop NPC's buy window shows), into the types of package
// content. Facts: world-content.md §3.7 and its "Where the sources
// disagree" table.
//
// Every reader takes the whole file as bytes, checks each count against a
// named limit before allocating for it, and returns an error naming the file
// and line (or record) of the first problem; it never panics on bad input.
package itemfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/coserver/coserver/content"
)

// Paths of the item files inside a client folder.
const (
	ItemTypePath = "ini/itemtype.dat"
	ShopPath     = "ini/Shop.dat"
)

// Limits of the readers, checked before the data they bound is read.
const (
	MaxFileSize  = 16 << 20 // bytes of one file (a 4330 binary itemtype.dat: ~2.3 MB)
	MaxItemTypes = 80000    // records or lines of an itemtype.dat (4330: 10,955); a binary file of this many fits MaxFileSize
	MaxLineLen   = 8192     // bytes of one line of a text file
	MaxShops     = 10000    // shop sections of a Shop.dat
	MaxShopItems = 1000     // ItemAmount of one Shop.dat section
)

// ReadFile reads name from fsys (a client folder), refusing a file over
// MaxFileSize before reading it.
func ReadFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("itemfile: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("itemfile: stat %s: %w", name, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("itemfile: %s is a directory, want a file", name)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("itemfile: %s: %d bytes, more than the limit of %d", name, st.Size(), MaxFileSize)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("itemfile: read %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("itemfile: %s: more than the limit of %d bytes", name, MaxFileSize)
	}
	return b, nil
}

// errAt returns a *content.Error for file and line (0: no line).
func errAt(file string, line int, format string, args ...any) error {
	return &content.Error{Src: content.Source{File: file, Line: line}, Msg: fmt.Sprintf(format, args...)}
}

// errEmpty is returned for a file without any content.
var errEmpty = errors.New("file is empty")
