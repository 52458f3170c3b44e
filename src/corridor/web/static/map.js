// The map: Leaflet with no tile layer; country outlines from world-atlas; the network, routes and flows as SVG.
/* global L, topojson */

export const MODE_COLOURS = {
  "rail-1520": "#8c2d04",
  "rail-1435": "#e6550d",
  "road": "#6a51a3",
  "sea": "#2171b5",
  "rail-ferry": "#08a0a0",
  "feeder": "#41b6c4",
  "pipeline": "#444444",
};
const OTHER_MODE = "#999999";
const DASHED = new Set(["sea", "rail-ferry", "feeder"]);

const PORT_KINDS = new Set(["seaport", "port", "oil-terminal", "port-handling"]);
const BORDER_KINDS = new Set(["border", "border-crossing", "border-clearance"]);

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const fmt = (x, digits = 0) => (typeof x === "number" && Number.isFinite(x)
  ? x.toLocaleString("en-US", { maximumFractionDigits: digits }) : "–");

export function createMap(elementId) {
  const map = L.map(elementId, { worldCopyJump: false, minZoom: 2, maxZoom: 10 });
  map.setView([45, 60], 3);
  map.createPane("countries").style.zIndex = 200;
  map.createPane("flows").style.zIndex = 380;
  map.createPane("route").style.zIndex = 420;
  map.attributionControl.addAttribution("Outlines: Natural Earth (public domain) via world-atlas");
  const state = { map, nodes: new Map(), links: new Map(), transfers: new Map(), layers: {}, control: L.control.layers(null, {}, { collapsed: false }).addTo(map) };
  addLegend(map);
  return state;
}

function addLegend(map) {
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "legend");
    div.setAttribute("aria-label", "Legend");
    div.innerHTML = Object.entries(MODE_COLOURS)
      .map(([m, c]) => `<div><i style="background:${c}"></i>${esc(m)}</div>`).join("")
      + '<div><span class="sym sym-border"></span>border crossing</div>'
      + '<div><span class="sym sym-port"></span>port</div>'
      + '<div><span class="dot"></span>other node</div>';
    return div;
  };
  legend.addTo(map);
}

export async function drawCountries(state, url) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`country outlines: ${resp.status} from ${url}`);
  const topo = await resp.json();
  const countries = topojson.feature(topo, topo.objects.countries);
  const layer = L.geoJSON(countries, {
    pane: "countries",
    interactive: false,
    style: { color: "#9a9a9a", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1 },
  }).addTo(state.map);
  state.layers.countries = layer;
  return countries.features.length;
}

function linkPopup(p) {
  const cap = [p.capacity_mtpa != null ? `${fmt(p.capacity_mtpa, 1)} Mt/yr` : "",
    p.capacity_teu != null ? `${fmt(p.capacity_teu)} TEU/yr` : "",
    p.capacity != null && typeof p.capacity !== "object" ? esc(p.capacity) : ""].filter(Boolean).join(", ");
  return `<strong>${esc(p.name || p.id)}</strong><br>${esc(p.a)} → ${esc(p.b)}<br>`
    + `mode ${esc(p.mode)}, corridor ${esc(p.corridor)}${p.country ? `, ${esc(p.country)}` : ""}`
    + (p.distance_km != null ? `<br>${fmt(p.distance_km)} km` : "")
    + (cap ? `<br>capacity ${cap}` : "") + closeButton("link", p.id);
}

// A button in a popup that adds the element to the scenario builder's closures (builder.js listens for it).
const closeButton = (kind, id) => `<br><button type="button" class="builder-close" data-kind="${kind}" data-id="${esc(id)}">`
  + "Close in the scenario builder</button>";

function nodePopup(p) {
  return `<strong>${esc(p.name || p.id)}</strong> (${esc(p.id)})<br>${esc(p.kind)}, ${esc(p.country)}`
    + (p.locode ? `<br>UN/LOCODE ${esc(p.locode)}` : "") + closeButton("node", p.id);
}

function nodeMarker(feature, latlng) {
  const kind = feature.properties.kind;
  const label = `${feature.properties.name || feature.properties.id} (${kind})`;
  if (BORDER_KINDS.has(kind) || PORT_KINDS.has(kind)) {
    const cls = BORDER_KINDS.has(kind) ? "sym sym-border" : "sym sym-port";
    const icon = L.divIcon({ className: "", html: `<span class="${cls}" style="width:10px;height:10px"></span>`,
      iconSize: [10, 10], iconAnchor: [5, 5] });
    return L.marker(latlng, { icon, title: label, alt: label, keyboard: true, riseOnHover: true });
  }
  return L.circleMarker(latlng, { radius: 4, color: "#333", weight: 1.2, fillColor: "#fff", fillOpacity: 1 });
}

