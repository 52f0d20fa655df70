// coserver admin page: polls the JSON API and acts through it. No library:
// the page is small. Every text from the server goes through textContent.
"use strict";

const api = "/admin/api/";
const statusEvery = 2000; // ms between status and player-table refreshes
const mapEvery = 1000;    // ms between live-map refreshes
const canvasSide = 512;   // px: the map is scaled to fit

function $(id) { return document.getElementById(id); }

function say(text, isError) {
  const m = $("message");
  m.textContent = text;
  m.className = isError ? "error" : "";
}

async function call(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(api + path, opts);
  const data = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

async function act(path, body, done) {
  try {
    const data = await call("POST", path, body);
    say(done(data), false);
    refresh();
  } catch (e) {
    say(path + ": " + e.message, true);
  }
}

// --- status and players ---

let lastLogins = null; // [time ms, logins_accepted]

function renderStatus(s) {
  $("online").textContent = s.online;
  $("waiting").textContent = s.logins_waiting;
  $("uptime").textContent = Math.floor(s.uptime_seconds) + "s";
  $("maintenance").checked = s.maintenance;
  const now = Date.now();
  if (lastLogins) {
    const dt = (now - lastLogins[0]) / 1000;
    if (dt > 0) $("logins").textContent = ((s.logins_accepted - lastLogins[1]) / dt).toFixed(1);
  }
  lastLogins = [now, s.logins_accepted];
}

function cell(tr, text) {
  const td = document.createElement("td");
  td.textContent = text;
  tr.appendChild(td);
}

function button(cls, text) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = cls;
  b.textContent = text;
  return b;
}

