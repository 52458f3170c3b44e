// The map of a scenario run's flows, from GET /api/jobs/{id}/result.geojson (ScenarioRun.to_geojson()):
// line width ∝ √ tonnes (the scenario's flow, or its change against the baseline), colour = utilisation where the
// link has a capacity, closed links dashed grey, closed nodes crossed, transfers/facilities with a capacity as dots.
/* global L */
import { esc } from "./api.js";
import { drawClosures, legLatLngs, replaceLayer } from "./map.js";

// Utilisation bands (flow / capacity): [upper bound, colour, label, class].
export const UTIL_BANDS = [
  [0.5, "#1a9850", "< 50 %", "util-low"],
  [0.8, "#d9b300", "50–80 %", "util-mid"],
  [0.95, "#fc8d59", "80–95 %", "util-high"],
  [Infinity, "#d73027", "≥ 95 % (binding)", "util-full"],
];
const NO_CAPACITY = "#4a6fa5";
const CLOSED = "#777777";

const mt = (t) => (t / 1e6).toLocaleString("en-US", { maximumFractionDigits: 2 });
const pct = (u) => `${(100 * u).toLocaleString("en-US", { maximumFractionDigits: 0 })} %`;
const band = (u) => UTIL_BANDS.find(([hi]) => u < hi);
const capText = (p) => {
  if (p.capacity == null) return "no capacity limit in the data";
  const v = p.capacity_unit === "t/yr" ? `${mt(p.capacity)} Mt/yr` : `${Math.round(p.capacity).toLocaleString("en-US")} ${esc(p.capacity_unit)}`;
  return `capacity ${v}, utilisation ${pct(p.utilisation)}`;
};
const changed = (p) => Math.abs(p.change_t) > 1e-6 * Math.max(p.baseline_t, p.scenario_t, 1);

// One entry per link: both directions summed (they share a line on the map), the highest utilisation of the two.
function byLink(features) {
  const links = new Map();
  const points = [];
  for (const f of features || []) {
    const p = f.properties || {};
    if (!f.geometry) continue;
    if (f.geometry.type === "Point") { points.push(f); continue; }
    if (!links.has(p.link)) {
      links.set(p.link, { link: p.link, from: p.from, to: p.to, mode: p.mode, coords: f.geometry.coordinates,
        baseline_t: 0, scenario_t: 0, change_t: 0, closed: false, util: null, dirs: [] });
    }
    const l = links.get(p.link);
    l.baseline_t += p.baseline_t || 0;
    l.scenario_t += p.scenario_t || 0;
    l.change_t += p.change_t || 0;
    l.closed = l.closed || Boolean(p.closed);
    if (p.utilisation != null && (!l.util || p.utilisation > l.util.utilisation)) l.util = p;
    l.dirs.push(p);
  }
  return { links: [...links.values()], points };
}

function latLngs(state, l) {
  return legLatLngs(state, { link: l.link, start: l.from, end: l.to }) || l.coords.map(([x, y]) => [y, x]);
}

function tooltip(l) {
  const dirs = l.dirs.map((d) => `${esc(d.from)} → ${esc(d.to)}: baseline ${mt(d.baseline_t)}, scenario ${mt(d.scenario_t)}, `
    + `change ${d.change_t > 0 ? "+" : ""}${mt(d.change_t)} Mt/yr${d.capacity != null ? `; ${capText(d)}` : ""}`);
  return `<strong>${esc(l.link)}</strong> (${esc(l.mode)})${l.closed ? " — <strong>closed</strong>" : ""}<br>${dirs.join("<br>")}`
    + (l.util ? "" : "<br>no capacity limit in the data");
}

function drawLines(state, data, view, group) {
  const { links } = data;
  let drawn = 0;
  if (view === "change") {
    const moved = links.filter((l) => !l.closed && l.dirs.some(changed));
    const big = Math.max(1, ...moved.map((l) => Math.abs(l.change_t)));
    for (const l of moved) {
      const up = l.change_t > 0;
      L.polyline(latLngs(state, l), { pane: "flows", color: up ? "#1a9641" : "#d7191c", opacity: 0.75,
        weight: 1.5 + 12 * Math.sqrt(Math.abs(l.change_t) / big), className: `flow-change ${up ? "flow-up" : "flow-down"}` })
        .bindTooltip(tooltip(l), { sticky: true }).addTo(group);
      drawn += 1;
    }
  } else {
    const carrying = links.filter((l) => !l.closed && l.scenario_t > 0);
    const big = Math.max(1, ...carrying.map((l) => l.scenario_t));
    for (const l of carrying) {
      const b = l.util ? band(l.util.utilisation) : null;
      L.polyline(latLngs(state, l), { pane: "flows", color: b ? b[1] : NO_CAPACITY, opacity: 0.8,
        weight: 1.5 + 12 * Math.sqrt(l.scenario_t / big), className: `flow-line ${b ? b[3] : "util-none"}` })
        .bindTooltip(tooltip(l), { sticky: true }).addTo(group);
      drawn += 1;
    }
  }
  for (const l of links.filter((x) => x.closed)) {
    L.polyline(latLngs(state, l), { pane: "flows", color: CLOSED, weight: 4, opacity: 0.9, dashArray: "4 6",
      className: "closed closed-link" }).bindTooltip(tooltip(l), { sticky: true }).addTo(group);
  }
  return drawn;
}

