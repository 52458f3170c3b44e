// Calls of the REST API under /api/: JSON in, JSON out, errors as Error(message).

function messageOf(body, status) {
  if (body && typeof body === "object") {
    const d = body.detail ?? body.message ?? body.error;
    if (typeof d === "string") return d;
    if (d && typeof d === "object" && typeof d.message === "string") return d.message;
    if (Array.isArray(d)) return d.map((e) => (e && e.msg) || JSON.stringify(e)).join("; ");
  }
  return `the server answered ${status}`;
}

// A server bound beyond 127.0.0.1 wants "Authorization: Bearer TOKEN" on the endpoints that start jobs: open the
// dashboard as /#token=TOKEN once; the token stays in this tab's sessionStorage and leaves the address bar.
function bearerToken() {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem("corridorToken", decodeURIComponent(m[1]));
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem("corridorToken");
}
const TOKEN = bearerToken();

// body is sent as JSON, or as it is (a File, a string) when contentType names its type.
async function request(method, url, body, contentType) {
  const init = { method, headers: { Accept: "application/json" } };
  if (TOKEN) init.headers.Authorization = `Bearer ${TOKEN}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = contentType || "application/json";
    init.body = contentType ? body : JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(url, init);
  } catch (err) {
    throw new Error(`cannot reach the server (${err.message})`);
  }
  let data = null;
  const text = await resp.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!resp.ok) {
    const hint = resp.status === 401 || resp.status === 403 ? " (open the dashboard as /#token=YOUR_TOKEN)" : "";
    const err = new Error(messageOf(data, resp.status) + hint);
    err.status = resp.status;
    // the API's problems one by one: [{where, field, message}] (empty for other servers)
    const problems = data && typeof data === "object" && data.error && data.error.problems;
    err.problems = Array.isArray(problems) ? problems : [];
    throw err;
  }
  return data;
}

export const getJSON = (url) => request("GET", url);
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
export const postJSON = (url, body) => request("POST", url, body);
export const postBody = (url, body, contentType) => request("POST", url, body, contentType);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Poll GET /api/jobs/{id} until it is done (or failed), calling onProgress({status, progress}) each time;
// returns the last status ({status, progress, result_url, ...}).
export async function waitForJob(statusUrl, onProgress, intervalMs = 400) {
  for (;;) {
    const job = await getJSON(statusUrl);
    onProgress(job);
    const s = String(job.status || "").toLowerCase();
    if (["done", "finished", "succeeded", "success", "completed", "complete"].includes(s)) return job;
    if (["failed", "error", "cancelled", "canceled"].includes(s)) {
      const e = job.error;
      throw new Error((e && typeof e === "object" ? e.message : e) || job.message || `the job ${s}`);
    }
    await sleep(intervalMs);
  }
}

// The URL of a finished job's JSON result: its result_url, else {status_url}/result.
export const resultUrl = (job, statusUrl) => job.result_url || `${statusUrl.replace(/\/$/, "")}/result`;

// Start a job (POST body to url), show its progress in a <progress> bar and a stage line until it
// ends, and return the URL of its JSON result (errors of the API or of the job are thrown).
export async function runJob(url, body, bar, stage) {
  bar.removeAttribute("value");
  stage.textContent = "queued";
  const job = await postJSON(url, body);
  const statusUrl = job.status_url || `/api/jobs/${job.job}`;
  const finished = await waitForJob(statusUrl, (j) => {
    const p = j.progress || {};
    stage.textContent = `${j.status}${p.stage ? `: ${p.stage}` : ""}${p.total ? ` ${p.done || 0}/${p.total}` : ""}`;
    if (p.total) { bar.max = p.total; bar.value = Math.min(p.done || 0, p.total); } else bar.removeAttribute("value");
  });
  bar.max = 1; bar.value = 1;
  stage.textContent = "done";
  return resultUrl(finished, statusUrl);
}
