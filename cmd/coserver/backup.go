package main

import (
	"context"
	"fmt"
	"io"
)

const backupUsage = `usage: coserver backup [flags] FILE

Writes a consistent copy of the database to FILE (SQLite VACUUM INTO), safe
while servers use the database. FILE must not exist. Restore by stopping the
servers and putting the copy in place of the database file (remove the
-wal and -shm files beside it).
`

// backupCmd copies the database to a new file.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	d := newDBCommand("backup", backupUsage, stderr)
	rest, code, ok := d.parse(args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprint(stderr, "coserver backup: name one file to write\n\n", backupUsage)
		return 2
	}
	db, err := d.open(ctx, false, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "coserver backup:", err)
		return 1
	}
	defer db.Close()
	if err := db.Backup(ctx, rest[0]); err != nil {
		fmt.Fprintln(stderr, "coserver backup:", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup written to %s\n", rest[0])
	return 0
}
