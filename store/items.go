package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Item uid range. Items get uids of their own, above every entity range of
// combat.md §1 and above LastCharacterID, so that a floor item can use its
// uid as its map entity id without colliding with a player, an NPC or a
// monster. Ids from LastItemID+1 to 2^32-1 stay free for map-local
// entities that are not stored (floor money piles, traps).
const (
	// FirstItemID is the uid of the first item NewItemIDs hands out.
	FirstItemID uint32 = 2_000_000_000
	// LastItemID is the largest uid NewItemIDs hands out.
	LastItemID uint32 = 3_999_999_999
)

// Limits the store enforces, so that no caller can grow a character's item
// set without bound or put two items in one equipment slot.
const (
	// MaxInventoryItems is the most items one character carries at
	// PosInventory (the 5017 inventory has 40 slots).
	MaxInventoryItems = 40
	// MaxWarehouseItems is the most items one character keeps in one
	// warehouse (one NPC). The game's capacity setting (20 by default,
	// world-content policy) must not exceed it.
	MaxWarehouseItems = 40
	// MaxNewItemIDs is the most uids one NewItemIDs call hands out.
	MaxNewItemIDs = 1000
	// MaxBatchEntries bounds the entries (snapshots, items, deletions and
	// money moves together) of one Save.
	MaxBatchEntries = 1 << 20
	// MaxVersion is the largest version the store accepts: versions are
	// stored as SQLite INTEGER, a signed 64-bit number.
	MaxVersion uint64 = math.MaxInt64
)

// OwnerKind says what the OwnerID of an item names.
type OwnerKind uint8

// Owner kinds.
const (
	// OwnerNone: the item belongs to nobody (in transit; position PosNone).
	OwnerNone OwnerKind = 0
	// OwnerCharacter: OwnerID is a character id.
	OwnerCharacter OwnerKind = 1
	// OwnerFloor: the item lies on the floor of map OwnerID (PosFloor).
	OwnerFloor OwnerKind = 2
)

// Position is where an item is: the position byte of MsgItemInfo @18 and
// cq_item.position (world-content §3.1).
type Position uint8

// Positions.
const (
	PosInventory Position = 0   // one of the 40 inventory slots
	PosHelmet    Position = 1   // helmet
	PosNecklace  Position = 2   // necklace
	PosArmor     Position = 3   // armor
	PosRightHand Position = 4   // right-hand weapon
	PosLeftHand  Position = 5   // shield, one-hand weapon or arrows
	PosRing      Position = 6   // ring or bracelet
	PosTreasure  Position = 7   // slot 7, use in 5017 unknown
	PosBoots     Position = 8   // boots
	PosGarment   Position = 9   // garment
	PosWarehouse Position = 201 // a warehouse; Item.Warehouse is its NPC id
	PosTrunk     Position = 202 // trunk (Item.Warehouse: its NPC id)
	PosChest     Position = 203 // chest (Item.Warehouse: its NPC id)
	PosFloor     Position = 254 // on the floor (OwnerFloor)
	PosNone      Position = 255 // nowhere (OwnerNone)
)

// isEquipment reports whether p is one of the equipment slots, which hold
// one item each.
func (p Position) isEquipment() bool { return p >= PosHelmet && p <= PosGarment }

// isStorage reports whether p is a warehouse, trunk or chest.
func (p Position) isStorage() bool { return p >= PosWarehouse && p <= PosChest }

// Item is the stored state of one item instance.
type Item struct {
	// ID is the item's uid, from NewItemIDs.
	ID uint32
	// Type is the item type id (world-content §3.2), e.g. 410301.
	Type uint32
	// Owner and OwnerID say who has the item: a character, the floor of
	// a map, or nobody.
	Owner   OwnerKind
	OwnerID uint32
	// Position is where the owner keeps it.
	Position Position
	// Warehouse is the NPC id of the warehouse when Position is
	// PosWarehouse, PosTrunk or PosChest, and 0 otherwise.
	Warehouse uint32
	// Slot orders items within a position (the inventory or a warehouse).
	Slot uint16
	// Amount and AmountLimit are the durability and maximum durability,
	// or the amount and stack limit of a stackable item.
	Amount, AmountLimit uint16
	// Plus, Bless, Gem1, Gem2 and Enchant are the upgrades MsgItemInfo
	// carries.
	Plus, Bless, Gem1, Gem2, Enchant uint8
	// Version orders the states of the item: Save writes a state only if
	// its version is greater than the stored one. The game takes it from
	// one monotonic counter at every change (1 … MaxVersion).
	Version uint64
}

