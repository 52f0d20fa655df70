package mapdata

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

func sampleRecords() []MapFile {
	return []MapFile{
		{ID: 1002, Path: "map/map/newplain.DMap", PuzzleSize: 256},
		{ID: 1010, Path: `map\map\newbie.DMap`, PuzzleSize: 128},
		{ID: 601, Path: "m", PuzzleSize: 0xFFFFFFFF},
	}
}

func TestParseGameMapRoundTrip(t *testing.T) {
	for _, pad := range []int{0, 3} {
		want := sampleRecords()
		got, err := ParseGameMap(bytes.NewReader(testGameMap(want, pad)))
		if err != nil {
			t.Fatalf("pad %d: %v", pad, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("pad %d: got %v, want %v", pad, got, want)
		}
	}
}

func TestParseGameMapEmpty(t *testing.T) {
	got, err := ParseGameMap(bytes.NewReader(testGameMap(nil, 0)))
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no records", got, err)
	}
}

func TestParseGameMapTruncated(t *testing.T) {
	data := testGameMap(sampleRecords(), 2)
	for n := range len(data) {
		_, err := ParseGameMap(bytes.NewReader(data[:n]))
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("truncated at %d of %d: err = %v, want unexpected EOF", n, len(data), err)
		}
	}
}

func TestParseGameMapLimits(t *testing.T) {
	var b le
	b.u32(MaxMapRecords + 1)
	if _, err := ParseGameMap(bytes.NewReader(b.Bytes())); err == nil || !strings.Contains(err.Error(), "record count") {
		t.Errorf("err = %v, want a record count error", err)
	}

	for _, size := range []uint32{0, MaxPathLen + 1, 0xFFFFFFFF} {
		var b le
		b.u32(1)
		b.u32(1002)
		b.u32(size)
		b.Write(make([]byte, 600))
		_, err := ParseGameMap(bytes.NewReader(b.Bytes()))
		if err == nil || !strings.Contains(err.Error(), "path length") {
			t.Errorf("path length %d: err = %v, want a path length error", size, err)
		}
	}

	// A path of only NULs is empty.
	data := testGameMap([]MapFile{{ID: 7, Path: ""}}, 4)
	if _, err := ParseGameMap(bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), "empty path") {
		t.Errorf("err = %v, want an empty path error", err)
	}

	// The longest path is accepted.
	long := []MapFile{{ID: 1, Path: strings.Repeat("a", MaxPathLen)}}
	if got, err := ParseGameMap(bytes.NewReader(testGameMap(long, 0))); err != nil || !slices.Equal(got, long) {
		t.Errorf("longest path: got %v, %v", got, err)
	}
}
