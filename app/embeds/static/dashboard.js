// The dashboard: every view is drawn from the public API of this server (no other origin).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;
  const params = new URLSearchParams(location.search);
  const state = {
    treaty: params.get("treaty") || "mbt",
    as_of: params.get("as_of") || "", // the date asked for ("": today, as the API counts it)
    shown: "", // the date the API answered for: every view is drawn for it
    country: params.get("country") || "",
  };
  const names = {}; // treaty slug -> short name
  // How a kind of source is named in the evidence, instead of its full title.
  const SOURCE_KINDS = { untc_status_page: "UN Treaty Collection" };
  const words = (kind) => (kind || "").replace(/_/g, " ");
  const on = (url) => {
    const day = state.shown || state.as_of;
    return day ? url + (url.includes("?") ? "&" : "?") + "as_of=" + enc(day) : url;
  };

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
      cells.forEach((cell, i) => {
        const node = cell instanceof Node ? cell : el("td", cell);
        if (node.tagName === "TD") node.setAttribute("data-label", head[i]);
        row.append(node);
      });
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

  // The treaty on the date: the counts first (their `as_of` is the date shown), then the map.
  async function drawTreaty() {
    const asked = state.as_of ? "&as_of=" + enc(state.as_of) : "";
    const data = await get("/v1/treaties/" + enc(state.treaty) + "/counts?by=region" + asked);
    state.shown = data.as_of;
    $("as_of").value = data.as_of;
    drawAsAt(data);
    drawCounts(data);
    await drawMap(data);
  }
  function drawAsAt(data) {
    const line = $("as-at");
    line.replaceChildren("Data as at ", el("time", data.record_as_at || "unknown", { datetime: data.record_as_at || "" }));
    line.append(" (the latest date of this treaty's record).");
    if (data.beyond_record) {
      line.append(" Statuses on " + data.as_of + " are as known on " + data.as_known_on + ": later actions may be missing.");
    }
  }
  function drawCounts(data) {
    const kinds = Object.keys(data.counts);
    const rows = data.groups.map((g) => [el("th", g.region, { scope: "row" }), ...kinds.map((k) => el("td", g.counts[k], { class: "n" }))]);
    rows.push([el("th", "All", { scope: "row" }), ...kinds.map((k) => el("td", data.counts[k], { class: "n" }))]);
    table($("counts"), ["Region", ...kinds.map(words)], rows);
    $("counts").setAttribute("aria-label", "States by status and region on " + data.as_of);
  }
  // The SVG map without its own title, legend and source, which are drawn as HTML beside it.
  async function drawMap(data) {
    const text = await get(on("/v1/treaties/" + enc(state.treaty) + "/map.svg"), "image/svg+xml");
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const svg = document.importNode(doc.documentElement, true);
    const title = svg.querySelector("title");
    $("map-title").textContent = title ? title.textContent : "";
    const source = svg.querySelector(".source");
    $("map-source").textContent = source ? Array.from(source.children, (t) => t.textContent).join(" ") : "";
    drawLegend(svg, data.counts);
    svg.querySelectorAll(".heading, .legend, .source").forEach((n) => n.remove());
    svg.removeAttribute("role");
    svg.removeAttribute("aria-labelledby");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-labelledby", "map-title");
    svg.querySelectorAll("[data-iso3]").forEach((shape) => {
      const name = shape.querySelector("title");
      shape.setAttribute("tabindex", "0");
      shape.setAttribute("role", "button");
      if (name) shape.setAttribute("aria-label", name.textContent);
    });
    $("map").replaceChildren(svg);
    const boxes = Array.from(svg.querySelectorAll(".countries, .markers"), (g) => g.getBBox()).filter((b) => b.width > 0);
    if (boxes.length) {
      const left = Math.min(...boxes.map((b) => b.x)), top = Math.min(...boxes.map((b) => b.y));
      const right = Math.max(...boxes.map((b) => b.x + b.width)), bottom = Math.max(...boxes.map((b) => b.y + b.height));
      svg.setAttribute("viewBox", [left, top, right - left, bottom - top].map((n) => n.toFixed(1)).join(" "));
      svg.setAttribute("width", (right - left).toFixed(0));
      svg.setAttribute("height", (bottom - top).toFixed(0));
    }
    markChosen();
  }
  // One entry per status, in the map's order, with the map's colour and the count.
  function drawLegend(svg, counts) {
    const fills = {};
    svg.querySelectorAll(".legend [data-status]").forEach((g) => {
      const swatch = g.querySelector("rect");
      if (swatch) fills[g.getAttribute("data-status")] = swatch.getAttribute("fill");
    });
    const order = [...Object.keys(fills), ...Object.keys(counts).filter((k) => !(k in fills))];
    $("legend").replaceChildren(...order.filter((k) => k in counts).map((k) => {
      const item = el("li", null, { "data-status": k });
      const swatch = el("span", null, { class: "swatch", "aria-hidden": "true" });
      const fill = fills[k] || (svg.querySelector('[data-status="' + k + '"][fill]') || { getAttribute: () => "" }).getAttribute("fill");
      swatch.style.backgroundColor = fill;
      item.append(swatch, el("span", words(k) + ": " + counts[k]));
      return item;
    }));
  }
  function markChosen() {
    $("map").querySelectorAll(".chosen").forEach((n) => n.classList.remove("chosen"));
    if (state.country) $("map").querySelectorAll('[data-iso3="' + state.country + '"]').forEach((n) => n.classList.add("chosen"));
  }
  // The chart drawn at the width of its box (320 px at least), so its text is never scaled down.
  function drawTimeline() {
    const width = Math.max(320, Math.min(2000, Math.floor($("timeline").parentElement.clientWidth)));
    $("timeline").width = width;
    $("timeline").src = "/v1/treaties/" + enc(state.treaty) + "/timeline.svg?width=" + width;
    $("timeline").alt = (names[state.treaty] || state.treaty) + ": states parties and signatories per year";
  }
  function sourceName(s) {
    const at = s.status_as_at || s.last_updated;
    return (SOURCE_KINDS[s.kind] || s.title) + (at ? ", as at " + at : "");
  }
  function actionList(actions) {
    const list = el("ul");
    actions.forEach((a) => list.append(el("li", a.date + " " + words(a.action) + (a.note ? " (" + a.note + ")" : ""))));
    return list;
  }
  // Evidence as known on the date: `actions` up to it, `later_actions` apart, sources by short name.
  function evidence(d, sources) {
    const cell = el("td");
    cell.append(d.actions.length ? actionList(d.actions) : el("p", "No recorded action on or before " + d.status.as_of + "."));
    if (d.later_actions.length) {
      const later = el("p", "After " + d.status.as_of + ":", { class: "later" });
      later.append(actionList(d.later_actions));
      cell.append(later);
    }
    const used = [...new Set([...d.actions, ...d.later_actions].map((a) => a.source))];
    if (used.length) {
      const line = el("p", "Source: ", { class: "source" });
      used.forEach((id, i) => {
        const s = sources[id];
        if (i) line.append("; ");
        line.append(s && s.url ? el("a", sourceName(s), { href: s.url }) : (s ? sourceName(s) : id));
      });
      cell.append(line);
    }
    return cell;
  }
  async function drawCountry() {
    markChosen();
    if (!state.country) { $("statuses").replaceChildren(); $("votes").replaceChildren(); return; }
    const c = enc(state.country);
    const [statuses, votes] = await Promise.all([
      get(on("/v1/countries/" + c + "/treaties?limit=100")),
      every("/v1/countries/" + c + "/votes?limit=1000"),
    ]);
    const sources = Object.fromEntries(statuses.sources.map((s) => [s.id, s]));
    table($("statuses"), ["Instrument", "Status on " + state.shown, "Record as at", "Evidence"], statuses.data.map((d) => {
      const asAt = el("td", d.status.record_as_at || "");
      if (d.status.beyond_record) asAt.append(el("p", "later actions may be missing", { class: "note" }));
      return [el("th", d.treaty.short_name, { scope: "row" }), words(d.status.status), asAt, evidence(d, sources)];
    }));
    table($("votes"), ["Date", "Resolution", "Title", "Vote", "Status then"], votes.map((v) => [
      v.resolution.date, v.resolution.symbol, v.resolution.title, words(v.vote), words(v.status),
    ]));
  }
  async function drawAll() {
    await drawTreaty();
    await drawCountry();
  }

  async function refresh(draw) {
    remember();
    say("Loading…");
    try {
      await draw();
      say("");
    } catch (error) {
      say("Could not load: " + error.message);
    }
  }
  function choose(iso3) {
    state.country = iso3;
    $("country").value = iso3;
    refresh(drawCountry);
  }

  async function start() {
    const [treaties, countries] = await Promise.all([every("/v1/treaties?limit=100"), every("/v1/countries?limit=1000")]);
    treaties.forEach((t) => {
      names[t.slug] = t.short_name;
      $("treaty").append(el("option", t.short_name, { value: t.slug }));
    });
    countries.filter((c) => !c.historical).forEach((c) => $("country").append(el("option", c.name, { value: c.iso3 })));
    $("treaty").value = state.treaty;
    if (state.as_of) $("as_of").value = state.as_of;
    $("country").value = state.country;
    $("treaty").addEventListener("change", () => { state.treaty = $("treaty").value; drawTimeline(); refresh(drawTreaty); });
    $("as_of").addEventListener("change", () => { state.as_of = $("as_of").value; refresh(drawAll); });
    $("controls").addEventListener("submit", (event) => {
      event.preventDefault();
      state.treaty = $("treaty").value;
      state.as_of = $("as_of").value;
      drawTimeline();
      refresh(drawAll);
    });
    $("country").addEventListener("change", () => { state.country = $("country").value; refresh(drawCountry); });
    $("map").addEventListener("click", (event) => {
      const shape = event.target.closest("[data-iso3]");
      if (!shape) return;
      choose(shape.getAttribute("data-iso3"));
      $("country-heading").scrollIntoView({ behavior: "smooth" });
    });
    $("map").addEventListener("keydown", (event) => {
      const shape = event.target.closest("[data-iso3]");
      if (!shape || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      choose(shape.getAttribute("data-iso3"));
    });
    let resized = 0;
    addEventListener("resize", () => { clearTimeout(resized); resized = setTimeout(drawTimeline, 250); });
    drawTimeline();
    await refresh(drawAll);
  }
  start().catch((error) => say("Could not start: " + error.message));
})();