// ItemDeletion deletes item ID (consumed, sold, expired) as of Version:
// the item is gone unless a state with a greater version is saved.
type ItemDeletion struct {
	ID      uint32
	Version uint64
}

// CharacterSnapshot is a character's state as of Version, a value of the
// same counter as item versions.
type CharacterSnapshot struct {
	Character Character
	Version   uint64
}

// MoneyMove is one character's side of a MoneyTransfer: Silver, CPs and
// WarehouseSilver are added (negative: taken). A warehouse deposit is one
// move of -n Silver and +n WarehouseSilver.
type MoneyMove struct {
	CharacterID                  uint32
	Silver, CPs, WarehouseSilver int64
}

// MoneyTransfer moves money between characters (or, with one move, between
// a character and the world: an NPC shop, a floor money pile) as of
// Version. Save applies each move exactly once, on top of whatever
// snapshot of the character is stored, whatever order snapshots and
// transfers arrive in.
type MoneyTransfer struct {
	Version uint64
	Moves   []MoneyMove
}

// Batch is everything one Save writes, all or nothing.
type Batch struct {
	// Characters are snapshots; one not newer than the stored one is
	// skipped. Their Silver and CPs are the money as of the snapshot.
	Characters []CharacterSnapshot
	// Items are item states; one not newer than the stored one is skipped.
	Items []Item
	// Deleted are deletions; one not newer than the stored state is
	// skipped.
	Deleted []ItemDeletion
	// Transfers are money transfers; each move is applied once.
	Transfers []MoneyTransfer
}

// entries is the size of b counted against MaxBatchEntries.
func (b *Batch) entries() int {
	n := len(b.Characters) + len(b.Items) + len(b.Deleted)
	for _, t := range b.Transfers {
		n += len(t.Moves)
	}
	return n
}

// checkVersion refuses a version outside 1 … MaxVersion.
func checkVersion(v uint64) error {
	if v == 0 || v > MaxVersion {
		return fmt.Errorf("version %d outside 1…%d", v, MaxVersion)
	}
	return nil
}

// checkItemID refuses a uid outside FirstItemID … LastItemID.
func checkItemID(id uint32) error {
	if id < FirstItemID || id > LastItemID {
		return fmt.Errorf("item id %d outside %d…%d", id, FirstItemID, LastItemID)
	}
	return nil
}

// check refuses an item state that cannot be stored: a bad uid or
// version, no type, or an owner and position that do not fit together.
func (it *Item) check() error {
	if err := checkItemID(it.ID); err != nil {
		return err
	}
	if err := checkVersion(it.Version); err != nil {
		return fmt.Errorf("item %d: %w", it.ID, err)
	}
	if it.Type == 0 {
		return fmt.Errorf("item %d: type 0", it.ID)
	}
	ok := false
	switch it.Owner {
	case OwnerCharacter:
		ok = it.Position == PosInventory || it.Position.isEquipment() ||
			it.Position.isStorage() && it.Warehouse != 0
		ok = ok && (it.Position.isStorage() || it.Warehouse == 0)
	case OwnerFloor:
		ok = it.Position == PosFloor && it.Warehouse == 0
	case OwnerNone:
		ok = it.Position == PosNone && it.Warehouse == 0 && it.OwnerID == 0
	}
	if !ok {
		return fmt.Errorf("item %d: owner kind %d id %d cannot hold it at position %d (warehouse %d)",
			it.ID, it.Owner, it.OwnerID, it.Position, it.Warehouse)
	}
	return nil
}

