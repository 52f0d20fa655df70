-- VaultKeeper: the warehouse of Twin City. The vault itself opens with the
-- items update; until then the keeper says so.

ask("My vault is still being built, " .. name() .. ". Come back soon and I will keep your things safe.",
	{ "I will come back." })
