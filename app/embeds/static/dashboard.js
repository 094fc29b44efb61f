// The dashboard: every view is drawn from the public API of this server (no other origin).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;
  const params = new URLSearchParams(location.search);
  const state = {
    treaty: params.get("treaty") || "mbt",
    as_of: params.get("as_of") || "",
    country: params.get("country") || "",
  };
  const words = (kind) => (kind || "").replace(/_/g, " ");
  const dated = (url) => (state.as_of ? url + (url.includes("?") ? "&" : "?") + "as_of=" + enc(state.as_of) : url);

  async function get(url, accept) {
    const response = await fetch(url, { headers: { Accept: accept || "application/json" } });
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return accept ? response.text() : response.json();
  }
  async function every(url) {
    let rows = [];
    for (let next = url; next; ) {
      const page = await get(next);
      rows = rows.concat(page.data);
      next = page.next;
    }
    return rows;
  }
  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    return node;
  }
  function table(target, head, rows) {
    target.replaceChildren();
    const tr = el("tr");
    head.forEach((h) => tr.append(el("th", h, { scope: "col" })));
    target.append(el("thead"));
    target.tHead.append(tr);
    const body = el("tbody");
    rows.forEach((cells) => {
      const row = el("tr");
      cells.forEach((cell) => row.append(cell instanceof Node ? cell : el("td", cell)));
      body.append(row);
    });
    target.append(body);
  }
  function say(text) { $("message").textContent = text; }
  function remember() {
    const query = new URLSearchParams();
    query.set("treaty", state.treaty);
    if (state.as_of) query.set("as_of", state.as_of);
    if (state.country) query.set("country", state.country);
    history.replaceState(null, "", "?" + query.toString());
  }

  async function drawMap() {
    const text = await get(dated("/v1/treaties/" + enc(state.treaty) + "/map.svg"), "image/svg+xml");
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    $("map").replaceChildren(document.importNode(doc.documentElement, true));
    markChosen();
  }
  function markChosen() {
    $("map").querySelectorAll(".chosen").forEach((n) => n.classList.remove("chosen"));
    if (state.country) $("map").querySelectorAll('[data-iso3="' + state.country + '"]').forEach((n) => n.classList.add("chosen"));
  }
  async function drawCounts() {
    const data = await get(dated("/v1/treaties/" + enc(state.treaty) + "/counts?by=region"));
    const kinds = Object.keys(data.counts);
    const rows = data.groups.map((g) => [g.region || "(no region)", ...kinds.map((k) => el("td", g.counts[k], { class: "n" }))]);
    rows.push([el("th", "All", { scope: "row" }), ...kinds.map((k) => el("td", data.counts[k], { class: "n" }))]);
    table($("counts"), ["Region", ...kinds.map(words)], rows);
    $("counts").setAttribute("aria-label", "States by status and region on " + data.as_of);
  }
  function drawTimeline() {
    $("timeline").src = "/v1/treaties/" + enc(state.treaty) + "/timeline.svg";
  }
  async function drawCountry() {
    markChosen();
    if (!state.country) { $("statuses").replaceChildren(); $("votes").replaceChildren(); return; }
    const c = enc(state.country);
    const [statuses, votes] = await Promise.all([
      get(dated("/v1/countries/" + c + "/treaties?limit=100")),
      every("/v1/countries/" + c + "/votes?limit=1000"),
    ]);
    const titles = Object.fromEntries(statuses.sources.map((s) => [s.id, s]));
    const source = (id) => (titles[id] ? titles[id].title : id);
    table($("statuses"), ["Instrument", "Status", "Record as at", "Evidence"], statuses.data.map((d) => [
      el("th", d.treaty.short_name, { scope: "row" }),
      words(d.status.status),
      d.status.record_as_at || "",
      d.actions.map((a) => a.date + " " + words(a.action) + " (" + source(a.source) + (a.note ? ", " + a.note : "") + ")").join("; ") || "no recorded action",
    ]));
    table($("votes"), ["Date", "Resolution", "Title", "Vote", "Status then"], votes.map((v) => [
      v.resolution.date, v.resolution.symbol, v.resolution.title, words(v.vote), words(v.status),
    ]));
  }

  async function refresh(what) {
    remember();
    say("Loading…");
    try {
      await Promise.all(what.map((f) => f()));
      say("");
    } catch (error) {
      say("Could not load: " + error.message);
    }
  }
  const all = [drawMap, drawCounts, drawCountry];

  async function start() {
    const [treaties, countries] = await Promise.all([every("/v1/treaties?limit=100"), every("/v1/countries?limit=1000")]);
    treaties.forEach((t) => $("treaty").append(el("option", t.short_name, { value: t.slug })));
    countries.filter((c) => !c.historical).forEach((c) => $("country").append(el("option", c.name, { value: c.iso3 })));
    $("treaty").value = state.treaty;
    $("as_of").value = state.as_of;
    $("country").value = state.country;
    $("treaty").addEventListener("change", () => { state.treaty = $("treaty").value; drawTimeline(); refresh([drawMap, drawCounts]); });
    $("as_of").addEventListener("change", () => { state.as_of = $("as_of").value; refresh(all); });
    $("controls").addEventListener("submit", (event) => {
      event.preventDefault();
      state.treaty = $("treaty").value;
      state.as_of = $("as_of").value;
      drawTimeline();
      refresh(all);
    });
    $("country").addEventListener("change", () => { state.country = $("country").value; refresh([drawCountry]); });
    $("map").addEventListener("click", (event) => {
      const shape = event.target.closest("[data-iso3]");
      if (!shape) return;
      state.country = shape.getAttribute("data-iso3");
      $("country").value = state.country;
      refresh([drawCountry]);
      $("country-heading").scrollIntoView({ behavior: "smooth" });
    });
    drawTimeline();
    await refresh(all);
  }
  start().catch((error) => say("Could not start: " + error.message));
})();