// check refuses a batch that cannot be stored, before anything is written.
func (b *Batch) check() error {
	if n := b.entries(); n > MaxBatchEntries {
		return fmt.Errorf("%d entries, at most %d", n, MaxBatchEntries)
	}
	for i := range b.Characters {
		s := &b.Characters[i]
		if err := checkVersion(s.Version); err != nil {
			return fmt.Errorf("character %d: %w", s.Character.ID, err)
		}
		if err := checkVars(&s.Character); err != nil {
			return err
		}
		if err := checkSkills(&s.Character); err != nil {
			return err
		}
	}
	for i := range b.Items {
		if err := b.Items[i].check(); err != nil {
			return err
		}
	}
	for _, d := range b.Deleted {
		if err := checkItemID(d.ID); err != nil {
			return err
		}
		if err := checkVersion(d.Version); err != nil {
			return fmt.Errorf("deleting item %d: %w", d.ID, err)
		}
	}
	for _, t := range b.Transfers {
		if err := checkVersion(t.Version); err != nil {
			return fmt.Errorf("money transfer: %w", err)
		}
		seen := make(map[uint32]bool, len(t.Moves))
		for _, m := range t.Moves {
			if seen[m.CharacterID] {
				return fmt.Errorf("money transfer %d: character %d moves twice", t.Version, m.CharacterID)
			}
			seen[m.CharacterID] = true
			for _, n := range []int64{m.Silver, m.CPs, m.WarehouseSilver} {
				if n < -math.MaxUint32 || n > math.MaxUint32 {
					return fmt.Errorf("money transfer %d: character %d: %d out of range", t.Version, m.CharacterID, n)
				}
			}
		}
	}
	return nil
}

// NewItemIDs reserves n (1 … MaxNewItemIDs) new item uids and returns the
// first: the uids are first, first+1, … first+n-1. A uid is handed out
// once, even if the item is never saved. Save refuses uids not handed out.
func (db *DB) NewItemIDs(ctx context.Context, n int) (first uint32, err error) {
	if n < 1 || n > MaxNewItemIDs {
		return 0, fmt.Errorf("store: new item ids: n = %d, want 1…%d", n, MaxNewItemIDs)
	}
	err = db.inTx(ctx, func(tx Tx) error {
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT next FROM item_ids`).Scan(&next); err != nil {
			return err
		}
		if next+int64(n)-1 > int64(LastItemID) {
			return errors.New("item ids exhausted")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE item_ids SET next = ?`, next+int64(n)); err != nil {
			return err
		}
		first = uint32(next)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: new item ids: %w", err)
	}
	return first, nil
}

// itemCols are the columns scanItem reads, in order.
const itemCols = `id, type, owner_kind, owner_id, position, warehouse, slot, amount, amount_limit,
	plus, bless, gem1, gem2, enchant, version`

// scanItem scans one row of itemCols; database/sql range-checks every
// narrow integer.
func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var version int64
	err := row.Scan(&it.ID, &it.Type, &it.Owner, &it.OwnerID, &it.Position, &it.Warehouse, &it.Slot,
		&it.Amount, &it.AmountLimit, &it.Plus, &it.Bless, &it.Gem1, &it.Gem2, &it.Enchant, &version)
	it.Version = uint64(version)
	return it, err
}

// queryItems returns the live items the query selects.
func (db *DB) queryItems(ctx context.Context, where string, args ...any) ([]Item, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+itemCols+` FROM items WHERE deleted = 0 AND `+where+
		` ORDER BY position, warehouse, slot, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// ItemsOf returns the items character characterID owns — inventory,
// equipment and every warehouse — ordered by position, warehouse and slot.
func (db *DB) ItemsOf(ctx context.Context, characterID uint32) ([]Item, error) {
	items, err := db.queryItems(ctx, `owner_kind = 1 AND owner_id = ?`, characterID)
	if err != nil {
		return nil, fmt.Errorf("store: items of character %d: %w", characterID, err)
	}
	return items, nil
}

// FloorItems returns the items lying on the floor of any map (OwnerFloor):
// after a restart the game puts them back or deletes them.
func (db *DB) FloorItems(ctx context.Context) ([]Item, error) {
	items, err := db.queryItems(ctx, `owner_kind = 2`)
	if err != nil {
		return nil, fmt.Errorf("store: floor items: %w", err)
	}
	return items, nil
}

// LatestVersion returns the greatest version stored (0 if none). At
// startup the game starts its version counter above it, so its new
// versions are newer than everything already stored.
func (db *DB) LatestVersion(ctx context.Context) (uint64, error) {
	var v int64
	err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(v), 0) FROM (
		SELECT MAX(version) AS v FROM characters
		UNION ALL SELECT MAX(version) FROM items
		UNION ALL SELECT MAX(version) FROM money_log) AS versions`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: latest version: %w", err)
	}
	return uint64(v), nil
}

