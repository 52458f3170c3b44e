// The scenario builder: start from a shipped scenario (GET /api/scenarios/{name}), close links and nodes, scale
// capacities, grow demand; it writes the scenario's YAML (shown read-only), validates it (POST /api/scenarios/validate)
// and runs it (POST /api/runs {yaml}) with the same progress, comparison and flow map as a shipped scenario.
// Only change kinds of the scenario loader: close_node, close_link, scale_capacity, grow_demand (+ the example's own).
import { esc, getJSON, postJSON } from "./api.js";
import { runAndCompare } from "./scenario.js";

const $ = (id) => document.getElementById(id);

const BORDER_KINDS = new Set(["border", "border-crossing"]);
const PORT_KINDS = new Set(["seaport", "port", "oil-terminal"]);
const SEA_MODES = new Set(["sea", "rail-ferry", "feeder"]);

// -- a tiny YAML writer: block style at the top, flow style ({a: 1}, [x, y]) inside ---------------------------------

const PLAIN = /^[A-Za-z0-9_$][A-Za-z0-9_.$/+-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;
const NUMERIC = /^[-+]?(\.?[0-9]|0x|0o|\.inf|\.nan)/i;

export function yamlScalar(v) {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  const s = String(v);
  // plain when YAML reads it back as the same string; else double-quoted (JSON's escapes are YAML's)
  return PLAIN.test(s) && !RESERVED.test(s) && !NUMERIC.test(s) ? s : JSON.stringify(s);
}

export function yamlFlow(v) {
  if (Array.isArray(v)) return `[${v.map(yamlFlow).join(", ")}]`;
  if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${yamlScalar(k)}: ${yamlFlow(x)}`).join(", ")}}`;
  return yamlScalar(v);
}

// The scenario loader's engine defaults (ENGINE_OPTIONS in src/corridor/scenarios/spec.py): options equal to them are
// not written, so that the loader fills them in as it does for the example (same content hash, runs reused).
const ENGINE_DEFAULTS = { method: "lp", carbon_price: 0, risk_price: 0, unserved_penalty_usd_per_t: 10000, gap: 1e-4,
  max_iter: 500, hub_delay: "none" };

const LIST_KINDS = new Set(["close_link", "close_node", "close_transfer", "close_country", "close_transit"]);
const RECORD_KINDS = new Set(["add_node", "add_link", "add_transfer"]);

// A change as GET /api/scenarios/{name} gives it ({kind, ...fields, when, note}) → its YAML lines.
function changeLines(c) {
  const { kind, when, note, ...args } = c;
  const value = LIST_KINDS.has(kind) ? args.ids : RECORD_KINDS.has(kind) ? args.record : args;
  const out = [`  - ${kind}: ${yamlFlow(value)}`];
  if (when) out.push(`    when: ${yamlScalar(when)}`);
  if (note) out.push(`    note: ${yamlScalar(note)}`);
  return out;
}

// The builder's model → the scenario's YAML text.
export function scenarioYaml(m) {
  const changes = [...(m.keep ? m.base.changes || [] : [])];
  const nodes = m.closures.filter((c) => c.kind === "node").map((c) => c.id);
  const links = m.closures.filter((c) => c.kind === "link").map((c) => c.id);
  if (nodes.length) changes.push({ kind: "close_node", ids: nodes, note: "closed in the dashboard" });
  if (links.length) changes.push({ kind: "close_link", ids: links, note: "closed in the dashboard" });
  for (const c of m.capacities) {
    if (c.pct !== 100) changes.push({ kind: "scale_capacity", select: { id: c.id }, factor: c.pct / 100,
      note: `capacity at ${c.pct} % (dashboard)` });
  }
  if (m.growth.pct !== 0) {
    const commodities = m.growth.commodity ? [m.growth.commodity] : m.commodities;
    changes.push({ kind: "grow_demand", select: { commodity: commodities }, factor: +(1 + m.growth.pct / 100).toFixed(6),
      note: `${m.growth.pct > 0 ? "+" : ""}${m.growth.pct} % ${m.growth.commodity || "on all demand"} (dashboard)` });
  }
  const lines = [`# Built in the corridor dashboard from ${m.base.name || "the baseline"}`,
    `name: ${yamlScalar(m.name)}`, `description: ${yamlScalar(m.description)}`,
    `base: ${yamlFlow({ dataset: m.base.dataset || "eurasia", ...(m.base.year != null ? { year: m.base.year } : {}) })}`];
  if (changes.length) {
    lines.push("changes:");
    for (const c of changes) lines.push(...changeLines(c));
  } else {
    lines.push("changes: []");
  }
  const engine = Object.entries(m.base.engine || {})
    .filter(([k, v]) => v !== null && v !== undefined && v !== ENGINE_DEFAULTS[k]);
  if (engine.length) {
    lines.push("engine:");
    for (const [k, v] of engine) lines.push(`  ${yamlScalar(k)}: ${yamlFlow(v)}`);
  }
  const uncertain = Object.entries((m.keep && m.base.uncertain) || {});
  if (uncertain.length) {
    lines.push("uncertain:");
    for (const [k, u] of uncertain) {
      const entry = Object.fromEntries(Object.entries(u).filter(([f, v]) => f !== "name" && v !== "" && v !== null));
      lines.push(`  ${yamlScalar(k)}: ${yamlFlow(entry)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

// -- the panel ------------------------------------------------------------------------------------------------------

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  if (label) o.label = label;
  o.textContent = label || value;
  return o;
}

// What may be closed (nodes and links; the lists show borders, ports and sea lines first) and what has a capacity.
function candidates(state) {
  const close = new Map(), capacity = new Map();
  for (const [id, f] of state.nodes) {
    const p = f.properties;
    const tag = BORDER_KINDS.has(p.kind) ? "border crossing" : PORT_KINDS.has(p.kind) ? "port" : null;
    close.set(id, { kind: "node", id, label: `${p.name || id} — ${tag || p.kind}, ${p.country}`, listed: Boolean(tag) });
  }
  for (const [id, f] of state.links) {
    const p = f.properties;
    close.set(id, { kind: "link", id, label: `${p.name || `${p.a} – ${p.b}`} — ${p.mode} link`, listed: SEA_MODES.has(p.mode) });
    const cap = [p.capacity_mtpa != null ? `${p.capacity_mtpa} Mt/yr` : "", p.capacity_teu != null ? `${p.capacity_teu} TEU/yr` : ""]
      .filter(Boolean).join(", ");
    if (cap) capacity.set(id, `${id} — ${p.mode} link, ${cap}`);
    for (const fac of p.facility || []) capacity.set(fac, `${fac} — facility`);
  }
  for (const [id, p] of state.transfers || new Map()) {
    const cap = [p.capacity_mtpa != null ? `${p.capacity_mtpa} Mt/yr` : "", p.capacity_teu != null ? `${p.capacity_teu} TEU/yr` : ""]
      .filter(Boolean).join(", ");
    if (cap) capacity.set(id, `${id} — ${p.kind} at ${p.node}, ${cap}`);
    for (const fac of p.facility || []) if (!capacity.has(fac)) capacity.set(fac, `${fac} — facility at ${p.node}`);
  }
  return { close, capacity };
}

// The id typed or picked in a search box: an id, or a label / name of a candidate (case-insensitive).
function pick(text, map) {
  const t = text.trim();
  if (!t) return null;
  if (map.has(t)) return t;
  const low = t.toLowerCase();
  for (const [id, c] of map) {
    const label = typeof c === "string" ? c : c.label;
    if (label.toLowerCase() === low || label.toLowerCase().split(" — ")[0] === low) return id;
  }
  return null;
}

export async function initBuilder(state, setStatus, scenarios) {
  const { close, capacity } = candidates(state);
  const commodities = [...$("cargo").options].map((o) => o.value);
  const m = { base: { name: "", changes: [], engine: {} }, keep: true, name: "", description: "", closures: [],
    capacities: [], growth: { pct: 0, commodity: "" }, commodities };
  let nameTouched = false;

  const closeList = [...close.values()].sort((a, b) => Number(b.listed) - Number(a.listed) || a.label.localeCompare(b.label));
  $("builder-close-list").replaceChildren(...closeList.filter((c) => c.listed).map((c) => option(c.id, c.label)));
  $("builder-cap-list").replaceChildren(...[...capacity].sort().map(([id, label]) => option(id, label)));
  $("builder-growth-commodity").replaceChildren(option("", "all demand"), ...commodities.map((c) => option(c)));
  $("builder-base").replaceChildren(...scenarios.map((s) => option(s.name)));
  if (scenarios.some((s) => s.name === "baseline-2021")) $("builder-base").value = "baseline-2021";

  const problems = (items) => {
    $("builder-problems").replaceChildren(...items.map((p) => {
      const li = document.createElement("li");
      li.textContent = typeof p === "string" ? p : `${p.where ? `${p.where}: ` : ""}${p.field ? `${p.field}: ` : ""}${p.message}`;
      return li;
    }));
  };
  const describe = () => {
    const parts = [...m.closures.map((c) => `${c.id} closed`),
      ...m.capacities.filter((c) => c.pct !== 100).map((c) => `${c.id} capacity ${c.pct} %`),
      ...(m.growth.pct ? [`demand ${m.growth.pct > 0 ? "+" : ""}${m.growth.pct} % (${m.growth.commodity || "all"})`] : [])];
    return `${m.base.name || "The baseline"}${m.keep && (m.base.changes || []).length ? " (its changes kept)" : ""}`
      + `${parts.length ? ` with ${parts.join(", ")}` : ", unchanged"}: built in the dashboard.`;
  };
  const update = () => {
    if (!nameTouched) $("builder-name").value = `${m.base.name || "baseline"}-built`;
    m.name = $("builder-name").value.trim() || "built";
    m.keep = $("builder-keep").checked;
    m.growth = { pct: Number($("builder-growth").value) || 0, commodity: $("builder-growth-commodity").value };
    m.description = describe();
    $("builder-yaml").value = scenarioYaml(m);
    $("builder-note").textContent = "";
    $("builder-form").dataset.valid = "";
  };

  const renderClosures = () => {
    $("builder-closures").replaceChildren(...m.closures.map((c, i) => {
      const li = document.createElement("li");
      li.dataset.id = c.id;
      li.innerHTML = `${esc(close.get(c.id)?.label || c.id)} <button type="button" aria-label="Reopen ${esc(c.id)}">✕</button>`;
      li.querySelector("button").addEventListener("click", () => { m.closures.splice(i, 1); renderClosures(); update(); });
      return li;
    }));
  };
  const addClosure = (id) => {
    const c = close.get(id);
    if (!c) { problems([`${id}: not a node or link of the network`]); return false; }
    if (!m.closures.some((x) => x.id === id && x.kind === c.kind)) m.closures.push({ kind: c.kind, id });
    problems([]);
    renderClosures();
    update();
    return true;
  };
  const renderCapacities = () => {
    $("builder-capacities").replaceChildren(...m.capacities.map((c, i) => {
      const row = document.createElement("div");
      row.className = "cap-row";
      row.dataset.id = c.id;
      const sid = `cap-${i}`;
      row.innerHTML = `<label for="${sid}">${esc(c.id)}</label><input id="${sid}" class="cap-slider" type="range" min="0" max="300" `
        + `step="5" value="${c.pct}"><output for="${sid}">${c.pct} %</output>`
        + `<button type="button" aria-label="Remove ${esc(c.id)}">✕</button>`;
      const slider = row.querySelector("input");
      slider.addEventListener("input", () => {
        c.pct = Number(slider.value);
        row.querySelector("output").textContent = `${c.pct} %`;
        update();
      });
      row.querySelector("button").addEventListener("click", () => { m.capacities.splice(i, 1); renderCapacities(); update(); });
      return row;
    }));
  };

  const loadBase = async () => {
    const name = $("builder-base").value;
    problems([]);
    try {
      const detail = await getJSON(`/api/scenarios/${encodeURIComponent(name)}`);
      m.base = { ...detail.spec, name };
    } catch (err) {
      m.base = { name: "", changes: [], engine: {} };
      problems([`${name}: ${err.message}`, ...(err.problems || [])]);
    }
    const n = (m.base.changes || []).length;
    $("builder-base-note").textContent = n ? `${name} has ${n} change${n === 1 ? "" : "s"} of its own.` : `${name} changes nothing.`;
    update();
  };

  $("builder-base").addEventListener("change", loadBase);
  $("builder-keep").addEventListener("change", update);
  $("builder-name").addEventListener("input", () => { nameTouched = true; update(); });
  $("builder-growth").addEventListener("input", update);
  $("builder-growth-commodity").addEventListener("change", update);
  $("builder-close-add").addEventListener("click", () => {
    const id = pick($("builder-close-search").value, close);
    if (id === null) { problems([`${$("builder-close-search").value || "(empty)"}: not a node or link of the network`]); return; }
    if (addClosure(id)) $("builder-close-search").value = "";
  });
  $("builder-cap-add").addEventListener("click", () => {
    const id = pick($("builder-cap-search").value, capacity);
    if (id === null) { problems([`${$("builder-cap-search").value || "(empty)"}: no link, transfer or facility with a capacity`]); return; }
    if (!m.capacities.some((c) => c.id === id)) m.capacities.push({ id, pct: 100 });
    $("builder-cap-search").value = "";
    problems([]);
    renderCapacities();
    update();
  });
  // "Close in the scenario builder" in a link's or node's popup on the map
  document.addEventListener("click", (ev) => {
    const b = ev.target.closest && ev.target.closest("button.builder-close");
    if (!b) return;
    if (addClosure(b.dataset.id)) {
      $("builder").open = true;
      state.map.closePopup();
      setStatus(`${b.dataset.id} closed in the scenario builder`);
    }
  });

  const validate = async () => {
    problems([]);
    $("builder-note").textContent = "Validating…";
    try {
      const v = await postJSON("/api/scenarios/validate", { yaml: $("builder-yaml").value });
      $("builder-note").textContent = `Valid: ${v.name}, ${v.changes.length} change${v.changes.length === 1 ? "" : "s"}, `
        + `engine ${v.engine.method}.`;
      $("builder-form").dataset.valid = "yes";
      return true;
    } catch (err) {
      $("builder-note").textContent = "";
      problems(err.problems && err.problems.length ? err.problems : [err.message]);
      $("builder-form").dataset.valid = "no";
      return false;
    }
  };
  $("builder-validate").addEventListener("click", validate);
  $("builder-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (await validate()) await runAndCompare(state, setStatus, { yaml: $("builder-yaml").value }, m.name);
  });

  await loadBase();
  return m;
}
