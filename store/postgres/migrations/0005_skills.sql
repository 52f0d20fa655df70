-- PostgreSQL version of store/sqlite/migrations/0005_skills.sql: the same schema, with
-- BIGINT for SQLite's 64-bit INTEGER.
--
-- 0005_skills: a character's weapon proficiencies and magic experience
-- (docs/COMBAT.md), saved with the character's snapshot. kind 1 is a weapon
-- proficiency (type = weapon item type / 1000, 0 bare hands), kind 2 a
-- magic (type = magic type); level and exp as MsgWeaponSkill / MsgMagicInfo
-- carry them.
CREATE TABLE skills (
    character_id BIGINT NOT NULL REFERENCES characters (id),
    kind         BIGINT NOT NULL CHECK (kind IN (1, 2)),
    type         BIGINT NOT NULL CHECK (type >= 0 AND type <= 4294967295),
    level        BIGINT NOT NULL CHECK (level >= 0 AND level <= 65535),
    exp          BIGINT NOT NULL CHECK (exp >= 0 AND exp <= 4294967295),
    PRIMARY KEY (character_id, kind, type)
);
