// The corridor performance panel: upload a shipment log (CSV or Parquet) to POST /api/analytics/cpmm and show the
// CAREC CPMM indicators: TFI1/TFI2 by border crossing, trip indicators by section, a TFI1 histogram per BCP; then
// the UNESCAP time/cost-distance chart of each section (POST /api/analytics/tcd, charts drawn by the server's report
// stack) and, on request, the comparison with the model (POST /api/analytics/calibrate): the transfer and leg times
// that disagree most and the suggested recalibration as a scenario file to download.
// A rejected log shows its problems one by one (line, column, message).
import { esc, postBody, query } from "./api.js";
import { histogramChart } from "./chart.js";
import { runAndCompare } from "./scenario.js";

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

// The server's SVG charts (inline, from the report stack: text escaped there) under a heading.
export function showTcd(d) {
  const box = document.createElement("div");
  box.id = "analytics-tcd";
  box.innerHTML = "<h3>Time/cost–distance</h3><p class=\"note\">UNESCAP method: cumulative time and cost against "
    + "distance; vertical steps are stops (borders, ports, transshipment). Median and p10–p90 band per section.</p>"
    + (d.charts || []).map((c) => `<div class="tcd-chart" data-section="${esc(c.name)}"><h4>${esc(c.name)}</h4>${c.svg}</div>`)
      .join("");
  $("analytics-results").append(box);
}

const RANK_ROWS = 15;

// The comparison with the model: worst disagreements first, what could not be compared, the scenario to download.
export function showCalibration(state, setStatus, d, fileName) {
  const box = $("analytics-calibration");
  const stat = d.statistic === "p50" ? "median" : "mean";
  const rows = (d.ranking || []).slice(0, RANK_ROWS).map((r) => `<tr data-id="${esc(r.id)}"><td class="text">${esc(r.what)}</td>`
    + `<td class="text">${esc(r.id)}</td><td>${num(r.n)}</td><td>${num(r.observed_h, 1)}</td><td>${num(r.model_h, 1)}</td>`
    + `<td>${num(r.difference_h, 1)}</td><td>${num(r.ratio, 2)}</td></tr>`).join("");
  const paths = {};
  for (const t of d.trips || []) paths[t.model_path] = (paths[t.model_path] || 0) + 1;
  const onBest = (d.trips || []).filter((t) => t.on_best_route).length;
  const pathText = Object.entries(paths).map(([k, v]) => `${num(v)} along the ${k === "observed" ? "observed path"
    : k === "via" ? "observed nodes" : "model's best route"}`).join(", ");
  const changes = (d.recalibration || []).length;
  box.innerHTML = `<h3>Observed vs model</h3><p class="note">Observed ${stat} against the model's time, worst `
    + `disagreement first (|ln(observed / model)|, at least ${num(d.min_observations)} observations). Trips compared: `
    + `${esc(pathText) || "none"}; ${num(onBest)} on the model's best route.</p>`
    + `<table id="analytics-ranking"><thead><tr><th class="text">what</th><th class="text">id</th><th>n</th>`
    + `<th>observed h</th><th>model h</th><th>difference h</th><th>ratio</th></tr></thead><tbody>${rows}</tbody></table>`
    + `<p class="note" id="analytics-unmatched">${num((d.unmatched || []).length)} trips, stops or legs could not be compared.</p>`;
  if (changes) {
    const url = URL.createObjectURL(new Blob([d.scenario_yaml], { type: "application/yaml" }));
    const name = `recalibrated-${fileName.replace(/\.[^.]*$/, "")}.yaml`;
    box.insertAdjacentHTML("beforeend", `<p><a id="analytics-scenario" href="${url}" download="${esc(name)}">Download the `
      + `suggested recalibration</a> (${num(changes)} change${changes === 1 ? "" : "s"}: a scenario file; run it with `
      + "<code>corridor scenario run</code>) <button type=\"button\" id=\"analytics-run\" class=\"run-button\">Run it "
      + "against the baseline</button></p>");
    $("analytics-run").addEventListener("click", () => {
      document.getElementById("scenario").scrollIntoView();
      runAndCompare(state, setStatus, { yaml: d.scenario_yaml }, "the recalibrated model");
    });
  }
}

async function analyse(file, setStatus) {
  const params = query({ network: $("analytics-check").checked ? "eurasia" : "" });
  const type = contentType(file.name);
  showCpmm(await postBody(`/api/analytics/cpmm${params}`, file, type), file.name);
  setStatus(`${file.name}: CPMM indicators; drawing the time/cost–distance charts…`);
  showTcd(await postBody(`/api/analytics/tcd${params}`, file, type));
  $("analytics-compare-row").hidden = false;
  setStatus(`${file.name}: CPMM indicators and time/cost–distance`);
}

export function initAnalytics(state, setStatus) {
  $("analytics-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = $("analytics-file").files[0];
    $("analytics-error").textContent = "";
    $("analytics-results").replaceChildren();
    $("analytics-calibration").replaceChildren();
    $("analytics-compare-row").hidden = true;
    if (!file) {
      $("analytics-error").textContent = "Choose a shipment log first (.csv or .parquet).";
      return;
    }
    $("analytics-submit").disabled = true;
    setStatus(`Reading ${file.name}…`);
    try {
      await analyse(file, setStatus);
    } catch (err) {
      showProblems(err, file.name);
      setStatus(`${file.name} was rejected`);
    } finally {
      $("analytics-submit").disabled = false;
    }
  });
  $("analytics-compare").addEventListener("click", async () => {
    const file = $("analytics-file").files[0];
    if (!file) return;
    $("analytics-compare").disabled = true;
    $("analytics-error").textContent = "";
    setStatus(`${file.name}: comparing with the model…`);
    try {
      const params = query({ statistic: $("analytics-statistic").value });
      showCalibration(state, setStatus, await postBody(`/api/analytics/calibrate${params}`, file,
        contentType(file.name)), file.name);
      setStatus(`${file.name}: observed vs model`);
    } catch (err) {
      showProblems(err, file.name);
      setStatus(`${file.name}: the comparison failed`);
    } finally {
      $("analytics-compare").disabled = false;
    }
  });
}
