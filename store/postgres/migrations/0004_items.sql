-- PostgreSQL version of store/sqlite/migrations/0004_items.sql: the same schema, with
-- BIGINT for SQLite's 64-bit INTEGER and an identity column for AUTOINCREMENT.
--
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
--     added back. Versions are stored as BIGINT (int64); the store refuses
--     versions above 2^63-1.

ALTER TABLE characters ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
-- Silver kept in the warehouses (MsgItem 9-11): one purse per character.
ALTER TABLE characters ADD COLUMN warehouse_silver BIGINT NOT NULL DEFAULT 0;

CREATE TABLE items (
    id           BIGINT PRIMARY KEY CHECK (id >= 2000000000 AND id <= 3999999999),
    type         BIGINT NOT NULL,
    owner_kind   BIGINT NOT NULL CHECK (owner_kind IN (0, 1, 2)),
    owner_id     BIGINT NOT NULL,
    position     BIGINT NOT NULL,
    warehouse    BIGINT NOT NULL,
    slot         BIGINT NOT NULL,
    amount       BIGINT NOT NULL,
    amount_limit BIGINT NOT NULL,
    plus         BIGINT NOT NULL,
    bless        BIGINT NOT NULL,
    gem1         BIGINT NOT NULL,
    gem2         BIGINT NOT NULL,
    enchant      BIGINT NOT NULL,
    version      BIGINT NOT NULL CHECK (version > 0),
    deleted      BIGINT NOT NULL CHECK (deleted IN (0, 1))
);
CREATE INDEX items_owner ON items (owner_kind, owner_id) WHERE deleted = 0;
CREATE INDEX items_tombstones ON items (version) WHERE deleted = 1;

CREATE TABLE item_ids (
    next BIGINT NOT NULL
);
INSERT INTO item_ids (next) VALUES (2000000000);

CREATE TABLE money_log (
    character_id BIGINT NOT NULL REFERENCES characters (id),
    version      BIGINT NOT NULL,
    silver       BIGINT NOT NULL,
    cps          BIGINT NOT NULL,
    warehouse_silver BIGINT NOT NULL,
    PRIMARY KEY (character_id, version)
);
