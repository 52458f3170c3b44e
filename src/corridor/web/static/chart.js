// The UNESCAP time/cost–distance chart of a route, drawn as inline SVG (no chart library).

const NS = "http://www.w3.org/2000/svg";

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceMax(x) {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

// profile: [{distance_km, time_h, cost_usd, event, at}, ...] cumulative, as in a route of POST /api/routes.
export function profileChart(profile, unit) {
  const W = 400, H = 210, L = 44, R = 48, T = 14, B = 34;
  const svg = el("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": "Time and cost against distance along the route" });
  svg.appendChild(el("title", {}, "Time/cost–distance profile"));
  const pts = profile || [];
  const dMax = niceMax(Math.max(0, ...pts.map((p) => p.distance_km)));
  const tMax = niceMax(Math.max(0, ...pts.map((p) => p.time_h / 24)));
  const cMax = niceMax(Math.max(0, ...pts.map((p) => p.cost_usd)));
  const x = (d) => L + (W - L - R) * d / dMax;
  const yT = (t) => H - B - (H - T - B) * t / tMax;
  const yC = (c) => H - B - (H - T - B) * c / cMax;
  const axes = el("g", { stroke: "#888", "stroke-width": 1 });
  axes.appendChild(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B }));
  axes.appendChild(el("line", { x1: L, y1: T, x2: L, y2: H - B }));
  axes.appendChild(el("line", { x1: W - R, y1: T, x2: W - R, y2: H - B }));
  svg.appendChild(axes);
  for (let i = 0; i <= 4; i += 1) {
    const f = i / 4;
    svg.appendChild(el("text", { x: x(f * dMax), y: H - B + 12, "text-anchor": "middle" }, `${Math.round(f * dMax)}`));
    svg.appendChild(el("text", { x: L - 4, y: yT(f * tMax) + 3, "text-anchor": "end" }, `${+(f * tMax).toFixed(1)}`));
    svg.appendChild(el("text", { x: W - R + 4, y: yC(f * cMax) + 3 }, `${Math.round(f * cMax)}`));
  }
  svg.appendChild(el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, "distance, km"));
  svg.appendChild(el("text", { x: 4, y: 10, fill: "#c0392b" }, "days"));
  svg.appendChild(el("text", { x: W - 4, y: 10, "text-anchor": "end", fill: "#2c7fb8" }, `USD/${unit || "t"}`));
  const line = (f, colour, cls) => el("polyline", {
    points: pts.map((p) => `${x(p.distance_km).toFixed(1)},${f(p).toFixed(1)}`).join(" "),
    fill: "none", stroke: colour, "stroke-width": 2, class: cls });
  svg.appendChild(line((p) => yT(p.time_h / 24), "#c0392b", "profile-time"));
  svg.appendChild(line((p) => yC(p.cost_usd), "#2c7fb8", "profile-cost"));
  for (const p of pts) {
    if (p.event === "start" || p.event === "end") continue;
    const stop = !String(p.event).includes("rail") && !["road", "sea", "feeder", "pipeline"].includes(p.event);
    if (!stop) continue;  // mark the stops (ports, borders, transshipments): the steps of the profile
    const c = el("circle", { cx: x(p.distance_km).toFixed(1), cy: yT(p.time_h / 24).toFixed(1), r: 3, fill: "#c0392b" });
    c.appendChild(el("title", {}, `${p.event} at ${p.at}`));
    svg.appendChild(c);
  }
  return svg;
}

// Daily series of a hub simulation: lines [{name, values, colour}] against days, on one y axis from 0.
export function seriesChart(days, lines, yLabel) {
  const W = 400, H = 170, L = 40, R = 10, T = 18, B = 30;
  const svg = el("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": `${lines.map((l) => l.name).join(", ")} by day` });
  svg.appendChild(el("title", {}, `${yLabel} by day`));
  const n = days.length;
  const dMax = Math.max(1, ...days);
  const yMax = niceMax(Math.max(0, ...lines.flatMap((l) => l.values.filter(Number.isFinite))));
  const x = (d) => L + (W - L - R) * d / dMax;
  const y = (v) => H - B - (H - T - B) * v / yMax;
  const axes = el("g", { stroke: "#888", "stroke-width": 1 });
  axes.appendChild(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B }));
  axes.appendChild(el("line", { x1: L, y1: T, x2: L, y2: H - B }));
  svg.appendChild(axes);
  for (let i = 0; i <= 4; i += 1) {
    const f = i / 4;
    svg.appendChild(el("text", { x: x(f * dMax), y: H - B + 12, "text-anchor": "middle" }, `${Math.round(f * dMax)}`));
    svg.appendChild(el("text", { x: L - 4, y: y(f * yMax) + 3, "text-anchor": "end" }, `${+(f * yMax).toPrecision(3)}`));
  }
  svg.appendChild(el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, "day"));
  lines.forEach((l, i) => {
    svg.appendChild(el("text", { x: L + 4 + i * 130, y: 11, fill: l.colour }, l.name));
    const pts = [];
    for (let k = 0; k < n; k += 1) if (Number.isFinite(l.values[k])) pts.push(`${x(days[k]).toFixed(1)},${y(l.values[k]).toFixed(1)}`);
    svg.appendChild(el("polyline", { points: pts.join(" "), fill: "none", stroke: l.colour, "stroke-width": 1.5,
      class: "series-line" }));
  });
  return svg;
}

