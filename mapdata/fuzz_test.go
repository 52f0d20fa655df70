package mapdata

import (
	"bytes"
	"testing"
)

func FuzzParseDMap(f *testing.F) {
	m := sampleDMap()
	data, end := m.encode()
	f.Add(data)
	for _, n := range []int{0, 4, 8, 100, 268, 276, 280, 300, end - 500, end - 100, end - 1, end} {
		f.Add(data[:n])
	}
	tagged := sampleDMap()
	tagged.tag = "DMAP1"
	f.Add(mustEncode(tagged))
	wide := sampleDMap()
	wide.version = dmapVersionWideCover
	wide.layers = []testLayer{coverLayer(true), sceneLayer("s", 1, 1)}
	f.Add(mustEncode(wide))
	bad := bytes.Clone(data)
	bad[300]++
	f.Add(bad)
	one := &testDMap{version: 1004, width: 1, height: 1, tiles: []testTile{{elev: -2}}}
	f.Add(mustEncode(one))

	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := ParseDMap(bytes.NewReader(data))
		if err != nil {
			return
		}
		w, h := fl.Width(), fl.Height()
		if w < 1 || w > MaxWidth || h < 1 || h > MaxHeight {
			t.Fatalf("accepted size %d×%d", w, h)
		}
		if len(fl.elevation) != w*h || len(fl.blocked) != (w*h+63)/64 {
			t.Fatalf("grid sizes %d/%d for %d×%d", len(fl.elevation), len(fl.blocked), w, h)
		}
		if len(fl.portals) > MaxPortals || len(fl.scenes) > MaxLayers {
			t.Fatalf("%d portals, %d scenes", len(fl.portals), len(fl.scenes))
		}
		for _, p := range [][2]int{{0, 0}, {w - 1, h - 1}, {w, h}, {-1, -1}} {
			fl.Walkable(p[0], p[1])
			fl.Elevation(p[0], p[1])
			fl.Surface(p[0], p[1])
		}
		fl.ClearJump(0, 0, w-1, h-1, 210)
	})
}

func FuzzParseGameMap(f *testing.F) {
	data := testGameMap(sampleRecords(), 0)
	f.Add(data)
	for _, n := range []int{0, 3, 4, 8, 12, 20, len(data) - 1} {
		f.Add(data[:n])
	}
	f.Add(testGameMap(sampleRecords(), 5))
	f.Add(testGameMap(nil, 0))

	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ParseGameMap(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(recs) > MaxMapRecords {
			t.Fatalf("%d records", len(recs))
		}
		for _, r := range recs {
			if r.Path == "" || len(r.Path) > MaxPathLen {
				t.Fatalf("record %d path %q", r.ID, r.Path)
			}
		}
	})
}
