// Package backend opens the store on the engine the -db setting names: a
// postgres:// or postgresql:// URL opens PostgreSQL (store/postgres),
// anything else is a SQLite file path (store/sqlite). It is the one
// package that imports every backend, so that package store imports none.
package backend

import (
	"context"

	"github.com/coserver/coserver/store"
	"github.com/coserver/coserver/store/postgres"
	"github.com/coserver/coserver/store/sqlite"
)

// IsPostgres reports whether db (a -db setting) names a PostgreSQL
// database.
func IsPostgres(db string) bool { return postgres.IsDSN(db) }

// Open opens the store db names, creating a SQLite file if needed, and
// applies pending migrations.
func Open(ctx context.Context, db string) (*store.DB, error) {
	if IsPostgres(db) {
		return postgres.Open(ctx, db)
	}
	return sqlite.Open(ctx, db)
}

// OpenExisting is Open for the admin commands: a SQLite file must exist
// already (sqlite.ErrNoDatabase otherwise), so a mistyped path is
// reported instead of creating an empty database. A PostgreSQL database
// is opened as by Open.
func OpenExisting(ctx context.Context, db string) (*store.DB, error) {
	if IsPostgres(db) {
		return postgres.Open(ctx, db)
	}
	return sqlite.OpenExisting(ctx, db)
}
