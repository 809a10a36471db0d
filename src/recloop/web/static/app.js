// recloop playground. No model logic and no chart code here: controls come from the parameter
// declarations (/api/meta), figures are the plotly specs the library builds (/api/run, /api/compare),
// drawn with Plotly.react. The whole state lives in the URL hash so a view can be shared.
"use strict";

const R = (window.recloop = { draws: 0, timings: [], errors: 0, ready: false });
let META = null;
let uploadedValues = null; // slider positions of an uploaded scenario
const state = {
  preset: "baseline", scenario: null, set: {}, policy: "none", levers: {},
  samples: 2000, years: 30, seed: 0, tab: "run", compare: [],
};
const RUN_FIGURES = ["capability", "milestones", "actors", "actor_halts", "detection", "halts", "data", "fidelity", "takeoff"];
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// ------------------------------------------------------------------ numbers and sliders

const STEPS = 1000;
function fmt(v) {
  if (typeof v === "boolean") return v ? "on" : "off";
  if (typeof v === "string") return v;  // a choice lever (e.g. a reporting threshold preset)
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}
function toPos(spec, v) {
  const [lo, hi] = spec.bounds;
  const x = spec.log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
  return Math.round(Math.min(1, Math.max(0, x)) * STEPS);
}
function fromPos(spec, pos) {
  const [lo, hi] = spec.bounds;
  const x = pos / STEPS;
  let v = spec.log ? 10 ** (Math.log10(lo) + x * (Math.log10(hi) - Math.log10(lo))) : lo + x * (hi - lo);
  v = Number(v.toPrecision(4));
  return Math.min(hi, Math.max(lo, v));
}
function distLabel(d) {
  if (!d) return "point value";
  if (d.dist === "uniform") return `uniform ${fmt(d.low)}–${fmt(d.high)}`;
  if (d.dist === "loguniform") return `log-uniform ${fmt(d.low)}–${fmt(d.high)}`;
  if (d.dist === "normal") return `normal ${fmt(d.mean)} ± ${fmt(d.sd)}`;
  if (d.dist === "lognormal") return `lognormal, 90% in ${fmt(d.p5)}–${fmt(d.p95)}`;
  return d.dist;
}
function tooltip(s) {
  const b = s.bounds ? `; bounds ${fmt(s.bounds[0])} to ${fmt(s.bounds[1])}${s.log ? " (log scale)" : ""}` : "";
  return `${s.path}\n${s.doc}\nunit: ${s.unit}${b}; declared default ${fmt(s.default)}\nsource: ${s.source}`;
}
const pretty = (path) => path.split(".").pop().replace(/_/g, " ");
const slug = (path) => path.replace(/\./g, "-");

// ------------------------------------------------------------------ URL state