// Draw the FeatureCollection of GET /api/network: Points are nodes, LineStrings are links.
export function drawNetwork(state, fc) {
  const nodes = [], links = [];
  for (const f of fc.features || []) {
    const g = f.geometry;
    if (!g) continue;
    const p = f.properties || {};
    if (p.record === "transfer") { state.transfers.set(p.id, p); continue; }  // for the builder's capacity list
    if (p.record && p.record !== "node" && p.record !== "link") continue;
    if (g.type === "Point") { nodes.push(f); state.nodes.set(p.id ?? f.id, f); }
    else if (g.type === "LineString" || g.type === "MultiLineString") { links.push(f); state.links.set(p.id ?? f.id, f); }
  }
  for (const old of [...(state.layers.modes || []), state.layers.nodes]) {
    if (old) { state.control.removeLayer(old); old.remove(); }
  }
  if (state.layers.links) state.layers.links.remove();
  // one overlay per mode, so that the layer control shows or hides a mode; all of them in one group
  const byMode = new Map();
  for (const f of links) {
    const m = f.properties.mode || "other";
    if (!byMode.has(m)) byMode.set(m, []);
    byMode.get(m).push(f);
  }
  const linkLayer = L.featureGroup();
  state.layers.modes = [];
  for (const [mode, features] of [...byMode].sort((a, b) => b[1].length - a[1].length)) {
    const layer = L.geoJSON({ type: "FeatureCollection", features }, {
      style: (f) => ({ color: MODE_COLOURS[f.properties.mode] || OTHER_MODE, weight: 2.5, opacity: 0.85,
        dashArray: DASHED.has(f.properties.mode) ? "6 4" : null, className: `link mode-${f.properties.mode}` }),
      onEachFeature: (f, l) => {
        l.bindTooltip(esc(f.properties.name || f.properties.id), { sticky: true });
        l.bindPopup(linkPopup(f.properties));
      },
    }).addTo(linkLayer);
    state.layers.modes.push(layer);
  }
  linkLayer.addTo(state.map);
  const nodeLayer = L.geoJSON({ type: "FeatureCollection", features: nodes }, {
    pointToLayer: nodeMarker,
    onEachFeature: (f, layer) => {
      layer.bindTooltip(esc(f.properties.name || f.properties.id));
      layer.bindPopup(nodePopup(f.properties));
    },
  }).addTo(state.map);
  state.layers.links = linkLayer;
  state.layers.nodes = nodeLayer;
  const modeNames = [...byMode.keys()].sort((a, b) => byMode.get(b).length - byMode.get(a).length);
  state.layers.modes.forEach((layer, i) => {
    const mode = modeNames[i];
    state.control.addOverlay(layer, `<span style="color:${MODE_COLOURS[mode] || OTHER_MODE}">■</span> ${esc(mode)} (${byMode.get(mode).length})`);
  });
  state.control.addOverlay(nodeLayer, "Nodes, borders, ports");
  if (links.length && nodes.length) state.map.fitBounds(linkLayer.getBounds().extend(nodeLayer.getBounds()), { padding: [10, 10] });
  return { nodes: nodes.length, links: links.length };
}

export function replaceLayer(state, name, layer, label) {
  const old = state.layers[name];
  if (old) { state.control.removeLayer(old); old.remove(); }
  state.layers[name] = layer;
  if (layer) { layer.addTo(state.map); state.control.addOverlay(layer, label); }
}

// The coordinates of a route's leg: the network link's geometry (oriented start → end), else the two nodes.
export function legLatLngs(state, leg) {
  const link = state.links.get(leg.link);
  const at = (id) => {
    const n = state.nodes.get(id);
    return n ? [n.geometry.coordinates[1], n.geometry.coordinates[0]] : null;
  };
  if (link && link.geometry.type === "LineString") {
    const pts = link.geometry.coordinates.map(([x, y]) => [y, x]);
    return link.properties.a === leg.end || link.properties.b === leg.start ? pts.reverse() : pts;
  }
  const a = at(leg.start), b = at(leg.end);
  return a && b ? [a, b] : null;
}