// PurgeTombstones forgets deleted items whose deletion is older than
// before and returns how many. The game passes a version older than every
// snapshot it may still save: a state of a purged item older than the
// deletion would otherwise bring it back.
func (db *DB) PurgeTombstones(ctx context.Context, before uint64) (int64, error) {
	before = min(before, MaxVersion)
	var n int64
	err := db.inTx(ctx, func(tx Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM items WHERE deleted = 1 AND version < ?`, int64(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge tombstones: %w", err)
	}
	return n, nil
}

// SaveItems saves item states: Save with only Items.
func (db *DB) SaveItems(ctx context.Context, items ...Item) error {
	return db.Save(ctx, Batch{Items: items})
}

// DeleteItems deletes items: Save with only Deleted.
func (db *DB) DeleteItems(ctx context.Context, ds ...ItemDeletion) error {
	return db.Save(ctx, Batch{Deleted: ds})
}

// Save writes b in one transaction, all or nothing: every snapshot, item
// state and deletion newer than what is stored, and every money move not
// applied yet. Its result does not depend on the order batches arrive in:
// once every batch is saved, each item is where its newest state puts it
// and each character has its newest snapshot plus the money transfers
// newer than it.
//
// It fails, writing nothing, with ErrNotFound if a character does not
// exist, and with ErrInvalid if an entry is invalid, an item uid was not
// handed out by NewItemIDs, money would leave 0 … 2^32-1, or the items of
// a character would break a limit (MaxInventoryItems, MaxWarehouseItems,
// one item per equipment slot). Saving the same batch again would fail
// again; any other error may be transient.
func (db *DB) Save(ctx context.Context, b Batch) error {
	if err := b.check(); err != nil {
		return fmt.Errorf("store: save: %w: %w", ErrInvalid, err)
	}
	if b.entries() == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx Tx) error {
		owners, err := saveItemStates(ctx, tx, b.Items, b.Deleted)
		if err != nil {
			return err
		}
		saved := timeToDB(time.Now())
		for i := range b.Characters {
			if err := saveSnapshot(ctx, tx, &b.Characters[i], saved); err != nil {
				return err
			}
		}
		for _, t := range b.Transfers {
			for _, m := range t.Moves {
				if err := applyMove(ctx, tx, t.Version, m); err != nil {
					return fmt.Errorf("money transfer %d: %w", t.Version, err)
				}
			}
		}
		for id := range owners {
			if err := checkOwner(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save: %w", err)
	}
	return nil
}

// saveItemStates upserts items and tombstones the deleted, each only if
// newer than the stored row, and returns the characters that may have
// gained an item.
func saveItemStates(ctx context.Context, tx Tx, items []Item, deleted []ItemDeletion) (map[uint32]struct{}, error) {
	owners := make(map[uint32]struct{})
	if len(items) == 0 && len(deleted) == 0 {
		return owners, nil
	}
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT next FROM item_ids`).Scan(&next); err != nil {
		return nil, fmt.Errorf("item ids: %w", err)
	}
	if len(items) > 0 {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO items (`+itemCols+`, deleted)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
			ON CONFLICT (id) DO UPDATE SET type = excluded.type, owner_kind = excluded.owner_kind,
				owner_id = excluded.owner_id, position = excluded.position, warehouse = excluded.warehouse,
				slot = excluded.slot, amount = excluded.amount, amount_limit = excluded.amount_limit,
				plus = excluded.plus, bless = excluded.bless, gem1 = excluded.gem1, gem2 = excluded.gem2,
				enchant = excluded.enchant, version = excluded.version, deleted = 0
			WHERE excluded.version > items.version`)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		defer stmt.Close()
		for _, it := range items {
			if int64(it.ID) >= next {
				return nil, fmt.Errorf("item %d: uid not handed out: %w", it.ID, ErrInvalid)
			}
			res, err := stmt.ExecContext(ctx, it.ID, it.Type, it.Owner, it.OwnerID, it.Position, it.Warehouse,
				it.Slot, it.Amount, it.AmountLimit, it.Plus, it.Bless, it.Gem1, it.Gem2, it.Enchant, int64(it.Version))
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", it.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return nil, fmt.Errorf("item %d: %w", it.ID, err)
			} else if n > 0 && it.Owner == OwnerCharacter {
				owners[it.OwnerID] = struct{}{}
			}
		}
	}
	if len(deleted) > 0 {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO items (`+itemCols+`, deleted)
			VALUES (?, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, 1)
			ON CONFLICT (id) DO UPDATE SET owner_kind = 0, owner_id = 0, position = 255, warehouse = 0,
				version = excluded.version, deleted = 1
			WHERE excluded.version > items.version`)
		if err != nil {
			return nil, fmt.Errorf("item deletions: %w", err)
		}
		defer stmt.Close()
		for _, d := range deleted {
			if int64(d.ID) >= next {
				return nil, fmt.Errorf("deleting item %d: uid not handed out: %w", d.ID, ErrInvalid)
			}
			if _, err := stmt.ExecContext(ctx, d.ID, int64(d.Version)); err != nil {
				return nil, fmt.Errorf("deleting item %d: %w", d.ID, err)
			}
		}
	}
	return owners, nil
}

