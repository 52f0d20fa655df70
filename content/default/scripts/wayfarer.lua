-- The Wayfarer stands near the arrival point of every built-in map and
-- sends travellers to any of the others.

local places = {
	{ id = 1010, name = "Birth Village", x = 61, y = 109 },
	{ id = 1002, name = "Twin City", x = 430, y = 378 },
	{ id = 1000, name = "the Desert", x = 490, y = 640 },
	{ id = 1011, name = "Phoenix Castle", x = 190, y = 270 },
}

local here = map()
local options, targets = {}, {}
for _, place in ipairs(places) do
	if place.id ~= here then
		options[#options + 1] = place.name
		targets[#targets + 1] = place
	end
end
options[#options + 1] = "Nowhere today."

local pick = ask("Roads are long and my cart is quick. Where shall I take you?", options)
local dest = targets[pick]
if dest then
	teleport(dest.id, dest.x, dest.y)
end