// Draw one route (an item of POST /api/routes' "routes") in bold over the network.
export function drawRoute(state, route, geojson, index) {
  const group = L.featureGroup([], { pane: "route" });
  let drawn = 0;
  for (const leg of route ? route.legs || [] : []) {
    const pts = legLatLngs(state, leg);
    if (!pts) continue;
    L.polyline(pts, { pane: "route", color: "#ffd400", weight: 9, opacity: 0.9, className: "route-halo" }).addTo(group);
    L.polyline(pts, { pane: "route", color: MODE_COLOURS[leg.mode] || "#000", weight: 4, className: "route-leg" })
      .bindTooltip(`${esc(leg.start)} → ${esc(leg.end)}: ${esc(leg.mode)}, ${fmt(leg.distance_km)} km, ${fmt(leg.time_h, 1)} h`)
      .addTo(group);
    drawn += 1;
  }
  if (!drawn && geojson) {  // no leg matched the network: fall back on the API's GeoJSON of this route
    const features = (geojson.features || []).filter((f) => f.properties?.route === undefined || f.properties.route === index
      || f.properties.route === index + 1);
    L.geoJSON({ type: "FeatureCollection", features }, {
      pane: "route", style: { color: "#000", weight: 4, className: "route-leg" },
      pointToLayer: (f, ll) => L.circleMarker(ll, { pane: "route", radius: 4 }),
    }).addTo(group);
    drawn = features.length;
  }
  for (const id of route ? [route.nodes[0], route.nodes[route.nodes.length - 1]] : []) {
    const n = state.nodes.get(id);
    if (!n) continue;
    const [x, y] = n.geometry.coordinates;
    L.circleMarker([y, x], { pane: "route", radius: 7, color: "#000", weight: 2, fillColor: "#ffd400", fillOpacity: 1,
      className: "route-end" }).bindTooltip(esc(n.properties.name || id)).addTo(group);
  }
  replaceLayer(state, "route", drawn ? group : null, "Planned route");
  if (drawn) state.map.fitBounds(group.getBounds(), { padding: [30, 30] });
  return drawn;
}

// Flow changes of a scenario run (diff.links of GET /api/jobs/{id}/result): width ∝ √|change|, green up, red down;
// links at capacity in the scenario (result.bottlenecks of kind "link") outlined in black.
export function drawFlowChanges(state, result) {
  const changes = (result.diff && result.diff.links) || [];
  const biggest = Math.max(1, ...changes.map((c) => Math.abs(c.change_t || 0)));
  const group = L.featureGroup([], { pane: "flows" });
  let drawn = 0;
  for (const c of changes) {
    const pts = legLatLngs(state, { link: c.link, start: c.from, end: c.to });
    if (!pts || !c.change_t) continue;
    const width = 1.5 + 12 * Math.sqrt(Math.abs(c.change_t) / biggest);
    L.polyline(pts, { pane: "flows", color: c.change_t > 0 ? "#1a9641" : "#d7191c", weight: width, opacity: 0.7,
      className: `flow-change ${c.change_t > 0 ? "flow-up" : "flow-down"}` })
      .bindTooltip(`${esc(c.link)} (${esc(c.from)} → ${esc(c.to)})<br>baseline ${fmt(c.baseline_t / 1e6, 2)} Mt, `
        + `scenario ${fmt(c.scenario_t / 1e6, 2)} Mt, change ${c.change_t > 0 ? "+" : ""}${fmt(c.change_t / 1e6, 2)} Mt`, { sticky: true })
      .addTo(group);
    drawn += 1;
  }
  const binding = ((result.result && result.result.bottlenecks) || []).filter((b) => b.kind === "link");
  for (const b of binding) {
    const pts = legLatLngs(state, { link: b.id, start: b.from, end: b.to });
    if (!pts) continue;
    L.polyline(pts, { pane: "flows", color: "#000", weight: 3, dashArray: "2 4", className: "at-capacity" })
      .bindTooltip(`${esc(b.id)}: at capacity (utilisation ${fmt(100 * (b.utilisation || 0))} %)`, { sticky: true })
      .addTo(group);
  }
  const closed = drawClosures(state, (result.scenario && result.scenario.changes) || [], group);
  replaceLayer(state, "flows", drawn || closed ? group : null, "Scenario: change in flows");
  if (state.layers.links) state.layers.links.setStyle({ opacity: drawn ? 0.35 : 0.85 });  // the changes stand out
  return drawn;
}

// Closed elements of a scenario's changes (close_link, close_node, close_transit by country) marked in red.
export function drawClosures(state, changes, group) {
  let marked = 0;
  const ring = (feature, why) => {
    const [x, y] = feature.geometry.coordinates;
    L.circleMarker([y, x], { pane: "flows", radius: 9, color: "#d7191c", weight: 2.5, fill: false, className: "closed" })
      .bindTooltip(`${esc(feature.properties.name || feature.properties.id)}: ${esc(why)}`).addTo(group);
    marked += 1;
  };
  for (const c of changes) {
    const ids = Array.isArray(c.ids) ? c.ids : [];
    if (c.kind === "close_link") {
      for (const id of ids) {
        const link = state.links.get(id);
        if (!link) continue;
        L.geoJSON(link, { pane: "flows", style: { color: "#d7191c", weight: 6, dashArray: "3 6", className: "closed" } })
          .bindTooltip(`${esc(id)}: closed`).addTo(group);
        marked += 1;
      }
    } else if (c.kind === "close_node") {
      for (const id of ids) if (state.nodes.has(id)) ring(state.nodes.get(id), "closed");
    } else if (c.kind === "close_transit") {
      for (const n of state.nodes.values()) {
        if (ids.includes(n.properties.country)) ring(n, `closed to transit (${n.properties.country})`);
      }
    }
  }
  return marked;
}
