// The scenario panel: pick a shipped scenario (or build one: builder.js), run it as a job, watch progress, compare
// with the baseline, and draw its flows on the map (flows.js).
import { getJSON, runJob } from "./api.js";
import { showFlowMap } from "./flows.js";
import { drawFlowChanges } from "./map.js";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const num = (x, d = 0) => (typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");

// Totals in readable units: [label, divisor, digits].
const TOTALS = {
  demand_t: ["demand, Mt", 1e6, 1], served_t: ["served, Mt", 1e6, 1], unserved_t: ["unserved, Mt", 1e6, 2],
  total_cost_usd: ["total cost, bn USD", 1e9, 2], money_usd: ["tariffs and charges, bn USD", 1e9, 2],
  tonne_km: ["tonne-km, bn", 1e9, 1], co2e_kg: ["CO2e, Mt", 1e9, 2], hours_t: ["tonne-hours, bn", 1e9, 2],
  border_crossings_t: ["border crossings, Mt", 1e6, 1],
};

const signed = (x, d) => (x > 0 ? "+" : "") + num(x, d);
const cls = (x) => (x > 0 ? "up" : x < 0 ? "down" : "");

function totalsTable(totals) {
  const order = Object.keys(TOTALS);
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  const entries = Object.entries(totals || {}).sort((a, b) => rank(a[0]) - rank(b[0]));
  // No colours here: whether a change is good depends on the figure (more cost is bad, more served good).
  const rows = entries.map(([k, v]) => {
    const [label, div, d] = TOTALS[k] || [k, 1, 0];
    return `<tr><td>${esc(label)}</td><td>${num(v.baseline / div, d)}</td><td>${num(v.scenario / div, d)}</td>`
      + `<td>${signed(v.change / div, d)}</td>`
      + `<td>${v.change_pct == null ? "–" : `${signed(v.change_pct, 1)} %`}</td></tr>`;
  }).join("");
  return `<table id="totals-table"><caption class="note">Totals, scenario against the baseline</caption><thead><tr>`
    + `<th>figure</th><th>baseline</th><th>scenario</th><th>change</th><th>%</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function sharesTable(shares, id, title) {
  const entries = Object.entries(shares || {})
    .filter(([, v]) => (v.baseline_share || 0) > 1e-4 || (v.scenario_share || 0) > 1e-4)
    .sort((a, b) => (b[1].scenario_share || 0) - (a[1].scenario_share || 0));
  if (!entries.length) return "";
  const bar = (s, colour) => `<span class="bar" style="width:${Math.round(60 * (s || 0))}px;background:${colour}"></span>`;
  const rows = entries.map(([k, v]) => `<tr><td>${esc(k)}</td>`
    + `<td>${num(100 * v.baseline_share, 1)} % ${bar(v.baseline_share, "#9ecae1")}</td>`
    + `<td>${num(100 * v.scenario_share, 1)} % ${bar(v.scenario_share, "#3182bd")}</td>`
    + `<td>${signed(v.change_pp, 1)} pp</td></tr>`).join("");
  return `<table id="${id}"><caption class="note">${esc(title)}</caption><thead><tr><th>${id === "gateway-shares" ? "gateway" : "corridor"}</th>`
    + `<th>baseline</th><th>scenario</th><th>change</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function linksTable(links) {
  const top = (links || []).slice(0, 10);
  if (!top.length) return "";
  const rows = top.map((l) => `<tr><td>${esc(l.link)}</td><td>${num(l.baseline_t / 1e6, 2)}</td><td>${num(l.scenario_t / 1e6, 2)}</td>`
    + `<td class="${cls(l.change_t)}">${signed(l.change_t / 1e6, 2)}</td></tr>`).join("");
  return `<table id="links-table"><caption class="note">Largest changes in link flows, Mt/yr (on the map: the legend's `
    + `"change vs baseline", green more, red less)</caption><thead><tr><th>link</th><th>baseline</th><th>scenario</th>`
    + `<th>change</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function showComparison(state, result) {
  const diff = result.diff || {};
  const sc = result.scenario || {};
  const h = diff.headline || {};
  const headline = h.cost_change_usd !== undefined
    ? `<p><strong>${esc(sc.name)}</strong>: total cost ${signed(h.cost_change_usd / 1e9, 2)} bn USD `
      + `(${signed(h.cost_change_pct, 1)} %), unserved ${num((h.unserved_t || 0) / 1e6, 2)} Mt.</p>` : "";
  const changes = (sc.changes || []).map((c) => `<li>${esc(c.kind)}${c.ids ? ` ${esc(c.ids.join(", "))}` : ""}`
    + `${c.note ? ` — ${esc(c.note)}` : ""}</li>`).join("");
  const shares = diff.shares || {};
  $("scenario-results").innerHTML = `<h3>Comparison with the baseline</h3>${headline}`
    + (changes ? `<details><summary>Changes (${(sc.changes || []).length})</summary><ul class="note">${changes}</ul></details>` : "")
    + totalsTable(diff.totals)
    + sharesTable(shares.by_corridor, "corridor-shares", "Share of tonnes by corridor")
    + sharesTable(shares.by_gateway, "gateway-shares", "Share of tonnes by export gateway")
    + linksTable(diff.links);
}

let running = false;

// Run a scenario as a job (body: {scenario: NAME} or {yaml: TEXT}), with progress, the comparison and the flow map.
// Returns the result dict, or null when it failed (the message is shown in #scenario-error).
export async function runAndCompare(state, setStatus, body, label) {
  if (running) return null;
  running = true;
  const buttons = [...document.querySelectorAll(".run-button")];
  buttons.forEach((b) => { b.disabled = true; });
  $("scenario-error").textContent = "";
  $("scenario-results").replaceChildren();
  $("scenario-progress").hidden = false;
  const bar = $("scenario-bar"), stage = $("scenario-stage");
  setStatus(`Running ${label}…`);
  try {
    const url = await runJob("/api/runs", body, bar, stage);
    const result = await getJSON(url);
    showComparison(state, result);
    let drawn;
    try {
      drawn = showFlowMap(state, await getJSON(`${url}.geojson`), result);
    } catch (err) {  // a server without the run's GeoJSON: the changes of diff.links only
      $("scenario-error").textContent = `flow map: ${err.message}`;
      drawn = drawFlowChanges(state, result);
    }
    setStatus(`${label}: ${drawn} link flows drawn`);
    return result;
  } catch (err) {
    $("scenario-error").textContent = err.message;
    setStatus(`${label} failed`);
    return null;
  } finally {
    running = false;
    buttons.forEach((b) => { b.disabled = false; });
  }
}

// The shipped scenarios (GET /api/scenarios) in the select; returns their list [{name, description}].
export async function initScenarios(state, setStatus) {
  const select = $("scenario-select");
  let list = [];
  try {
    list = await getJSON("/api/scenarios");
  } catch (err) {
    $("scenario-error").textContent = `scenarios: ${err.message}`;
  }
  const items = Array.isArray(list) ? list : list.scenarios || [];
  select.replaceChildren(...items.map((s) => {
    const o = document.createElement("option");
    o.value = s.name;
    o.textContent = s.name;
    return o;
  }));
  const describe = () => {
    const s = items.find((x) => x.name === select.value);
    $("scenario-description").textContent = s ? s.description || "" : "";
  };
  select.addEventListener("change", describe);
  describe();

  $("scenario-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (select.value) runAndCompare(state, setStatus, { scenario: select.value }, select.value);
  });
  return items;
}
