// The hub panel: simulate the Aktau container hub as a job (POST /api/hub) and show KPI cards and daily series.
import { getJSON, runJob } from "./api.js";
import { seriesChart } from "./chart.js";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const num = (x, d = 0) => (typeof x === "number" && Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");

// KPI key → [label, scale, digits, unit].
const KPIS = {
  throughput_teu: ["throughput", 1, 0, "TEU/yr"],
  vessel_wait_h: ["vessel wait", 1, 1, "h"],
  train_wait_h: ["train wait", 1, 1, "h"],
  truck_wait_h: ["truck wait", 1, 1, "h"],
  dwell_h: ["container dwell", 1, 1, "h"],
  berth_utilisation: ["berths busy", 100, 0, "%"],
  crane_utilisation: ["cranes busy", 100, 0, "%"],
  track_utilisation: ["rail tracks busy", 100, 0, "%"],
  yard_occupancy: ["yard occupancy", 100, 0, "%"],
  days_closed: ["days closed by storms", 1, 1, "days"],
};

export function showHub(result) {
  const cards = Object.entries(KPIS).filter(([k]) => result[k] && typeof result[k].mean === "number")
    .map(([k, [label, scale, d, unit]]) => {
      const v = result[k];
      const hw = typeof v.half_width === "number" ? ` ± ${num(v.half_width * scale, d)}` : "";
      return `<div class="kpi" data-kpi="${esc(k)}"><div class="kpi-value">${num(v.mean * scale, d)}<small>${hw} ${esc(unit)}</small></div>`
        + `<div class="kpi-label">${esc(label)}</div></div>`;
    }).join("");
  const lay = result.layout || {};
  $("hub-results").innerHTML = `<p class="note">${esc(result.config)}: ${num(result.days)} days × ${num(result.replications)} `
    + `replication(s), seed ${esc(result.seed)}; ${num(lay.berths)} berths, ${num(lay.cranes)} cranes, ${num(lay.tracks)} tracks, `
    + `${num(lay.yard_capacity_teu)} TEU yard; means with 95 % confidence half-widths</p><div class="kpis">${cards}</div>`;
  const s = result.series || {};
  if (Array.isArray(s.day) && s.day.length) {
    const box = $("hub-results");
    box.appendChild(seriesChart(s.day, [
      { name: "yard occupancy", values: s.yard_occupancy || [], colour: "#2c7fb8" },
      { name: "share of day closed", values: s.closed_share || [], colour: "#c0392b" }], "share"));
    box.appendChild(seriesChart(s.day, [
      { name: "ships waiting", values: s.ships_waiting || [], colour: "#238b45" },
      { name: "trains waiting", values: s.trains_waiting || [], colour: "#8c2d04" }], "waiting"));
  }
}

export function initHub(setStatus) {
  $("hub-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { config: "aktau-hub", days: Number($("hub-days").value), replications: Number($("hub-reps").value),
      seed: Number($("hub-seed").value) };
    $("hub-error").textContent = "";
    $("hub-results").replaceChildren();
    $("hub-submit").disabled = true;
    const bar = $("hub-bar"), stage = $("hub-stage");
    $("hub-progress").hidden = false;
    setStatus("Simulating the hub…");
    try {
      showHub(await getJSON(await runJob("/api/hub", body, bar, stage)));
      setStatus("Hub simulated");
    } catch (err) {
      $("hub-error").textContent = err.message;
      setStatus("Hub simulation failed");
    } finally {
      $("hub-submit").disabled = false;
    }
  });
}
