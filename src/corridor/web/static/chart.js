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
