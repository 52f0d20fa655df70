-- The town teleporter: asks a destination and a password-like word before moving the player.
local places = {
  {label = "The market", map = 1002, x = 400, y = 400},
  {label = "The desert", map = 1000, x = 480, y = 630},
}
local labels = {}
for i, p in ipairs(places) do labels[i] = p.label end
labels[#labels + 1] = "Stay here"
local pick = ask("Where to, " .. name() .. "? I am " .. npc.name .. ".", labels)
local dest = places[pick]
if not dest then
  return
end
local word = input("Say the magic word.", "Word:", 8)
if word ~= "please" then
  ask("That is not the word.", {"Oh."})
  return
end
teleport(dest.map, dest.x, dest.y)
