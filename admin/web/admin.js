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
    td.append(button("kick", "Kick"), " ", button("ban", "Ban"));
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

// --- live map ---

const floor = { id: null, img: null, scale: 1 };
window.adminMap = { dots: [], scale: 1 }; // for tests: what was drawn last

function loadFloor(id, url, w, h) {
  floor.id = id;
  floor.img = null;
  floor.scale = Math.min(canvasSide / w, canvasSide / h);
  const img = new Image();
  img.onload = () => { if (floor.id === id) { floor.img = img; drawMap(); } };
  img.src = url;
}

let mapPlayers = [];

function drawMap() {
  const c = $("map");
  const ctx = c.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = "#888";
  ctx.fillRect(0, 0, c.width, c.height);
  const s = floor.scale;
  if (floor.img) ctx.drawImage(floor.img, 0, 0, floor.img.width * s, floor.img.height * s);
  ctx.fillStyle = "#e0201a";
  const dots = [];
  for (const p of mapPlayers) {
    const x = Math.floor(p.x * s), y = Math.floor(p.y * s);
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, 2 * Math.PI);
    ctx.fill();
    dots.push({ name: p.name, x, y });
  }
  window.adminMap = { dots, scale: s, floor: !!floor.img };
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
    if (b.classList.contains("kick")) {
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
  $("maintenance").addEventListener("change", (ev) => {
    const on = ev.target.checked;
    act("maintenance", { on }, () => "maintenance " + (on ? "on: new logins refused" : "off"));
  });
  $("reload").addEventListener("click", () => act("reload-content", {}, () => "content reloaded"));
  $("map-select").addEventListener("change", refreshMap);

  refresh();
  refreshMap();
  setInterval(refresh, statusEvery);
  setInterval(refreshMap, mapEvery);
});
