-- The Herbalist of Birth Village: the example of the item and money API
-- (docs/SCRIPTING.md). Sells a bundle of potions for silver and buys
-- potions back; every exchange is all or nothing.

local POTION = 1000000      -- MinorHealPotion (items.toml)
local BUNDLE, PRICE = 5, 80 -- five potions for 80 silver
local BUYBACK = 5           -- silver paid for each potion brought back

local pick = ask("Fresh potions, " .. name() .. "! You carry " .. money() .. " silver and " ..
	item_count(POTION) .. " of my potions. What will it be?",
	{ "Five potions for " .. PRICE .. " silver.", "Sell me back your potions.", "Nothing today." })

if pick == 1 then
	if money() < PRICE then
		ask("You are short of silver: come back with " .. PRICE .. ".", { "I will." })
	elseif not take_money(PRICE) then
		ask("The coins slipped away; nothing was taken.", { "Odd." })
	elseif not give_item(POTION, BUNDLE) then
		give_money(PRICE) -- no room in the bag: the silver goes back
		ask("Your bag is full. Here is your silver back.", { "Thanks." })
	else
		say("Five potions, as promised.")
	end
elseif pick == 2 then
	local n = item_count(POTION)
	if not has_item(POTION) then
		ask("You have none of my potions.", { "Right." })
	elseif take_item(POTION, n) then
		if not give_money(n * BUYBACK) then
			give_item(POTION, n) -- a full purse: the potions go back
			ask("Your purse cannot hold more silver.", { "Pity." })
		else
			say("Here are " .. n * BUYBACK .. " silver for " .. n .. " potions.")
		end
	end
end