function renderPlayers(players) {
  const body = $("players").tBodies[0];
  const rows = [];
  for (const p of players) {
    const tr = document.createElement("tr");
    tr.dataset.name = p.name;
    tr.dataset.account = p.account;
    for (const v of [p.name, p.account, p.map, p.x, p.y, p.level, p.ip]) cell(tr, v);
    const td = document.createElement("td");
    td.append(button("items", "Items"), " ", button("kick", "Kick"), " ", button("ban", "Ban"));
    tr.appendChild(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

async function refresh() {
  try {
    const [s, ps] = await Promise.all([call("GET", "status"), call("GET", "players")]);
    renderStatus(s);
    renderPlayers(ps);
  } catch (e) {
    say("refresh: " + e.message, true);
  }
}

// --- a character's items ---

async function showItems(name) {
  try {
    const h = await call("GET", "items/" + encodeURIComponent(name));
    $("items-money").textContent = h.character + (h.online ? " (online, live)" : " (offline, last save)") +
      ": silver " + h.silver + ", CPs " + h.cps + ", warehouse silver " + h.warehouse_silver;
    const rows = [];
    const add = (where, it) => {
      const tr = document.createElement("tr");
      for (const v of [where, it.uid, it.type, it.name || "", it.durability + "/" + it.max_durability,
        it.plus || 0, it.bless || 0, (it.gem1 || 0) + "," + (it.gem2 || 0)]) cell(tr, v);
      rows.push(tr);
    };
    for (const it of h.equipment) add("equipment " + it.position, it);
    for (const it of h.inventory) add("inventory", it);
    for (const it of h.warehouse) add("warehouse " + it.warehouse, it);
    $("items").tBodies[0].replaceChildren(...rows);
    say(h.character + ": " + rows.length + " items", false);
  } catch (e) {
    say("items: " + e.message, true);
  }
}

// --- live map ---

const floor = { id: null, img: null, w: 1, h: 1 };
window.adminMap = { dots: [], scale: 1 }; // for tests: what was drawn last

function loadFloor(id, url, w, h) {
  Object.assign(floor, { id, img: null, w, h });
  const img = new Image();
  img.onload = () => { if (floor.id === id) { floor.img = img; drawMap(); } };
  img.src = url;
}

let mapPlayers = [];

// view returns the part of the map drawn: its top-left tile and the pixels
// per tile. Zoomed in, it follows the players' centre.
function view() {
  const zoom = Number($("zoom").value) || 1;
  const s = Math.min(canvasSide / floor.w, canvasSide / floor.h) * zoom;
  const span = canvasSide / s; // tiles across the canvas
  let cx = floor.w / 2, cy = floor.h / 2;
  if (zoom > 1 && mapPlayers.length) {
    cx = mapPlayers.reduce((a, p) => a + p.x, 0) / mapPlayers.length;
    cy = mapPlayers.reduce((a, p) => a + p.y, 0) / mapPlayers.length;
  }
  const clamp = (v, hi) => Math.max(0, Math.min(v, Math.max(0, hi)));
  return { x0: Math.floor(clamp(cx - span / 2, floor.w - span)), y0: Math.floor(clamp(cy - span / 2, floor.h - span)), s, span };
}

function drawMap() {
  const c = $("map");
  const ctx = c.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = "#888";
  ctx.fillRect(0, 0, c.width, c.height);
  const v = view();
  if (floor.img) {
    const sw = Math.min(v.span, floor.w - v.x0), sh = Math.min(v.span, floor.h - v.y0);
    ctx.drawImage(floor.img, v.x0, v.y0, sw, sh, 0, 0, sw * v.s, sh * v.s);
  }
  ctx.fillStyle = "#e0201a";
  const dots = [];
  for (const p of mapPlayers) {
    const x = Math.floor((p.x - v.x0 + 0.5) * v.s), y = Math.floor((p.y - v.y0 + 0.5) * v.s);
    if (x < 0 || y < 0 || x >= c.width || y >= c.height) continue;
    ctx.beginPath();
    ctx.arc(x, y, Math.max(3, v.s / 2), 0, 2 * Math.PI);
    ctx.fill();
    dots.push({ name: p.name, x, y });
  }
  window.adminMap = { dots, scale: v.s, floor: !!floor.img };
  c.dataset.dots = dots.length;
}

async function refreshMap() {
  const id = $("map-select").value;
  if (!id) return;
  try {
    const m = await call("GET", "map/" + id);
    if (floor.id !== id) loadFloor(id, m.floor, m.width, m.height);
    mapPlayers = m.players;
    $("map-info").textContent = m.width + "×" + m.height + ", " + m.players.length + " players";
    drawMap();
  } catch (e) {
    say("map: " + e.message, true);
  }
}

// --- controls ---

document.addEventListener("DOMContentLoaded", () => {
  $("players").addEventListener("click", (ev) => {
    const b = ev.target.closest("button");
    const tr = ev.target.closest("tr");
    if (!b || !tr) return;
    if (b.classList.contains("items")) {
      showItems(tr.dataset.name);
    } else if (b.classList.contains("kick")) {
      act("kick", { name: tr.dataset.name }, () => tr.dataset.name + " kicked");
    } else if (b.classList.contains("ban") && confirm("Ban account " + tr.dataset.account + "?")) {
      act("ban", { account: tr.dataset.account },
        (d) => d.account + " banned" + (d.disconnected ? " and disconnected" : ""));
    }
  });
  $("broadcast").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = $("broadcast-text");
    act("broadcast", { text: t.value }, (d) => "sent to " + d.players + " players");
    t.value = "";
  });
  $("account-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const action = ev.submitter ? ev.submitter.dataset.action : "unlock";
    const account = $("account-name").value;
    const done = {
      unlock: (d) => account + ": " + d.cleared + " lockout records cleared",
      ban: (d) => account + " banned" + (d.disconnected ? " and disconnected" : ""),
      unban: () => account + " may log in again",
    }[action];
    act(action, { account }, done);
  });
  $("items-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    showItems($("items-name").value);
  });
  $("maintenance").addEventListener("change", (ev) => {
    const on = ev.target.checked;
    act("maintenance", { on }, () => "maintenance " + (on ? "on: new logins refused" : "off"));
  });
  $("reload").addEventListener("click", () => act("reload-content", {}, () => "content reloaded"));
  $("map-select").addEventListener("change", refreshMap);
  $("zoom").addEventListener("change", drawMap);

  refresh();
  refreshMap();
  setInterval(refresh, statusEvery);
  setInterval(refreshMap, mapEvery);
});