function drawPoints(state, data, group) {
  const pane = "flowpoints";  // above the network's node symbols (markerPane is 600)
  if (!state.map.getPane(pane)) state.map.createPane(pane).style.zIndex = 650;
  if (!state.map.getPane("flowclosed")) state.map.createPane("flowclosed").style.zIndex = 660;  // crosses on top
  for (const f of data.points) {
    const p = f.properties;
    const [x, y] = f.geometry.coordinates;
    const name = state.nodes.get(p.node)?.properties?.name || p.node;
    if (p.element === "node") {
      const icon = L.divIcon({ className: "closed-node", html: "✕", iconSize: [20, 20], iconAnchor: [10, 10] });
      L.marker([y, x], { pane: "flowclosed", icon, title: `${name}: closed`, keyboard: false })
        .bindTooltip(`${esc(name)}: closed (no link reaches it)`).addTo(group);
    } else if (p.closed) {
      L.circleMarker([y, x], { pane, radius: 7, color: "#d7191c", weight: 2, fillColor: CLOSED, fillOpacity: 1,
        className: "closed closed-capacity" }).bindTooltip(`${esc(p.id)} (${esc(p.element)} at ${esc(name)}): closed, capacity 0`)
        .addTo(group);
    } else if (p.utilisation != null) {
      const b = band(p.utilisation);
      L.circleMarker([y, x], { pane, radius: 6, color: "#222", weight: 1, fillColor: b[1], fillOpacity: 1,
        className: `util-node ${b[3]}` }).bindTooltip(`${esc(p.id)} (${esc(p.element)} at ${esc(name)}): ${capText(p)}`)
        .addTo(group);
    }
  }
}

function legendHtml(view, data) {
  const { links } = data;
  const biggest = view === "change" ? Math.max(0, ...links.filter((l) => !l.closed).map((l) => Math.abs(l.change_t)))
    : Math.max(0, ...links.map((l) => l.scenario_t));
  const radio = (v, text) => `<label><input type="radio" name="flow-view" id="flow-view-${v}" value="${v}"`
    + `${v === view ? " checked" : ""}> ${text}</label>`;
  const colours = view === "change"
    ? '<div><i style="background:#1a9641"></i>more than the baseline</div><div><i style="background:#d7191c"></i>less</div>'
    : UTIL_BANDS.map(([, c, t]) => `<div><i style="background:${c}"></i>utilisation ${t}</div>`).join("")
      + `<div><i style="background:${NO_CAPACITY}"></i>no capacity in the data</div>`;
  return `<strong>Scenario flows</strong><div class="flow-views">${radio("scenario", "scenario flow")}`
    + `${radio("change", "change vs baseline")}</div>${colours}`
    + `<div class="note">width ∝ √ ${view === "change" ? "|change|" : "flow"}; widest ${mt(biggest)} Mt/yr `
    + "(both directions)</div>"
    + `<div><i class="dashed"></i>closed link</div><div><span class="closed-node-key">✕</span>closed node</div>`
    + '<div><span class="dot util"></span>port, border, station: utilisation</div>';
}

function ensureLegend(state) {
  if (state.flowLegend) return state.flowLegend;
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "legend flow-legend");
    div.setAttribute("aria-label", "Legend of the scenario's flows");
    L.DomEvent.disableClickPropagation(div);
    div.addEventListener("change", (ev) => {
      if (ev.target.name === "flow-view") renderFlowMap(state, ev.target.value);
    });
    return div;
  };
  legend.addTo(state.map);
  state.flowLegend = legend;
  return legend;
}

// Draw (or redraw in another view) the flow map kept in state.flowMap.
export function renderFlowMap(state, view) {
  const fm = state.flowMap;
  if (!fm) return 0;
  fm.view = view || fm.view;
  const group = L.featureGroup([], { pane: "flows" });
  const drawn = drawLines(state, fm.data, fm.view, group);
  drawPoints(state, fm.data, group);
  drawClosures(state, fm.changes.filter((c) => c.kind === "close_transit"), group);  // countries: not in the GeoJSON
  replaceLayer(state, "flows", group, "Scenario: flows");
  if (state.layers.links) state.layers.links.setStyle({ opacity: 0.3 });
  ensureLegend(state).getContainer().innerHTML = legendHtml(fm.view, fm.data);
  document.body.dataset.flowView = fm.view;
  return drawn;
}

// A finished run: its GeoJSON and the result dict (for the scenario's changes). Returns the number of lines drawn.
export function showFlowMap(state, geojson, result, view = "scenario") {
  state.flowMap = { data: byLink(geojson.features), changes: (result.scenario && result.scenario.changes) || [], view };
  return renderFlowMap(state, view);
}