// A histogram from bins already counted: h = {edges: [b0..bk], counts: [c1..ck], n}, as in the "histograms" of a
// sweep's result (GET /api/jobs/{id}/result). scale divides the edges (1e6: t → Mt); markers [{name, value}]
// (in the unscaled unit) are drawn as dashed vertical lines (P5, median, P95).
// equal: the one value of every sample, when they are all the same (the chart says so instead of inventing a spread).
export function histogramChart(h, { label, scale = 1, digits = 2, markers = [], colour = "#3182bd", key = "",
  equal = null } = {}) {
  const W = 400, H = 160, L = 34, R = 10, T = 16, B = 32;
  const edges = (h.edges || []).map((e) => e / scale), counts = h.counts || [];
  const svg = el("svg", { class: "chart histogram", viewBox: `0 0 ${W} ${H}`, role: "img", "data-key": key,
    "aria-label": `Histogram of ${label} over ${h.n ?? counts.reduce((a, b) => a + b, 0)} samples` });
  svg.appendChild(el("title", {}, `${label}: samples per bin`));
  if (!counts.length || edges.length !== counts.length + 1) {
    svg.appendChild(el("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no samples"));
    return svg;
  }
  const fmt = (v) => v.toLocaleString("en-US", { maximumFractionDigits: digits });
  if (equal !== null && Number.isFinite(equal)) {
    const n = counts.reduce((a, b) => a + b, 0);
    const r = el("rect", { x: W / 2 - 20, y: T + 14, width: 40, height: H - B - T - 14, fill: colour, class: "hist-bar",
      "data-count": n });
    r.appendChild(el("title", {}, `${n} samples: ${fmt(equal / scale)}`));
    svg.appendChild(r);
    svg.appendChild(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888" }));
    svg.appendChild(el("text", { x: W / 2, y: T + 6, "text-anchor": "middle" }, `all ${n} samples equal ${fmt(equal / scale)}`));
    svg.appendChild(el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, label));
    return svg;
  }
  const lo = edges[0], hi = edges[edges.length - 1], span = hi - lo || 1;
  const cMax = niceMax(Math.max(1, ...counts));
  const x = (v) => L + (W - L - R) * (v - lo) / span;
  const y = (c) => H - B - (H - T - B) * c / cMax;
  const axes = el("g", { stroke: "#888", "stroke-width": 1 });
  axes.appendChild(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B }));
  axes.appendChild(el("line", { x1: L, y1: T, x2: L, y2: H - B }));
  svg.appendChild(axes);
  counts.forEach((c, i) => {
    const x0 = x(edges[i]), x1 = x(edges[i + 1]);
    const r = el("rect", { x: (x0 + 0.5).toFixed(1), y: y(c).toFixed(1), width: Math.max(0.5, x1 - x0 - 1).toFixed(1),
      height: (H - B - y(c)).toFixed(1), fill: colour, class: "hist-bar", "data-count": c });
    r.appendChild(el("title", {}, `${fmt(edges[i])} to ${fmt(edges[i + 1])}: ${c} sample${c === 1 ? "" : "s"}`));
    svg.appendChild(r);
  });
  for (const f of [0, 0.5, 1]) {
    svg.appendChild(el("text", { x: x(lo + f * span), y: H - B + 12, "text-anchor": f === 0 ? "start" : f === 1 ? "end" : "middle" },
      fmt(lo + f * span)));
  }
  for (const c of [0, cMax / 2, cMax]) {
    svg.appendChild(el("text", { x: L - 4, y: y(c) + 3, "text-anchor": "end" }, `${+c.toFixed(1)}`));
  }
  const placed = [];  // markers closer than 14 px share one line and one label ("P5 = median")
  for (const m of markers) {
    if (!Number.isFinite(m.value)) continue;
    const v = m.value / scale;
    if (v < lo || v > hi) continue;
    const near = placed.find((p) => Math.abs(p.x - x(v)) < 14);
    if (near) { near.names.push(m.name); continue; }
    placed.push({ x: x(v), names: [m.name] });
  }
  for (const p of placed) {
    svg.appendChild(el("line", { x1: p.x, x2: p.x, y1: T, y2: H - B, stroke: "#c0392b", "stroke-dasharray": "3 3",
      class: "hist-marker" }));
    svg.appendChild(el("text", { x: p.x, y: T - 3, "text-anchor": "middle", fill: "#c0392b" }, p.names.join(" = ")));
  }
  svg.appendChild(el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, label));
  return svg;
}

// Horizontal bars of shares: items [{label, value}] with value in 0..1, drawn as percent, largest first as given.
export function shareBars(items, { title = "share of samples", colour = "#e6550d" } = {}) {
  const W = 400, row = 18, L = 190, R = 44, T = 6;
  const H = T + row * Math.max(1, items.length) + 22;
  const svg = el("svg", { class: "chart bars", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  svg.appendChild(el("title", {}, title));
  const x = (v) => L + (W - L - R) * Math.max(0, Math.min(1, v));
  items.forEach((it, i) => {
    const yy = T + i * row;
    const label = it.label.length > 32 ? `${it.label.slice(0, 31)}…` : it.label;
    svg.appendChild(el("text", { x: L - 4, y: yy + 12, "text-anchor": "end" }, label));
    const r = el("rect", { x: L, y: yy + 2, width: Math.max(0.5, x(it.value) - L).toFixed(1), height: row - 5,
      fill: colour, class: "share-bar", "data-label": it.label, "data-value": it.value });
    r.appendChild(el("title", {}, `${it.label}: ${(100 * it.value).toFixed(0)} %`));
    svg.appendChild(r);
    svg.appendChild(el("text", { x: x(it.value) + 3, y: yy + 12 }, `${(100 * it.value).toFixed(0)} %`));
  });
  const yAxis = T + row * Math.max(1, items.length);
  svg.appendChild(el("line", { x1: L, y1: T, x2: L, y2: yAxis, stroke: "#888" }));
  svg.appendChild(el("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, title));
  return svg;
}
