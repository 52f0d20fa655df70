package mapdata

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFile writes data at the slash path name under dir.
func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadClientDir(t *testing.T) {
	dir := t.TempDir()
	plain := sampleDMap()
	small := sampleDMap()
	small.width, small.height, small.tiles = 2, 1, []testTile{{elev: 5}, {access: 1}}
	records := []MapFile{
		{ID: 1002, Path: `map\map\newplain.DMap`, PuzzleSize: 256},
		{ID: 1005, Path: "map/map/NEWPLAIN.dmap", PuzzleSize: 256}, // same file
		{ID: 1010, Path: `Map\Map\Small.DMap`, PuzzleSize: 128},
		{ID: 1036, Path: `map\map\missing.DMap`, PuzzleSize: 256},
		{ID: 1037, Path: `nowhere\x.DMap`, PuzzleSize: 256},
	}
	// Names on disk differ in case from the records and from GameMapPath.
	writeFile(t, dir, "INI/gamemap.DAT", testGameMap(records, 0))
	writeFile(t, dir, "Map/MAP/NewPlain.dmap", mustEncode(plain))
	writeFile(t, dir, "Map/MAP/small.dmap", mustEncode(small))
	// A directory with a matching name is not taken for the file.
	if err := os.MkdirAll(filepath.Join(dir, "Map", "MAP", "Missing.DMap"), 0o755); err != nil {
		t.Fatal(err)
	}

	floors, err := LoadClientDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(floors) != 3 {
		t.Fatalf("loaded maps %v, want 1002, 1005, 1010", slices.Sorted(mapsKeys(floors)))
	}
	checkFloor(t, floors[1002], plain)
	checkFloor(t, floors[1010], small)
	if floors[1002] != floors[1005] {
		t.Error("maps naming the same DMap do not share its Floor")
	}

	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, report, err := LoadClientFS(root.FS())
	if err != nil {
		t.Fatal(err)
	}
	if report.Records != 5 || report.Files != 2 || !slices.Equal(report.Missing, records[3:]) {
		t.Errorf("report = %+v, want 5 records, 2 files, missing 1036 and 1037", report)
	}
}

func mapsKeys(m map[uint32]*Floor) func(func(uint32) bool) {
	return func(yield func(uint32) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestLoadClientDirPrefersExactCase(t *testing.T) {
	dir := t.TempDir()
	a, b := sampleDMap(), sampleDMap()
	b.tiles[0].elev = 1234
	writeFile(t, dir, "ini/GameMap.dat", testGameMap([]MapFile{{ID: 1, Path: "maps/B.DMap"}}, 0))
	writeFile(t, dir, "maps/b.dmap", mustEncode(a))
	writeFile(t, dir, "maps/B.DMap", mustEncode(b))
	floors, err := LoadClientDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := floors[1].Elevation(0, 0); got != 1234 {
		t.Errorf("loaded the case-folded twin (elevation %d), want the exact name", got)
	}
}

func TestLoadClientDirErrors(t *testing.T) {
	t.Run("no GameMap.dat", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "map/map/x.DMap", mustEncode(sampleDMap()))
		_, err := LoadClientDir(dir)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want not-exist", err)
		}
	})
	t.Run("no dir", func(t *testing.T) {
		if _, err := LoadClientDir(filepath.Join(t.TempDir(), "absent")); err == nil {
			t.Error("no error for a missing client dir")
		}
	})
	cases := map[string]struct {
		records []MapFile
		files   map[string][]byte
		want    string
	}{
		"escaping path": {
			records: []MapFile{{ID: 9, Path: `..\..\etc\passwd`}},
			want:    "not inside",
		},
		"absolute path": {
			records: []MapFile{{ID: 9, Path: "/etc/passwd"}},
			want:    "not inside",
		},
		"duplicate id": {
			records: []MapFile{{ID: 9, Path: "a.DMap"}, {ID: 9, Path: "a.DMap"}},
			files:   map[string][]byte{"a.DMap": mustEncode(sampleDMap())},
			want:    "map 9 listed twice",
		},
		"corrupt DMap": {
			records: []MapFile{{ID: 1002, Path: `map\bad.DMap`}},
			files:   map[string][]byte{"map/bad.DMap": mustEncode(sampleDMap())[:300]},
			want:    "map 1002: map/bad.DMap: dmap:",
		},
		"corrupt GameMap.dat": {
			want: "gamemap:",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			list := testGameMap(c.records, 0)
			if c.records == nil {
				list = list[:2]
			}
			writeFile(t, dir, GameMapPath, list)
			for n, data := range c.files {
				writeFile(t, dir, n, data)
			}
			_, err := LoadClientDir(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}
