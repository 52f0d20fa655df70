-- OldWillow, the guide of Birth Village: explains the basics over a few
-- pages and offers the road to Twin City. Remembers who has talked to her.

local TWIN_CITY, TWIN_X, TWIN_Y = 1002, 430, 378
local who = name()

if get("guide.met") == "yes" then
	local pick = ask("Welcome back, " .. who .. "! Ready for the road to Twin City, or shall I go over the basics again?",
		{ "Take me to Twin City.", "Tell me the basics again.", "Not now." })
	if pick == 1 then
		teleport(TWIN_CITY, TWIN_X, TWIN_Y)
		return
	end
	if pick ~= 2 then
		return
	end
else
	set("guide.met", "yes")
	log("guide: first talk with " .. who)
	face(6)
	local pick = ask("Hello, " .. who .. "! I am " .. npc.name .. ". I help newcomers find their feet. Shall I show you around?",
		{ "Yes, please.", "No, thank you." })
	if pick ~= 1 then
		say("Come and find me whenever you like, " .. who .. ".")
		return
	end
end

ask("Getting around is simple: click the ground and you walk there. The further you click, the further you go.",
	{ "Next." })
ask("To talk, type in the chat box at the bottom of the screen and press Enter. Everyone nearby can read it.",
	{ "Next." })
local pick = ask("Shops, a vault for your things and wild creatures are on their way. Twin City, just down the road, is where it all happens. Shall I send you there now?",
	{ "Yes, send me to Twin City.", "I will stay a while." })
if pick == 1 then
	teleport(TWIN_CITY, TWIN_X, TWIN_Y)
else
	say("Take your time. The road to Twin City is always open.")
end
