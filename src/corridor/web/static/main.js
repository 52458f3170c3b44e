// The dashboard: the map first, then the panels.
import { getJSON } from "./api.js";
import { createMap, drawCountries, drawNetwork } from "./map.js";
import { fillCountries, initPlanner } from "./planner.js";
import { initHub } from "./hub.js";
import { initScenarios } from "./scenario.js";
import { initBuilder } from "./builder.js";
import { initSweep } from "./sweep.js";
import { initAnalytics } from "./analytics.js";

const statusEl = document.getElementById("status");
const setStatus = (text) => { statusEl.textContent = text; };

async function start() {
  if (typeof L === "undefined" || typeof topojson === "undefined") {
    setStatus("The map libraries did not load (/vendor/): install them with `make web`.");
    document.body.dataset.ready = "error";
    return;
  }
  const state = createMap("map");
  window.corridorMap = state;  // for tests and the browser console
  initPlanner(state, setStatus);
  initHub(setStatus);
  initAnalytics(state, setStatus);
  const scenarios = initScenarios(state, setStatus);
  const problems = [];
  try {
    await drawCountries(state, "/vendor/world-atlas/countries-110m.json");
  } catch (err) {
    problems.push(err.message);
  }
  try {
    const counts = drawNetwork(state, await getJSON("/api/network"));
    fillCountries(state);
    setStatus(`${counts.nodes} nodes, ${counts.links} links`);
  } catch (err) {
    problems.push(`network: ${err.message}`);
  }
  const items = await scenarios;
  // after the network: the builder lists its nodes, links and transfers
  try {
    await Promise.all([initBuilder(state, setStatus, items), initSweep(setStatus, items)]);
  } catch (err) {
    problems.push(`builder/sweep: ${err.message}`);
  }
  if (problems.length) setStatus(problems.join("; "));
  document.body.dataset.ready = problems.length ? "error" : "yes";
}

start();
