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

UPDATE accounts SET name_key = lower(name);
UPDATE characters SET name_key = lower(name);
ALTER TABLE login_tokens ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
