-- 0005_skills: a character's weapon proficiencies and magic experience
-- (docs/COMBAT.md), saved with the character's snapshot. kind 1 is a weapon
-- proficiency (type = weapon item type / 1000, 0 bare hands), kind 2 a
-- magic (type = magic type); level and exp as MsgWeaponSkill / MsgMagicInfo
-- carry them.
CREATE TABLE skills (
    character_id INTEGER NOT NULL REFERENCES characters (id),
    kind         INTEGER NOT NULL CHECK (kind IN (1, 2)),
    type         INTEGER NOT NULL CHECK (type >= 0 AND type <= 4294967295),
    level        INTEGER NOT NULL CHECK (level >= 0 AND level <= 65535),
    exp          INTEGER NOT NULL CHECK (exp >= 0 AND exp <= 4294967295),
    PRIMARY KEY (character_id, kind, type)
);
