-- 0004_items: item instances, versioned so that the newest owner wins
-- whatever order the game's snapshots reach the store in (docs/ITEMS-STORE.md).
--
--   * characters.version: the game's version (a global monotonic counter) of
--     the snapshot last written by Save; 0 for never.
--   * items: one row per item uid, ever; owner_kind 0 none, 1 character
--     (owner_id = character id), 2 floor (owner_id = map id). A deleted item
--     keeps its row as a tombstone (deleted = 1) with the version of the
--     delete, so a stale save cannot bring it back; PurgeTombstones removes
--     old ones. Uids are handed out by NewItemIDs from item_ids.next, in
--     their own range 2,000,000,000 - 3,999,999,999.
--   * money_log: money transfers applied to a character after its stored
--     snapshot was taken (version greater than characters.version). A newer
--     snapshot already contains them and removes them; an older one gets them
--     added back. Versions are stored as INTEGER (int64); the store refuses
--     versions above 2^63-1.

ALTER TABLE characters ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- Silver kept in the warehouses (MsgItem 9-11): one purse per character.
ALTER TABLE characters ADD COLUMN warehouse_silver INTEGER NOT NULL DEFAULT 0;

CREATE TABLE items (
    id           INTEGER PRIMARY KEY CHECK (id >= 2000000000 AND id <= 3999999999),
    type         INTEGER NOT NULL,
    owner_kind   INTEGER NOT NULL CHECK (owner_kind IN (0, 1, 2)),
    owner_id     INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    warehouse    INTEGER NOT NULL,
    slot         INTEGER NOT NULL,
    amount       INTEGER NOT NULL,
    amount_limit INTEGER NOT NULL,
    plus         INTEGER NOT NULL,
    bless        INTEGER NOT NULL,
    gem1         INTEGER NOT NULL,
    gem2         INTEGER NOT NULL,
    enchant      INTEGER NOT NULL,
    version      INTEGER NOT NULL CHECK (version > 0),
    deleted      INTEGER NOT NULL CHECK (deleted IN (0, 1))
);
CREATE INDEX items_owner ON items (owner_kind, owner_id) WHERE deleted = 0;
CREATE INDEX items_tombstones ON items (version) WHERE deleted = 1;

CREATE TABLE item_ids (
    next INTEGER NOT NULL
);
INSERT INTO item_ids (next) VALUES (2000000000);

CREATE TABLE money_log (
    character_id INTEGER NOT NULL REFERENCES characters (id),
    version      INTEGER NOT NULL,
    silver       INTEGER NOT NULL,
    cps          INTEGER NOT NULL,
    warehouse_silver INTEGER NOT NULL,
    PRIMARY KEY (character_id, version)
);
