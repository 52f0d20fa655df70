-- 0001_init: accounts, characters and one-time login tokens.
--
-- Conventions (kept portable so a PostgreSQL port can mirror them):
--   * times are INTEGER Unix microseconds, UTC; 0 means "never";
--   * case-insensitive uniqueness uses a name_key column holding the name
--     lower-cased in Go, with a UNIQUE index (no collations);
--   * unsigned 64-bit values (login tokens, experience) are stored as the
--     int64 with the same bit pattern.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL CHECK (name <> ''),
    name_key      TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    status        INTEGER NOT NULL DEFAULT 0,
    gm            INTEGER NOT NULL DEFAULT 0 CHECK (gm IN (0, 1)),
    created_at    INTEGER NOT NULL,
    last_login    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX accounts_name_key ON accounts (name_key);

-- Character ids are assigned by the store from 1000000 upwards, the range
-- the 5017 client treats as players. At most one character per account.
CREATE TABLE characters (
    id          INTEGER PRIMARY KEY CHECK (id >= 1000000 AND id <= 4294967295),
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    name        TEXT    NOT NULL CHECK (name <> ''),
    name_key    TEXT    NOT NULL,
    body        INTEGER NOT NULL,
    avatar      INTEGER NOT NULL,
    hair        INTEGER NOT NULL,
    class       INTEGER NOT NULL,
    prev_class  INTEGER NOT NULL,
    rebirths    INTEGER NOT NULL,
    level       INTEGER NOT NULL,
    exp         INTEGER NOT NULL,
    silver      INTEGER NOT NULL,
    cps         INTEGER NOT NULL,
    strength    INTEGER NOT NULL,
    agility     INTEGER NOT NULL,
    vitality    INTEGER NOT NULL,
    spirit      INTEGER NOT NULL,
    attr_points INTEGER NOT NULL,
    hp          INTEGER NOT NULL,
    mp          INTEGER NOT NULL,
    pk_points   INTEGER NOT NULL,
    map_id      INTEGER NOT NULL,
    x           INTEGER NOT NULL,
    y           INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    saved_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX characters_name_key ON characters (name_key);
CREATE UNIQUE INDEX characters_account_id ON characters (account_id);

-- One-time tokens handed from the account server to the game server.
CREATE TABLE login_tokens (
    token      INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    expires_at INTEGER NOT NULL
);
CREATE INDEX login_tokens_expires_at ON login_tokens (expires_at);
