// The corridor performance panel: upload a shipment log (CSV or Parquet) to POST /api/analytics/cpmm and show the
// CAREC CPMM indicators: TFI1/TFI2 by border crossing, trip indicators by section, a TFI1 histogram per BCP.
// A rejected log shows its problems one by one (line, column, message).
import { esc, postBody, query } from "./api.js";
import { histogramChart } from "./chart.js";

const $ = (id) => document.getElementById(id);
const num = (x, d = 0) => (typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");

// indicator → [label, unit, digits, scale]
const BORDER = { tfi1_h: ["TFI1 time", "h", 1, 1], tfi2_usd: ["TFI2 cost", "USD", 0, 1] };
const TRAVEL = { swd_kmh: ["SWD", "km/h", 1, 1], swod_kmh: ["SWOD", "km/h", 1, 1], delay_share: ["delay share", "%", 0, 100],
  tfi3_usd: ["TFI3", "USD/500 km/20 t", 0, 1] };
const STATS = ["count", "mean", "p10", "p50", "p90", "max"];
const MAX_CHARTS = 12;  // histograms for the busiest border crossings only

// A CSV log goes as text/csv, a .parquet file as Parquet.
export const contentType = (name) => (/\.parquet$/i.test(name) ? "application/vnd.apache.parquet" : "text/csv");

// rows: [{<key>, indicator, count, mean, p10, p50, p90, max}] (a "border_by_bcp" or "travel_by_section" table);
// one table row per key and indicator, in the order of `indicators`.
function distTable(id, rows, key, keyLabel, indicators) {
  const order = Object.keys(indicators);
  const shown = rows.filter((r) => r.indicator in indicators)
    .sort((a, b) => String(a[key]).localeCompare(String(b[key])) || order.indexOf(a.indicator) - order.indexOf(b.indicator));
  const body = shown.map((r) => {
    const [label, unit, d, scale] = indicators[r.indicator];
    const cells = STATS.map((s) => `<td>${s === "count" ? num(r.count) : num(r[s] == null ? r[s] : r[s] * scale, d)}</td>`);
    const pooled = typeof r.tfi3_pooled_usd === "number" ? ` title="pooled (ratio of sums): ${num(r.tfi3_pooled_usd)}"` : "";
    return `<tr data-key="${esc(r[key])}" data-indicator="${esc(r.indicator)}"${pooled}><td class="text">${esc(r[key])}</td>`
      + `<td class="text">${esc(label)} <small>${esc(unit)}</small></td>${cells.join("")}</tr>`;
  }).join("");
  return `<table id="${id}"><thead><tr><th class="text">${esc(keyLabel)}</th><th class="text">indicator</th>`
    + `${STATS.map((s) => `<th>${s === "count" ? "n" : s}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table>`;
}

// Bins of the values (about √n of them, at most 10), as histogramChart draws them.
function bins(values) {
  const lo = Math.min(...values), hi = Math.max(...values);
  const k = Math.max(1, Math.min(10, Math.ceil(Math.sqrt(values.length))));
  const w = (hi - lo) / k || 1;
  const edges = Array.from({ length: k + 1 }, (_, i) => lo + i * w);
  const counts = new Array(k).fill(0);
  for (const v of values) counts[Math.min(k - 1, Math.floor((v - lo) / w))] += 1;
  return { edges, counts, n: values.length, equal: hi === lo ? lo : null };
}

function bcpCharts(d) {
  const byBcp = new Map();
  for (const x of d.crossings || []) {
    if (typeof x.tfi1_h !== "number") continue;
    if (!byBcp.has(x.bcp)) byBcp.set(x.bcp, []);
    byBcp.get(x.bcp).push(x.tfi1_h);
  }
  const stats = new Map((d.border_by_bcp || []).filter((r) => r.indicator === "tfi1_h").map((r) => [r.bcp, r]));
  const busiest = [...byBcp.entries()].sort((a, b) => b[1].length - a[1].length || String(a[0]).localeCompare(String(b[0])))
    .slice(0, MAX_CHARTS);
  return busiest.map(([bcp, values]) => {
    const s = stats.get(bcp) || {};
    const h = bins(values);
    const fig = document.createElement("figure");
    fig.className = "bcp-chart";
    fig.dataset.bcp = bcp;
    fig.appendChild(histogramChart(h, { label: `${bcp}: TFI1, h`, digits: 1, key: bcp, equal: h.equal,
      markers: [{ name: "P10", value: s.p10 }, { name: "median", value: s.p50 }, { name: "P90", value: s.p90 }] }));
    const cap = document.createElement("figcaption");
    cap.className = "note";
    cap.textContent = `${bcp}: ${values.length} crossing${values.length === 1 ? "" : "s"}, median ${num(s.p50, 1)} h`;
    fig.appendChild(cap);
    return fig;
  });
}

export function showCpmm(d, fileName) {
  const log = d.log || {};
  const box = $("analytics-results");
  const synthetic = d.synthetic
    ? `<p class="synthetic" id="analytics-synthetic" role="note">Synthetic log: ${num(log.synthetic_events)} of ${num(log.events)} `
      + "events say <code>source: synthetic…</code>; generated for demonstration, not observed.</p>"
    : "";
  box.innerHTML = `<p class="note" id="analytics-summary">${esc(fileName)}: ${num(log.events)} events, ${num(log.shipments)} `
    + `shipments, ${num((d.crossings || []).length)} border crossings</p>${synthetic}`
    + "<h3>Border crossings</h3><p class=\"note\">TFI1: hours from entry to exit; TFI2: cost paid from entry to exit.</p>"
    + distTable("analytics-border", d.border_by_bcp || [], "bcp", "BCP", BORDER)
    + "<h3>Trips by section</h3><p class=\"note\">SWD: speed with delays (TFI4); SWOD: without the stops; "
    + "TFI3: cost per 500 km and 20 t (hover a TFI3 row for the pooled value).</p>"
    + distTable("analytics-sections", d.travel_by_section || [], "section", "section", TRAVEL)
    + "<h3>TFI1 per border crossing</h3>";
  box.append(...bcpCharts(d));
}

function showProblems(err, fileName) {
  const rows = (err.problems || []).map((p) => {
    const line = String(p.where || "").split(":").slice(1).join(":");
    return `<tr><td class="text">${esc(line || "–")}</td><td class="text">${esc(p.field || "–")}</td>`
      + `<td class="text">${esc(p.message)}</td></tr>`;
  }).join("");
  $("analytics-error").textContent = `${fileName} was rejected: ${err.message}`;
  if (rows) {
    $("analytics-results").innerHTML = "<table id=\"analytics-problems\"><thead><tr><th class=\"text\">line</th>"
      + `<th class="text">column</th><th class="text">problem</th></tr></thead><tbody>${rows}</tbody></table>`;
  }
}

export function initAnalytics(setStatus) {
  $("analytics-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = $("analytics-file").files[0];
    $("analytics-error").textContent = "";
    $("analytics-results").replaceChildren();
    if (!file) {
      $("analytics-error").textContent = "Choose a shipment log first (.csv or .parquet).";
      return;
    }
    $("analytics-submit").disabled = true;
    setStatus(`Reading ${file.name}…`);
    try {
      const url = `/api/analytics/cpmm${query({ network: $("analytics-check").checked ? "eurasia" : "" })}`;
      showCpmm(await postBody(url, file, contentType(file.name)), file.name);
      setStatus(`${file.name}: CPMM indicators`);
    } catch (err) {
      showProblems(err, file.name);
      setStatus(`${file.name} was rejected`);
    } finally {
      $("analytics-submit").disabled = false;
    }
  });
}
