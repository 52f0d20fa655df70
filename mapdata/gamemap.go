package mapdata

import (
	"bufio"
	"fmt"
	"io"
)

// Limits on what GameMap.dat may declare. The known 5017-era file has 123
// records with paths of about 25 bytes.
const (
	// MaxMapRecords is the largest accepted record count of GameMap.dat.
	MaxMapRecords = 1 << 14
	// MaxPathLen is the longest accepted DMap path in GameMap.dat, in bytes
	// (the client's MAX_PATH).
	MaxPathLen = 260
)

// gameMapBufferSize is the read buffer ParseGameMap puts in front of its
// reader.
const gameMapBufferSize = 4 << 10

// MapFile is one record of GameMap.dat: a map id and the client-relative
// path of its DMap file.
type MapFile struct {
	// ID is the map id, e.g. 1002.
	ID uint32
	// Path is the DMap path as written in the file, cut at the first NUL,
	// e.g. "map/map/newplain.DMap"; it may use backslashes.
	Path string
	// PuzzleSize is the record's last field (256 or 128 in the known file);
	// no server uses it.
	PuzzleSize uint32
}

// ParseGameMap reads the client's ini/GameMap.dat: a u32 record count, then
// per record u32 map id, u32 path length, the path bytes and u32 puzzle
// size. A record with an empty path is an error. Bytes after the last record
// are not read.
func ParseGameMap(r io.Reader) ([]MapFile, error) {
	d := binReader{r: bufio.NewReaderSize(r, gameMapBufferSize), prefix: "gamemap"}
	n, err := d.u32()
	if err != nil {
		return nil, d.fail(err, "record count")
	}
	if n > MaxMapRecords {
		return nil, fmt.Errorf("gamemap: record count %d exceeds %d", n, MaxMapRecords)
	}
	// The count is bounded, but a short file should not cost a full-size
	// allocation: grow from a small capacity.
	out := make([]MapFile, 0, min(n, 256))
	var path [MaxPathLen]byte
	for i := range int(n) {
		id, err := d.u32()
		if err != nil {
			return nil, d.fail(err, "record %d map id", i)
		}
		size, err := d.u32()
		if err != nil {
			return nil, d.fail(err, "record %d (map %d) path length", i, id)
		}
		if size == 0 || size > MaxPathLen {
			return nil, fmt.Errorf("gamemap: record %d (map %d): path length %d outside 1..%d", i, id, size, MaxPathLen)
		}
		if err := d.read(path[:size]); err != nil {
			return nil, d.fail(err, "record %d (map %d) path", i, id)
		}
		p := cString(path[:size])
		if p == "" {
			return nil, fmt.Errorf("gamemap: record %d (map %d): empty path", i, id)
		}
		puzzle, err := d.u32()
		if err != nil {
			return nil, d.fail(err, "record %d (map %d) puzzle size", i, id)
		}
		out = append(out, MapFile{ID: id, Path: p, PuzzleSize: puzzle})
	}
	return out, nil
}
