-- The guide on the start map: greets, explains, remembers that it did, and sends the player on.
face(1)
local seen = get("guide.seen")
local hello
if seen then
  hello = "Welcome back, " .. name() .. "."
else
  hello = "Hello, " .. name() .. "! Fresh faces are rare out here."
end
local choice = ask(hello .. " What would you like to know?", {
  "How do I fight?",
  "Take me to town.",
  "Nothing, thanks.",
})
set("guide.seen", 1)
if choice == 1 then
  ask("Click a monster to strike it. Rest when your health runs low.", {"Got it."})
  say("Good luck out there.")
elseif choice == 2 then
  log("sending " .. name() .. " to town")
  teleport(1002, 430, 380)
end
