// The route planner panel: origin/destination search, cargo, avoid countries → routes table, map and chart.
import { getJSON, postJSON, query } from "./api.js";
import { profileChart } from "./chart.js";
import { drawRoute } from "./map.js";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const num = (x, d = 0) => (typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");

function searchBox(inputId, listId) {
  const input = $(inputId), list = $(listId);
  let timer = null, last = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      try {
        const found = await getJSON(`/api/nodes${query({ q })}`);
        const items = Array.isArray(found) ? found : found.nodes || [];
        list.replaceChildren(...items.slice(0, 15).map((n) => {
          const o = document.createElement("option");
          o.value = n.name || n.id;
          o.label = `${n.id} · ${n.country} · ${n.kind}`;
          return o;
        }));
      } catch { /* suggestions are a convenience: the planner still takes ids and names */ }
    }, 200);
  });
}

// Countries to avoid: every country code on the network, as checkboxes.
export function fillCountries(state) {
  const codes = new Set();
  for (const f of [...state.nodes.values(), ...state.links.values()]) if (f.properties.country) codes.add(f.properties.country);
  $("avoid-list").replaceChildren(...[...codes].sort().map((c) => {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" name="avoid" value="${esc(c)}"> ${esc(c)}`;
    return label;
  }));
}

function routesOf(resp) {
  if (Array.isArray(resp.routes)) return { list: resp.routes, info: resp };
  if (resp.routes && Array.isArray(resp.routes.routes)) return { list: resp.routes.routes, info: resp.routes };
  return { list: [], info: resp };
}

function showRoute(state, list, geojson, i, unit) {
  const r = list[i];
  document.querySelectorAll("#route-table tbody tr").forEach((tr) => {
    tr.classList.toggle("chosen", Number(tr.dataset.route) === i);
    tr.setAttribute("aria-selected", Number(tr.dataset.route) === i ? "true" : "false");
  });
  drawRoute(state, r, geojson, i);
  const detail = $("route-detail");
  const borders = (r.borders || []).map((b) => `${esc(b.from)}→${esc(b.to)} at ${esc(b.node)}`).join(", ");
  detail.innerHTML = `<h3>Route ${i + 1}</h3><p>${num(r.time_h / 24, 1)} days, ${num(r.cost_usd)} USD/${esc(unit)}, `
    + `${num(r.distance_km)} km, ${num(r.co2e_kg)} kg CO2e; ${esc((r.countries || []).join(" – "))}`
    + `${borders ? `; borders ${borders}` : ""}</p><p class="note">${esc((r.nodes || []).join(" → "))}</p>`;
  detail.appendChild(profileChart(r.profile, unit));
}

export function initPlanner(state, setStatus) {
  searchBox("origin", "origin-list");
  searchBox("destination", "destination-list");
  $("route-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const search = $("search").value;
    const body = {
      origin: $("origin").value.trim(),
      destination: $("destination").value.trim(),
      cargo: $("cargo").value,
      avoid_countries: [...document.querySelectorAll("#avoid-list input:checked")].map((i) => i.value),
      k: search === "k3" ? 3 : 1,
      pareto: search === "pareto",
    };
    $("route-error").textContent = "";
    $("route-results").replaceChildren();
    $("route-submit").disabled = true;
    setStatus("Planning…");
    try {
      const resp = await postJSON("/api/routes", body);
      const { list, info } = routesOf(resp);
      const message = info.message || (resp.result && resp.result.message) || "";
      if (!list.length) throw new Error(message || "no route");
      const unit = info.unit || (resp.result && resp.result.unit) || list[0].unit || "t";
      const rows = list.map((r, i) => `<tr data-route="${i}" tabindex="0"><td>${i + 1}</td><td>${num(r.time_h / 24, 1)}</td>`
        + `<td>${num(r.cost_usd)}</td><td>${num(r.co2e_kg)}</td><td>${num(r.risk, 2)}</td>`
        + `<td>${num(r.distance_km)}</td><td class="text">${esc((r.countries || []).join("-"))}</td></tr>`).join("");
      $("route-results").innerHTML = (message ? `<p class="note">${esc(message)}</p>` : "")
        + `<table id="route-table"><caption class="note">${list.length} route(s) ${esc(body.origin)} → ${esc(body.destination)}`
        + `${body.avoid_countries.length ? `, avoiding ${esc(body.avoid_countries.join(", "))}` : ""}; click a row to draw it</caption>`
        + `<thead><tr><th>#</th><th>days</th><th>USD/${esc(unit)}</th><th>kg CO2e</th><th>risk</th><th>km</th>`
        + `<th class="text">countries</th></tr></thead><tbody>${rows}</tbody></table><div id="route-detail"></div>`;
      document.querySelectorAll("#route-table tbody tr").forEach((tr) => {
        const pick = () => showRoute(state, list, resp.geojson, Number(tr.dataset.route), unit);
        tr.addEventListener("click", pick);
        tr.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
      });
      showRoute(state, list, resp.geojson, 0, unit);
      setStatus(`${list.length} route(s) found`);
    } catch (err) {
      $("route-error").textContent = err.message;
      setStatus("Route planning failed");
    } finally {
      $("route-submit").disabled = false;
    }
  });
}
