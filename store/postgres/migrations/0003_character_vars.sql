-- PostgreSQL version of store/sqlite/migrations/0003_character_vars.sql: the same schema, with
-- BIGINT for SQLite's 64-bit INTEGER and an identity column for AUTOINCREMENT.
--
-- 0003_character_vars: per-character script variables (quest flags and the
-- like), written by NPC scripts and saved with the character.
CREATE TABLE character_vars (
    character_id BIGINT NOT NULL REFERENCES characters (id),
    key          TEXT    NOT NULL CHECK (key <> ''),
    value        TEXT    NOT NULL,
    PRIMARY KEY (character_id, key)
);
