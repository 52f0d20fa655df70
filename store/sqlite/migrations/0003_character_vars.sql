-- 0003_character_vars: per-character script variables (quest flags and the
-- like), written by NPC scripts and saved with the character.
CREATE TABLE character_vars (
    character_id INTEGER NOT NULL REFERENCES characters (id),
    key          TEXT    NOT NULL CHECK (key <> ''),
    value        TEXT    NOT NULL,
    PRIMARY KEY (character_id, key)
);
