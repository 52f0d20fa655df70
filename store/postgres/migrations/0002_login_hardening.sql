-- PostgreSQL version of store/sqlite/migrations/0002_login_hardening.sql: the same schema, with
-- BIGINT for SQLite's 64-bit INTEGER and an identity column for AUTOINCREMENT.
--
-- 0002_login_hardening: one name-key rule, tokens bound to a client IP.
--
--   * name_key is now names.Key: ASCII A-Z lowered, every other byte kept
--     (0001 used Go's strings.ToLower, which maps the Kelvin sign U+212A to
--     "k"). SQLite's built-in lower() folds ASCII only, the same rule, so
--     the keys are recomputed here. The new rule is finer than the old one,
--     so no two existing keys can collide.
--   * login_tokens.client_ip is the client address the token was issued to
--     (netip.Addr text form); the game server refuses the token from any
--     other address. Outstanding tokens from before have '' and are refused.

-- No name_key recomputation here: a PostgreSQL database starts empty and
-- migrates to the latest version at once (or is filled by coserver migrate
-- with keys already in the names.Key form); PostgreSQL's lower() also folds
-- beyond ASCII, which names.Key does not.
ALTER TABLE login_tokens ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