function b64(s) {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function unb64(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}
function encodeState() {
  const p = new URLSearchParams();
  if (state.scenario) p.set("scenario", b64(JSON.stringify(state.scenario)));
  else p.set("preset", state.preset);
  p.set("policy", state.policy);
  p.set("samples", state.samples);
  p.set("years", state.years);
  p.set("seed", state.seed);
  if (state.tab !== "run") p.set("tab", state.tab);
  if (state.compare.length) p.set("compare", state.compare.join(","));
  for (const [k, v] of Object.entries(state.set)) p.set("set." + k, v);
  for (const [k, v] of Object.entries(state.levers)) p.set("lever." + k, v);
  return p.toString();
}
function decodeState(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  if (p.has("scenario")) {
    try { state.scenario = JSON.parse(unb64(p.get("scenario"))); } catch (e) { showProblems("Link", ["scenario: the link's scenario could not be read"]); }
  }
  if (p.has("preset")) state.preset = p.get("preset");
  if (p.has("policy")) state.policy = p.get("policy");
  for (const k of ["samples", "years", "seed"]) if (p.has(k)) state[k] = Number(p.get(k));
  if (p.has("tab")) state.tab = p.get("tab") === "compare" ? "compare" : "run";
  if (p.has("compare")) state.compare = p.get("compare").split(",").filter(Boolean);
  for (const [k, v] of p.entries()) {
    if (k.startsWith("set.")) state.set[k.slice(4)] = Number(v);
    if (k.startsWith("lever.")) state.levers[k.slice(6)] = v === "true" ? true : v === "false" ? false : Number(v);
  }
}
function writeHash() { history.replaceState(null, "", "#" + encodeState()); }

// ------------------------------------------------------------------ controls

function groupsOf(specs) {
  const groups = new Map();
  for (const s of specs) {
    if (!groups.has(s.group)) groups.set(s.group, []);
    groups.get(s.group).push(s);
  }
  return groups;
}

function makeControl(spec, kind) {
  const id = `${kind}-${slug(spec.path)}`;
  const row = el("div", { class: "param", "data-path": spec.path, "data-kind": kind, title: tooltip(spec) });
  // an unsourced assumption (its declared source starts with "assumption") says so beside its name
  const assumed = /^\s*assumption/i.test(spec.source || "") || !(spec.source || "").trim();
  const name = el("label", { class: "name", for: id }, pretty(spec.path) + " ", el("span", { class: "unit", text: spec.unit }),
    assumed ? el("span", { class: "assumed", title: "unsourced assumption: " + spec.source, text: "assumption" }) : null);
  const out = el("output", { for: id });
  const reset = el("button", { class: "reset", type: "button", title: "back to the preset's value", "aria-label": "reset " + spec.path, text: "↺" });
  let input;
  if (typeof spec.default === "boolean") {
    input = el("input", { type: "checkbox", id });
    input.addEventListener("change", () => { setValue(kind, spec.path, input.checked); });
  } else if (spec.bounds) {
    input = el("input", { type: "range", id, min: 0, max: STEPS, step: 1 });
    input.addEventListener("input", () => { setValue(kind, spec.path, fromPos(spec, Number(input.value))); });
  } else {
    return null; // a parameter without bounds or a yes/no value has no slider
  }
  reset.addEventListener("click", () => {
    delete (kind === "u" ? state.set : state.levers)[spec.path];
    refreshControls();
    changed();
  });
  row.append(name, out, reset, input, el("div", { class: "note" }));
  row._spec = spec;
  row._input = input;
  return row;
}

function buildControls(container, specs, kind) {
  container.replaceChildren();
  for (const [group, list] of groupsOf(specs)) {
    const key = list.filter((s) => s.key);
    const rest = list.filter((s) => !s.key);
    const box = el("details", { class: "group", open: key.length > 0 }, el("summary", { text: `${group} (${list.length})` }));
    for (const s of key) { const c = makeControl(s, kind); if (c) box.append(c); }
    if (rest.length) {
      const more = key.length ? el("details", { class: "more" }, el("summary", { text: `${rest.length} more` })) : box;
      for (const s of rest) { const c = makeControl(s, kind); if (c) more.append(c); }
      if (more !== box) box.append(more);
    }
    container.append(box);
  }
}

function baseScenarioValues() {
  if (state.scenario && uploadedValues) return uploadedValues;
  return (META.scenarios[state.preset] || META.scenarios.baseline).values;
}

function refreshControls() {
  const sv = baseScenarioValues();
  const lv = (META.policies[state.policy] || META.policies.none).values;
  for (const row of document.querySelectorAll(".param")) {
    const spec = row._spec, path = spec.path, input = row._input;
    let value, pinned, note;
    if (row.dataset.kind === "u") {
      const base = sv[path] || { value: spec.default, dist: null };
      pinned = path in state.set;
      value = pinned ? state.set[path] : base.value;
      note = pinned ? `pinned; the world has ${distLabel(base.dist)}` : base.dist ? `${distLabel(base.dist)} (median shown)` : "point value";
    } else {
      pinned = path in state.levers;
      value = pinned ? state.levers[path] : lv[path];
      note = pinned ? `set here; the policy has ${fmt(lv[path])}` : "";
    }
    if (input.type === "checkbox") input.checked = !!value;
    else input.value = toPos(spec, value);
    row.querySelector("output").textContent = fmt(value);
    row.querySelector(".note").textContent = note;
    row.classList.toggle("pinned", pinned);
  }
  const trips = (META.policies[state.policy] || {}).tripwires || [];
  $("tripwires").replaceChildren(trips.length
    ? el("div", {}, `Tripwires of ${state.policy}:`, el("ul", {}, ...trips.map((t) => el("li", { text: t }))))
    : el("div", { text: `${state.policy}: no tripwires.` }));
}

function setValue(kind, path, value) {
  (kind === "u" ? state.set : state.levers)[path] = value;
  const row = document.querySelector(`.param[data-kind="${kind}"][data-path="${path}"]`);
  if (row) {
    row.querySelector("output").textContent = fmt(value);
    row.classList.add("pinned");
  }
  changed();
}

function fillSelects() {
  const preset = $("preset");
  preset.replaceChildren(...Object.entries(META.scenarios).map(([n, s]) => el("option", { value: n, title: s.description, text: n })));
  if (state.scenario) preset.append(el("option", { value: "__upload", text: `uploaded: ${state.scenario.name || "custom"}` }));
  preset.value = state.scenario ? "__upload" : state.preset;
  const pol = $("policy");
  pol.replaceChildren(...Object.entries(META.policies).map(([n, p]) => el("option", { value: n, title: p.description, text: n })));
  pol.value = state.policy;
  $("samples").value = state.samples;
  $("samples").max = META.limits.max_samples;
  $("years").value = state.years;
  $("years").max = META.limits.max_years;
  $("seed").value = state.seed;
  const pick = $("compare-pick");
  pick.replaceChildren(el("span", { text: "Compare the current policy with:" }),
    ...Object.keys(META.policies).map((n) => {
      const box = el("input", { type: "checkbox", value: n, id: "cmp-" + n });
      box.checked = state.compare.includes(n);
      box.addEventListener("change", () => {
        state.compare = [...pick.querySelectorAll("input:checked")].map((b) => b.value);
        changed();
      });
      return el("label", { for: "cmp-" + n }, box, " " + n);
    }));
}

// ------------------------------------------------------------------ problems and status

function showProblems(title, problems) {
  const box = $("problems");
  box.replaceChildren(el("strong", { text: title }), el("ul", {}, ...problems.map((p) => el("li", { text: p }))));
  box.hidden = false;
  R.errors += 1;
}
function clearProblems() { $("problems").hidden = true; }
function setStatus(text, busy = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("busy", busy);
}

// ------------------------------------------------------------------ running and drawing

let inflight = false, pending = false, firstUnserved = null;

function requestBody() {
  const body = { policy: state.policy, levers: state.levers, set: state.set,
    samples: state.samples, years: state.years, seed: state.seed };
  if (state.scenario) body.scenario = state.scenario; else body.preset = state.preset;
  if (state.tab === "compare") {
    // the API compares at most 4 policies at once; with nothing picked, compare the reference
    // policy with the simplest halt (none vs tripwire-pause) when both are bundled
    const names = Object.keys(META.policies);
    const fallback = ["none", "tripwire-pause"].every((n) => names.includes(n)) ? ["none", "tripwire-pause"] : names.slice(0, 2);
    body.compare = (state.compare.length ? state.compare : fallback).slice(0, 4);
  }
  return body;
}

function changed() {
  if (firstUnserved === null) firstUnserved = performance.now();
  writeHash();
  schedule();
}
function schedule() {
  if (inflight) { pending = true; return; }
  go();
}

async function post(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  let data = null;
  try { data = await res.json(); } catch (e) { data = { problems: [`server: answered ${res.status} ${res.statusText}`] }; }
  return { ok: res.ok, status: res.status, data };
}

function figureDiv(container, key) {
  let div = $("fig-" + key);
  if (!div) {
    div = el("div", { class: "fig-plot", id: "fig-" + key });
    container.append(el("figure", { class: "fig", "data-key": key }, div, el("figcaption", { class: "cap" })));
  }
  return div;
}

async function drawFigures(container, figs, order, captions = {}) {
  const config = { responsive: true, displaylogo: false };
  // a figure the new run does not have (the actor charts after switching to a one-developer world) goes
  for (const box of [...container.querySelectorAll("figure.fig")]) {
    if (!figs[box.dataset.key]) { Plotly.purge(box.querySelector(".fig-plot")); box.remove(); }
  }
  const keys = order.filter((k) => figs[k]);
  for (const k of keys) {
    const div = figureDiv(container, k);
    div.parentElement.querySelector("figcaption").textContent = captions[k] || "";
    container.append(div.parentElement); // keep the order of `order`
  }
  await Promise.all(keys.map((k) => Plotly.react($("fig-" + k), figs[k].data, figs[k].layout, config)));
}

async function go() {
  inflight = true;
  const served = firstUnserved;
  firstUnserved = null;
  const tab = state.tab;
  setStatus("running…", true);
  try {
    const { ok, data } = await post(tab === "compare" ? "/api/compare" : "/api/run", requestBody());
    if (!ok) {
      showProblems("The request was refused:", data.problems || ["unknown error"]);
      setStatus("not run", false);
    } else {
      clearProblems();
      if (tab === "compare") {
        await drawFigures($("compare-figures"), data.figures, Object.keys(data.figures));
        const cols = data.table_columns || [];
        $("compare-table").replaceChildren(el("table", {},
          el("thead", {}, el("tr", {}, ...cols.map(([, h]) => el("th", { text: h })))),
          el("tbody", {}, ...(data.table_cells || []).map((row) =>
            el("tr", {}, ...cols.map(([k]) => el("td", { text: row[k] })))))),
          el("p", { class: "cap", text: data.table_note || "" }));
        $("compare-headlines").replaceChildren(...data.policies.map((p) => el("div", {}, el("h3", { text: p }),
          el("ul", {}, ...data.headlines[p].slice(1, 5).map((t) => el("li", { text: t }))))));
      } else {
        // the report's order first; any figure the library adds later is drawn too
        const order = [...RUN_FIGURES, ...Object.keys(data.figures).filter((k) => !RUN_FIGURES.includes(k))];
        await drawFigures($("run-figures"), data.figures, order, data.captions || {});
        $("headline").replaceChildren(...data.headline.map((t) => el("li", { text: t })));
        $("drivers").replaceChildren(...(data.drivers || []).map((t) => el("li", { text: t })));
        $("inputs").textContent = data.inputs || "";
      }
      R.draws += 1;
      document.body.dataset.draws = String(R.draws);
      const now = performance.now();
      const rq = data.request;
      let text = `${rq.samples.toLocaleString()} worlds × ${rq.years} years, ${rq.scenario}` +
        (tab === "run" ? ` / ${rq.policy}` : "") + `: server ${fmt(data.timing.total_s)} s`;
      if (served !== null) {
        const ms = now - served;
        R.timings.push({ ms, samples: rq.samples, tab, server_s: data.timing.total_s });
        text += `; redrawn ${fmt(ms / 1000)} s after the change`;
      }
      setStatus(text, false);
    }
  } catch (e) {
    showProblems("The server could not be reached:", [String(e)]);
    setStatus("offline", false);
  }
  inflight = false;
  if (pending) { pending = false; go(); }
}

function selectTab(tab) {
  state.tab = tab;
  $("tab-run").setAttribute("aria-selected", String(tab === "run"));
  $("tab-compare").setAttribute("aria-selected", String(tab === "compare"));
  $("run-view").hidden = tab !== "run";
  $("compare-view").hidden = tab !== "compare";
}

// ------------------------------------------------------------------ files

async function upload(file) {
  const text = await file.text();
  const { ok, data } = await post("/api/scenario/parse", { toml: text, filename: file.name });
  if (!ok) {
    showProblems(`${file.name} was not loaded:`, data.problems || ["unknown error"]);
    return;
  }
  clearProblems();
  state.scenario = data.scenario;
  uploadedValues = data.values;
  state.set = {};
  fillSelects();
  refreshControls();
  changed();
}

async function download() {
  const body = requestBody();
  delete body.compare;
  const res = await fetch("/api/scenario/toml", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    showProblems("The scenario could not be written:", data.problems || [res.statusText]);
    return;
  }
  const name = (res.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
  const a = el("a", { href: URL.createObjectURL(await res.blob()), download: name ? name[1] : "scenario.toml" });
  document.body.append(a);
  a.click();
  a.remove();
}

// ------------------------------------------------------------------ start

async function start() {
  const res = await fetch("/api/meta");
  META = await res.json();
  decodeState(location.hash);
  if (!(state.policy in META.policies)) state.policy = "none";
  if (!(state.preset in META.scenarios)) state.preset = "baseline";
  if (state.scenario) {
    const { ok, data } = await post("/api/scenario/parse", { scenario: state.scenario });
    if (ok) uploadedValues = data.values;
    else { showProblems("The link's scenario is not valid:", data.problems || []); state.scenario = null; }
  }
  buildControls($("uncertainties"), META.uncertainties, "u");
  buildControls($("levers"), META.levers, "l");
  fillSelects();
  refreshControls();
  selectTab(state.tab);

  $("preset").addEventListener("change", (e) => {
    if (e.target.value === "__upload") return;
    state.preset = e.target.value; state.scenario = null; uploadedValues = null; state.set = {};
    fillSelects(); refreshControls(); changed();
  });
  $("policy").addEventListener("change", (e) => {
    state.policy = e.target.value; state.levers = {};
    refreshControls(); changed();
  });
  for (const k of ["samples", "years", "seed"]) {
    $(k).addEventListener("change", (e) => { state[k] = Number(e.target.value); changed(); });
  }
  $("tab-run").addEventListener("click", () => { selectTab("run"); changed(); });
  $("tab-compare").addEventListener("click", () => { selectTab("compare"); changed(); });
  $("upload").addEventListener("change", (e) => { if (e.target.files[0]) upload(e.target.files[0]); e.target.value = ""; });
  $("download").addEventListener("click", download);
  $("share").addEventListener("click", async () => {
    writeHash();
    try { await navigator.clipboard.writeText(location.href); setStatus("link copied"); } catch (e) { setStatus("copy the address bar to share"); }
  });
  window.addEventListener("hashchange", () => { /* a pasted link: reload the state */ if (location.hash.slice(1) !== encodeState()) location.reload(); });
  writeHash();
  R.ready = true;
  schedule();
}

start().catch((e) => showProblems("The playground could not start:", [String(e)]));
