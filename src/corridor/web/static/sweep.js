// The sweep panel: a Monte Carlo sweep of a shipped scenario's uncertain parameters (POST /api/sweeps), its progress,
// then a histogram per headline measure and the share of samples in which each capacity binds.
import { esc, getJSON, runJob } from "./api.js";
import { histogramChart, shareBars } from "./chart.js";

const $ = (id) => document.getElementById(id);

// The headline measures: [key, label, divisor, digits] (tonnes per year as Mt/yr, USD per year as bn USD/yr).
const MEASURES = [
  ["unserved_t", "unserved demand, Mt/yr", 1e6, 2],
  ["served_t", "served, Mt/yr", 1e6, 1],
  ["total_cost_usd", "total cost, bn USD/yr", 1e9, 2],
  ["titr_t", "Trans-Caspian (TITR), Mt/yr", 1e6, 2],
  ["russia_t", "through Russia, Mt/yr", 1e6, 1],
  ["co2e_kg", "CO2e, Mt/yr", 1e9, 2],
];

const num = (x, d) => (typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d }) : "–");

function figure(svg, caption) {
  const f = document.createElement("figure");
  f.appendChild(svg);
  const c = document.createElement("figcaption");
  c.className = "note";
  c.textContent = caption;
  f.appendChild(c);
  return f;
}

export function showSweep(result) {
  const out = $("sweep-results");
  out.replaceChildren();
  const metrics = result.metrics || {}, hist = result.histograms || {};
  const head = document.createElement("div");
  head.innerHTML = `<h3>Sweep of ${esc(result.scenario)}</h3><p>${num(result.n ?? result.samples, 0)} samples, seed `
    + `${esc(result.seed)}${result.elapsed_s != null ? `, ${num(result.elapsed_s, 1)} s` : ""}.</p>`;
  out.appendChild(head);
  const rows = MEASURES.filter(([k]) => metrics[k]).map(([k, label, div, d]) => {
    const q = metrics[k];
    return `<tr><td>${esc(label)}</td><td>${num(q.p5 / div, d)}</td><td>${num(q.p50 / div, d)}</td><td>${num(q.p95 / div, d)}</td></tr>`;
  }).join("");
  if (rows) {
    const t = document.createElement("table");
    t.id = "sweep-quantiles";
    t.innerHTML = `<caption class="note">Distribution over the samples</caption><thead><tr><th>measure</th><th>P5</th>`
      + `<th>median</th><th>P95</th></tr></thead><tbody>${rows}</tbody>`;
    out.appendChild(t);
  }
  const charts = document.createElement("div");
  charts.id = "sweep-histograms";
  for (const [k, label, div, d] of MEASURES) {
    if (!hist[k]) continue;
    const q = metrics[k] || {};
    const markers = [["P5", q.p5], ["median", q.p50], ["P95", q.p95]].map(([name, value]) => ({ name, value }));
    const equal = q.min != null && q.min === q.max ? q.min : null;
    charts.appendChild(figure(histogramChart(hist[k], { label, scale: div, digits: d, markers, key: k, equal,
      colour: k === "unserved_t" ? "#d7191c" : "#3182bd" }), `${label}: samples per bin; dashed: P5, median, P95.`));
  }
  for (const [k, h] of Object.entries(hist)) {
    if (!k.startsWith("param.")) continue;
    const name = k.slice(6);
    charts.appendChild(figure(histogramChart(h, { label: `parameter ${name}`, digits: 3, key: k, colour: "#756bb1" }),
      `${name}: the values drawn (${(result.uncertain && result.uncertain[name] && result.uncertain[name].dist) || "its distribution"}).`));
  }
  out.appendChild(charts);
  const freq = Object.entries(result.bottleneck_frequency || {}).sort((a, b) => b[1] - a[1]).slice(0, 15);
  const h = document.createElement("h3");
  h.textContent = "Bottleneck frequency";
  out.appendChild(h);
  if (freq.length) {
    const bars = shareBars(freq.map(([label, value]) => ({ label, value })), { title: "share of samples in which it binds" });
    bars.id = "bottleneck-chart";
    out.appendChild(figure(bars, "Capacities (kind:id) at their limit, by the share of samples in which they bind."));
  } else {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = "No capacity binds in any sample.";
    out.appendChild(p);
  }
}

// The shipped scenarios that can be swept (those with uncertain parameters) in the select.
async function sweepable(scenarios) {
  const details = await Promise.all(scenarios.map((s) => getJSON(`/api/scenarios/${encodeURIComponent(s.name)}`)
    .then((d) => (Object.keys((d.spec && d.spec.uncertain) || {}).length ? s.name : null), () => s.name)));
  return details.filter(Boolean);
}

export async function initSweep(setStatus, scenarios) {
  const names = await sweepable(scenarios);
  $("sweep-select").replaceChildren(...names.map((n) => {
    const o = document.createElement("option");
    o.value = n;
    o.textContent = n;
    return o;
  }));
  $("sweep-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const name = $("sweep-select").value;
    if (!name) return;
    const body = { scenario: name, samples: Number($("sweep-samples").value), seed: Number($("sweep-seed").value) };
    $("sweep-error").textContent = "";
    $("sweep-results").replaceChildren();
    $("sweep-submit").disabled = true;
    $("sweep-progress").hidden = false;
    const bar = $("sweep-bar"), stage = $("sweep-stage");
    setStatus(`Sweeping ${name}…`);
    try {
      showSweep(await getJSON(await runJob("/api/sweeps", body, bar, stage)));
      setStatus(`${name}: sweep of ${body.samples} samples done`);
    } catch (err) {
      $("sweep-error").textContent = err.message;
      setStatus(`sweep of ${name} failed`);
    } finally {
      $("sweep-submit").disabled = false;
    }
  });
}