// saveSnapshot writes s if it is newer than the stored snapshot of its
// character, adding the money transfers newer than s that are already
// applied and forgetting the older ones.
func saveSnapshot(ctx context.Context, tx Tx, s *CharacterSnapshot, saved int64) error {
	c := &s.Character
	res, err := tx.ExecContext(ctx, `UPDATE characters SET
		body = ?, avatar = ?, hair = ?, class = ?, prev_class = ?, rebirths = ?, level = ?, exp = ?,
		silver = ?, cps = ?, strength = ?, agility = ?, vitality = ?, spirit = ?, attr_points = ?,
		hp = ?, mp = ?, pk_points = ?, map_id = ?, x = ?, y = ?, saved_at = ?, warehouse_silver = ?, version = ?
		WHERE id = ? AND version < ?`,
		c.Body, c.Avatar, c.Hair, c.Class, c.PrevClass, c.Rebirths, c.Level, int64(c.Exp),
		c.Silver, c.CPs, c.Strength, c.Agility, c.Vitality, c.Spirit, c.AttrPoints,
		c.HP, c.MP, c.PKPoints, c.MapID, c.X, c.Y, saved, c.WarehouseSilver, int64(s.Version), c.ID, int64(s.Version))
	if err != nil {
		return fmt.Errorf("character %d: %w", c.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("character %d: %w", c.ID, err)
	}
	if n == 0 { // stale, or no such character
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM characters WHERE id = ?`, c.ID).Scan(&exists); err != nil {
			return fmt.Errorf("character %d: %w", c.ID, err)
		}
		if exists == 0 {
			return fmt.Errorf("character %d: %w", c.ID, ErrNotFound)
		}
		return nil
	}
	var m money
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(silver), 0), COALESCE(SUM(cps), 0),
		COALESCE(SUM(warehouse_silver), 0) FROM money_log WHERE character_id = ? AND version > ?`,
		c.ID, int64(s.Version)).Scan(&m.silver, &m.cps, &m.warehouse); err != nil {
		return fmt.Errorf("character %d: money log: %w", c.ID, err)
	}
	if m != (money{}) {
		m.silver += int64(c.Silver)
		m.cps += int64(c.CPs)
		m.warehouse += int64(c.WarehouseSilver)
		if err := setMoney(ctx, tx, c.ID, m); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM money_log WHERE character_id = ? AND version <= ?`,
		c.ID, int64(s.Version)); err != nil {
		return fmt.Errorf("character %d: money log: %w", c.ID, err)
	}
	if err := saveVars(ctx, tx, c); err != nil {
		return err
	}
	return saveSkills(ctx, tx, c)
}

// applyMove applies m of the transfer of version v unless the stored
// snapshot of the character already includes it (it is older than the
// snapshot) or it was applied before (it is in the log).
func applyMove(ctx context.Context, tx Tx, v uint64, m MoneyMove) error {
	var stored int64
	var cur money
	err := tx.QueryRowContext(ctx, `SELECT version, silver, cps, warehouse_silver FROM characters WHERE id = ?`,
		m.CharacterID).Scan(&stored, &cur.silver, &cur.cps, &cur.warehouse)
	if err != nil {
		return fmt.Errorf("character %d: %w", m.CharacterID, notFound(err))
	}
	if int64(v) <= stored {
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO money_log (character_id, version, silver, cps, warehouse_silver)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (character_id, version) DO NOTHING`,
		m.CharacterID, int64(v), m.Silver, m.CPs, m.WarehouseSilver)
	if err != nil {
		return fmt.Errorf("character %d: money log: %w", m.CharacterID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("character %d: money log: %w", m.CharacterID, err)
		}
		return nil // applied before
	}
	cur.silver += m.Silver
	cur.cps += m.CPs
	cur.warehouse += m.WarehouseSilver
	return setMoney(ctx, tx, m.CharacterID, cur)
}

// money is a character's purses, wide enough to add to without overflow.
type money struct{ silver, cps, warehouse int64 }

// setMoney stores a character's money, refusing amounts a u32 cannot hold.
func setMoney(ctx context.Context, tx Tx, id uint32, m money) error {
	for _, n := range []int64{m.silver, m.cps, m.warehouse} {
		if n < 0 || n > math.MaxUint32 {
			return fmt.Errorf("character %d: money would be %d silver, %d CPs, %d in the warehouse: %w",
				id, m.silver, m.cps, m.warehouse, ErrInvalid)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE characters SET silver = ?, cps = ?, warehouse_silver = ? WHERE id = ?`,
		m.silver, m.cps, m.warehouse, id); err != nil {
		return fmt.Errorf("character %d: money: %w", id, err)
	}
	return nil
}

// checkOwner refuses the batch if character id does not exist or its
// items break a limit.
func checkOwner(ctx context.Context, tx Tx, id uint32) error {
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM characters WHERE id = ?`, id).Scan(&exists); err != nil {
		return fmt.Errorf("character %d: %w", id, err)
	}
	if exists == 0 {
		return fmt.Errorf("items of character %d: %w", id, ErrNotFound)
	}
	rows, err := tx.QueryContext(ctx, `SELECT position, warehouse, COUNT(*) FROM items
		WHERE owner_kind = 1 AND owner_id = ? AND deleted = 0 GROUP BY position, warehouse`, id)
	if err != nil {
		return fmt.Errorf("items of character %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var pos Position
		var warehouse uint32
		var n int
		if err := rows.Scan(&pos, &warehouse, &n); err != nil {
			return fmt.Errorf("items of character %d: %w", id, err)
		}
		switch {
		case pos == PosInventory && n > MaxInventoryItems:
			return fmt.Errorf("character %d: %d items in the inventory, at most %d: %w", id, n, MaxInventoryItems, ErrInvalid)
		case pos.isEquipment() && n > 1:
			return fmt.Errorf("character %d: %d items at equipment position %d: %w", id, n, pos, ErrInvalid)
		case pos.isStorage() && n > MaxWarehouseItems:
			return fmt.Errorf("character %d: %d items in warehouse %d, at most %d: %w", id, n, warehouse, MaxWarehouseItems, ErrInvalid)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("items of character %d: %w", id, err)
	}
	return nil
}
