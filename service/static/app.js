/* Praxis web page: views over the HTTP API.
 * Hash routes (each reproduces its answer on reload, so every answer has a link):
 *   #/mentee?needs=..&city=..&population=..&country=..&geonameid=..   a recommendation
 *   #/search?q=..&lang=..                                               a search
 *   #/cohort?cohort=<JSON>                                              a cohort's pairing
 *   #/coverage, #/documents, #/document/ID?page=N, #/city/NAME, #/practice/ID
 * Every piece of text from the library or the user is put in the page with textContent (never
 * innerHTML) and never translated: only the interface's own words come from the catalogue (i18n.js). */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  // -- tiny DOM builder: strings become text nodes, so nothing is ever parsed as HTML ------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    append(el, children);
    return el;
  }
  function append(el, children) {
    for (const child of [children].flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  // Text a user or a document wrote: kept as is, and marked so browser translators leave it alone.
  const own = (tag, text, lang, cls) => h(tag, { class: cls || null, lang: lang || null, translate: "no" }, text);

  // =============================================================================================
  // the interface's language
  // =============================================================================================
  const I18N = window.PRAXIS_I18N;
  const LANG_KEY = "praxis.lang";
  function pickLanguage() {
    let stored = null;
    try { stored = localStorage.getItem(LANG_KEY); } catch (e) { /* private mode */ }
    if (stored && I18N.messages[stored]) return stored;
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const code = String(tag).toLowerCase().split("-")[0];
      if (I18N.messages[code]) return code;
    }
    return "en";
  }
  let ui = pickLanguage();
  let plural = new Intl.PluralRules(ui);
  let languageNames = null;

  function t(key, vars) {
    let message = (I18N.messages[ui] || {})[key];
    if (message === undefined) message = I18N.messages.en[key];
    if (message === undefined) return key;
    if (typeof message === "object") {
      const n = vars && typeof vars.n === "number" ? vars.n : 0;
      message = message[plural.select(n)] || message.other;
    }
    return message.replace(/\{(\w+)\}/g, (all, name) => (vars && name in vars ? String(vars[name]) : all));
  }
  const num = (n) => Number(n).toLocaleString(ui);

  function setLanguage(code) {
    ui = I18N.messages[code] ? code : "en";
    plural = new Intl.PluralRules(ui);
    try { languageNames = new Intl.DisplayNames([ui], { type: "language" }); } catch (e) { languageNames = null; }
    document.documentElement.lang = ui;
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
    for (const el of document.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
    $("ui-lang").value = ui;
  }
  function languageSwitch() {
    const select = $("ui-lang");
    for (const [code, name] of Object.entries(I18N.names)) select.append(h("option", { value: code, lang: code }, name));
    select.addEventListener("change", () => {
      try { localStorage.setItem(LANG_KEY, select.value); } catch (e) { /* not kept */ }
      setLanguage(select.value);
      rerender();
    });
  }

  // -- links: built from numbers and encoded names only ------------------------------------------
  const idOf = (value) => String(parseInt(value, 10));
  const pdfHref = (documentId, page) =>
    `/documents/${idOf(documentId)}/file` + (page ? `#page=${idOf(page)}` : "");
  const docHref = (documentId, page) =>
    `#/document/${idOf(documentId)}` + (page ? `?page=${idOf(page)}` : "");
  const cityHref = (name) => `#/city/${encodeURIComponent(name)}`;
  const practiceHref = (id) => `#/practice/${idOf(id)}`;
  const pageLabel = (from, to) => (to && to !== from ? t("pages", { from, to }) : t("page", { page: from }));
  const pageLink = (documentId, page, label) =>
    h("a", { href: pdfHref(documentId, page), target: "_blank", rel: "noopener", class: "page-link",
             "aria-label": `${label || t("open_pdf")} — ${t("open_pdf_at", { page })}` }, t("page", { page }));

  const languageName = (code) => {
    if (!code) return t("unknown_language");
    try { return (languageNames && languageNames.of(code)) || code; } catch (e) { return code; }
  };
  const topicLabel = (slug) => String(slug).replace(/-/g, " ");

  // -- API ----------------------------------------------------------------------------------------
  async function api(path, options) {
    let response;
    try {
      response = await fetch(path, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
    } catch (e) {
      throw new Error(t("error.unreachable"));
    }
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) {
      const detail = body && (body.message || (typeof body.detail === "string" ? body.detail : null));
      const error = new Error(detail || t("error.status", { status: response.status }));
      error.status = response.status;
      throw error;
    }
    return body;
  }
  const postJSON = (path, body) => api(path, {
    method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json", Accept: "application/json" },
  });
  function setStatus(el, text, kind) {
    el.textContent = text || "";
    el.className = "status" + (kind ? " " + kind : "");
  }

  // -- shared bits of cards -------------------------------------------------------------------------
  const chips = (items, cls) =>
    items && items.length ? h("ul", { class: "chips " + (cls || ""), "aria-label": t("topics") },
      items.map((item) => h("li", {}, topicLabel(item)))) : null;
  const quote = (text, lang) => h("blockquote", { class: "quote", lang: lang || null, translate: "no" }, text);
  // A calibrated strength ("strong", "partial", "weak") with its number; older answers have only a score.
  function strength(item) {
    const value = Number(item.score);
    const word = item.strength ? t("strength." + item.strength) : null;
    const text = word ? `${word} · ${value.toFixed(2)}` : value.toFixed(2);
    return h("span", { class: "score strength" + (item.strength ? " strength-" + item.strength.replace(/[^a-z]/g, "") : ""),
                       title: t("strength.label", { strength: word || "", score: value.toFixed(2) }) }, text);
  }
  function section(title, key, content) {
    return h("section", { class: "part", "aria-labelledby": `h-${key}` },
      h("h2", { id: `h-${key}` }, title), h("div", { id: `section-${key}` }, content));
  }
  let disclosures = 0;
  // A part shown or hidden by a button (all of it is printed); `words` names the button's two texts.
  function disclosure(label, body, open, words) {
    const [show, hide] = words || ["show_evidence", "hide_evidence"];
    const id = `disclosure-${++disclosures}`;
    const box = h("div", { class: "disclosure" + (open ? " open" : "") });
    const button = h("button", { type: "button", class: "link-button", "aria-expanded": open ? "true" : "false",
                                 "aria-controls": id }, open ? t(hide) : t(show));
    button.addEventListener("click", () => {
      const now = !box.classList.contains("open");
      box.classList.toggle("open", now);
      button.setAttribute("aria-expanded", String(now));
      button.textContent = now ? t(hide) : t(show);
    });
    append(box, [h("p", { class: "disclosure-head" }, h("span", { class: "label" }, label), " ", button),
                 h("div", { id, class: "disclosure-body" }, body)]);
    return box;
  }

  // =============================================================================================
  // keep and share: permalink, CSV and JSON built from the API's answer, print
  // =============================================================================================
  const EXPORT_COLUMNS = ["kind", "mentee", "city", "country", "need", "practice", "document", "source", "page",
                          "passage", "strength", "score"];
  const csvCell = (value) => {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  function toCSV(rows) {
    const lines = [EXPORT_COLUMNS.join(",")].concat(rows.map((r) => EXPORT_COLUMNS.map((c) => csvCell(r[c])).join(",")));
    return "\ufeff" + lines.join("\r\n") + "\r\n";  // the BOM makes spreadsheets read UTF-8 (Greek, Polish...)
  }
  function download(name, type, text) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h("a", { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  const fileStem = (kind, label) => {
    const slug = String(label || "").normalize("NFKD").replace(/[^\w-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
    return `praxis-${kind}${slug ? "-" + slug : ""}`;
  };

  /** The bar under an answer: its link, CSV, JSON, print. `exported()` -> {kind, label, request, answer, rows}. */
  function shareBar(key, exported) {
    const link = location.href;
    const field = h("input", { id: `${key}-permalink`, class: "permalink", type: "url", readonly: true, value: link,
                               "aria-label": t("share.link") });
    const note = h("span", { class: "share-note", role: "status" });
    const copy = h("button", { type: "button", class: "secondary", id: `${key}-copy` }, t("share.copy"));
    copy.addEventListener("click", async () => {
      field.select();
      try { await navigator.clipboard.writeText(field.value); } catch (e) { document.execCommand && document.execCommand("copy"); }
      note.textContent = t("share.copied");
    });
    const csv = h("button", { type: "button", class: "secondary", id: `${key}-csv` }, t("share.csv"));
    csv.addEventListener("click", () => {
      const data = exported();
      download(fileStem(data.kind, data.label) + ".csv", "text/csv;charset=utf-8", toCSV(data.rows));
    });
    const json = h("button", { type: "button", class: "secondary", id: `${key}-json` }, t("share.json"));
    json.addEventListener("click", () => {
      const data = exported();
      const body = { kind: data.kind, link: location.href, request: data.request, evidence: data.rows, answer: data.answer };
      download(fileStem(data.kind, data.label) + ".json", "application/json", JSON.stringify(body, null, 2) + "\n");
    });
    const print = h("button", { type: "button", class: "secondary", id: `${key}-print` }, t("share.print"));
    print.addEventListener("click", () => window.print());
    return h("div", { class: "share no-print", role: "group", "aria-label": t("share.title") },
      field, copy, csv, json, print, note);
  }
  // What is printed above an answer: the request and its link (the screen shows them in the form).
  function printHeader(lines) {
    return h("div", { class: "print-only print-header" },
      h("p", {}, h("strong", {}, "Praxis"), " · ", new Date().toISOString().slice(0, 10)),
      lines.filter((l) => l[1]).map(([label, value]) => h("p", {}, h("span", { class: "label" }, label + ": "),
        own("span", value))),
      h("p", { class: "meta" }, t("print.link") + ": ", location.href));
  }

  // =============================================================================================
  // map: cities' coordinates from the answer, or from /cities/{name} when an answer lacks them
  // =============================================================================================
  const coordinates = new Map();
  async function locate(name, country) {
    const key = `${name}|${country || ""}`;
    if (!coordinates.has(key)) {
      const query = country && /^[A-Za-z]{2}$/.test(country) ? `?country=${country}` : "";
      coordinates.set(key, api(`/cities/${encodeURIComponent(name)}${query}`)
        .then((c) => ({ latitude: c.latitude, longitude: c.longitude }))
        .catch(() => ({ latitude: null, longitude: null })));
    }
    return coordinates.get(key);
  }
  async function withCoordinates(point) {
    if (Number.isFinite(point.latitude) && Number.isFinite(point.longitude)) return point;
    return Object.assign({}, point, await locate(point.name, point.country));
  }
  async function drawMap(box, points, lines, isCurrent) {
    const unique = [];
    const seen = new Set();
    for (const p of points) {
      const key = `${p.kind}|${p.name}|${p.country || ""}`;
      if (p.name && !seen.has(key)) { seen.add(key); unique.push(p); }
    }
    const located = await Promise.all(unique.map(withCoordinates));
    if (isCurrent && !isCurrent()) return;
    const target = h("div", { class: "map" });
    clear(box).append(target);
    try {
      const drawn = await window.PraxisMap.render(target, located, { lines, label: t("map.label", { n: located.length }) });
      const missing = located.filter((p) => !Number.isFinite(p.latitude) || !Number.isFinite(p.longitude));
      box.append(h("p", { class: "map-legend meta" },
        h("span", { class: "key key-mentee", "aria-hidden": "true" }), t("map.mentee"), " ",
        h("span", { class: "key key-mentor", "aria-hidden": "true" }), t("map.mentor"),
        drawn.outside.length ? h("span", { class: "map-outside" }, ` · ${t("map.outside", { names: drawn.outside.join(", ") })}`) : null,
        missing.length ? h("span", { class: "map-missing" }, ` · ${t("map.missing", { names: missing.map((p) => p.name).join(", ") })}`) : null));
      box.dataset.cities = String(drawn.placed);
    } catch (error) {
      box.append(h("p", { class: "meta" }, error.message));
    }
  }

  // =============================================================================================
  // (a) mentee: needs in, practices and mentor cities with evidence out
  // =============================================================================================
  const MENTEE_FIELDS = [["needs", "needs"], ["city", "mentee-city"], ["population", "mentee-population"],
                         ["country", "mentee-country"]];
  let recommendRun = 0;
  let lastRecommendation = null;  // {key, request, answer}: rendering again (language switch) needs no new request

  $("mentee-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const needs = $("needs").value.trim();
    if (needs.length < 3) {
      setStatus($("mentee-status"), t("mentee.empty_needs"), "error");
      $("needs").focus();
      return;
    }
    const params = new URLSearchParams();
    params.set("needs", needs);
    const city = $("mentee-city").value.trim();
    if (city) params.set("city", city);
    const population = parseInt($("mentee-population").value, 10);
    if (population > 0) params.set("population", String(population));
    const country = $("mentee-country").value.trim();
    if (/^[A-Za-z]{2}$/.test(country)) params.set("country", country.toUpperCase());
    navigate("#/mentee?" + params.toString());
  });

  function recommendRequest(params) {
    const body = { needs: params.get("needs") || "", k: 10 };
    if (params.get("city")) body.city = params.get("city");
    const population = parseInt(params.get("population") || "", 10);
    if (population > 0) body.population = population;
    if (/^[A-Za-z]{2}$/.test(params.get("country") || "")) body.country = params.get("country").toUpperCase();
    const geonameid = parseInt(params.get("geonameid") || "", 10);
    if (geonameid > 0) body.geonameid = geonameid;
    return body;
  }

  async function runRecommend(params) {
    const run = ++recommendRun;
    for (const [name, id] of MENTEE_FIELDS) $(id).value = params.get(name) || "";
    const status = $("mentee-status");
    if (!params.get("needs")) { $("mentee-results").hidden = true; setStatus(status, ""); return; }
    const body = recommendRequest(params);
    const key = JSON.stringify(body);
    if (lastRecommendation && lastRecommendation.key === key) { renderRecommendation(lastRecommendation); return; }
    const button = $("mentee-submit");
    button.disabled = true;
    $("mentee-results").setAttribute("aria-busy", "true");
    setStatus(status, t("mentee.busy"), "busy");
    try {
      const answer = await postJSON("/recommend", body);
      if (run !== recommendRun) return;
      lastRecommendation = { key, request: body, answer };
      renderRecommendation(lastRecommendation);
    } catch (error) {
      if (run === recommendRun) { setStatus(status, error.message, "error"); $("mentee-results").hidden = true; }
    } finally {
      if (run === recommendRun) { button.disabled = false; $("mentee-results").removeAttribute("aria-busy"); }
    }
  }

  function recommendationRows(request, answer) {
    const mentee = (answer.mentee && answer.mentee.city) || request.city || "";
    const rows = [];
    for (const m of answer.mentors) {
      for (const ev of m.evidence) {
        rows.push({ kind: "mentor", mentee, city: m.city, country: m.country, need: ev.need, practice: ev.practice,
                    document: ev.title, source: ev.source, page: ev.page, passage: ev.snippet,
                    strength: ev.strength || m.strength || "", score: ev.score });
      }
    }
    for (const p of answer.practices) {
      for (const need of p.needs.length ? p.needs : [""]) {
        rows.push({ kind: "practice", mentee, city: p.city, country: p.country, need, practice: p.title,
                    document: p.title, source: p.source, page: p.page, passage: p.snippet,
                    strength: p.strength || "", score: p.score });
      }
    }
    return rows;
  }

  function renderRecommendation(state) {
    const { request, answer } = state;
    const run = recommendRun;
    const n = answer.mentors.length, p = answer.practices.length;
    const needCount = answer.needs.length - (answer.not_understood || []).length;
    const summary = t("mentee.done", { needs: t("n.needs", { n: needCount }), mentors: t("n.mentors", { n }),
                                      practices: t("n.practices", { n: p }) });
    setStatus($("mentee-status"), answer.message ? `${answer.message} ${summary}` : summary);
    $("mentee-results").hidden = false;
    const head = clear($("mentee-answer-head"));
    append(head, [
      printHeader([[t("mentee.needs"), request.needs], [t("mentee.city"), request.city]]),
      menteeBox(answer.mentee, request),
      gapsBox(answer),
      shareBar("mentee", () => ({ kind: "recommendation", label: (answer.mentee && answer.mentee.city) || request.city,
                                  request, answer, rows: recommendationRows(request, answer) })),
    ]);
    const mentors = clear($("mentor-list"));
    const practices = clear($("practice-list"));
    if (!n) mentors.append(h("li", { class: "empty" }, t("mentors.none")));
    answer.mentors.forEach((mentor, i) => mentors.append(mentorCard(mentor, i, answer.needs.length)));
    if (!p) practices.append(h("li", { class: "empty" }, t("practices.none")));
    answer.practices.forEach((card) => practices.append(practiceCard(card)));
    const points = answer.mentors.map((m) => ({ name: m.city, country: m.country, kind: "mentor",
      latitude: m.latitude, longitude: m.longitude, title: `${m.city} (${m.country})` }));
    const mentee = answer.mentee || {};
    if (mentee.city && mentee.matched !== false) {
      points.unshift({ name: mentee.city, country: mentee.country, kind: "mentee", latitude: mentee.latitude,
                       longitude: mentee.longitude, title: `${mentee.city} (${mentee.country || ""})` });
    }
    const mapBox = $("mentee-map");
    $("mentee-map-section").hidden = !points.length;
    if (points.length) drawMap(mapBox, points, [], () => run === recommendRun);
  }

  function menteeBox(mentee, request) {
    if (!mentee || !(mentee.city || mentee.query)) return null;
    if (mentee.matched === false) {
      return h("div", { class: "mentee-box", id: "mentee-resolved" },
        h("p", {}, t("mentee.not_found", { city: mentee.query || mentee.city })),
        alternatives(mentee, request));
    }
    const facts = [mentee.country, mentee.population ? t("inhabitants", { n: num(mentee.population) }) : null,
                   mentee.documented ? t("documented_in_library") : null].filter(Boolean).join(" · ");
    return h("div", { class: "mentee-box", id: "mentee-resolved" },
      h("p", {}, around(t("mentee.matched", { city: "\u0000" }),
        h("a", { href: cityHref(mentee.city), id: "mentee-resolved-city" }, mentee.city)),
        facts ? h("span", { class: "meta" }, ` (${facts})`) : null),
      alternatives(mentee, request));
  }
  // A catalogue sentence with an element in the place of one placeholder.
  function around(sentence, element) {
    const [before, after] = sentence.split("\u0000");
    return [before, element, after || ""];
  }
  function alternatives(mentee, request) {
    const list = mentee.alternatives || [];
    if (!list.length) return null;
    return h("div", { class: "alternatives" }, h("p", { class: "meta" }, t("mentee.alternatives")),
      h("ul", { class: "alt-list" }, list.map((alt) => {
        const params = new URLSearchParams();
        params.set("needs", request.needs);
        params.set("city", alt.name);
        if (request.population) params.set("population", String(request.population));
        if (alt.country) params.set("country", alt.country);
        params.set("geonameid", String(alt.geonameid));
        const facts = [alt.country, alt.population ? t("inhabitants", { n: num(alt.population) }) : null,
                       alt.documented ? t("documented_in_library") : null].filter(Boolean).join(" · ");
        return h("li", {}, h("a", { class: "alt", href: "#/mentee?" + params.toString(),
                                    "data-geonameid": alt.geonameid }, alt.name), facts ? ` (${facts})` : "");
      })));
  }
  function gapsBox(answer) {
    const gaps = answer.gaps || [];
    const unknown = answer.not_understood || [];
    if (!gaps.length && !unknown.length) return null;
    return h("section", { class: "gaps", id: "mentee-gaps", "aria-labelledby": "gaps-title" },
      h("h2", { id: "gaps-title" }, t("gaps.title")),
      gaps.length ? [h("p", {}, t("gaps.lead")), h("ul", {}, gaps.map((g) => own("li", g)))] : null,
      unknown.length ? [h("p", {}, t("not_understood")), h("ul", {}, unknown.map((g) => own("li", g)))] : null);
  }

  function answeredNeeds(mentor) {
    if (mentor.needs_answered) return mentor.needs_answered;
    return [...new Set(mentor.evidence.map((ev) => ev.need))];
  }

  function mentorCard(mentor, index, needTotal) {
    const population = mentor.population ? ` · ${t("inhabitants", { n: num(mentor.population) })}` : "";
    const answered = answeredNeeds(mentor);
    const evidence = h("ol", { class: "evidence" }, mentor.evidence.map((ev) =>
      h("li", { class: "evidence-item" },
        h("p", { class: "need" }, h("span", { class: "label" }, t("need") + " "), own("span", ev.need)),
        h("p", { class: "answer" },
          h("span", { class: "arrow", "aria-hidden": "true" }, "→ "),
          ev.practice && ev.practice !== ev.title ? [
            ev.practice_id ? h("a", { href: practiceHref(ev.practice_id) }, h("strong", {}, ev.practice))
              : h("strong", {}, ev.practice), " · "] : null,
          h("a", { href: docHref(ev.document_id, ev.page) }, ev.title), " ",
          pageLink(ev.document_id, ev.page, ev.title),
          ev.strength ? [" ", strength(ev)] : null),
        quote(ev.snippet))));
    return h("li", { class: "card mentor", "data-city": mentor.city },
      h("div", { class: "card-head" },
        h("h3", {}, h("a", { href: cityHref(mentor.city) }, mentor.city), " ",
          h("span", { class: "country" }, mentor.country)),
        strength(mentor)),
      h("p", { class: "coverage-line" }, h("strong", {}, t("answers_n_of_m", { n: answered.length, m: needTotal })),
        population ? h("span", { class: "meta" }, population) : null),
      h("ul", { class: "answered" }, answered.map((need) => own("li", need))),
      h("p", { class: "reason" }, mentor.reason),
      mentor.mentoring_experience.length ? h("p", { class: "meta" }, t("mentoring_experience") + " ",
        mentor.mentoring_experience.join("; ")) : null,
      disclosure(t("evidence"), evidence, index < 3));
  }

  function practiceCard(card) {
    return h("li", { class: "card practice" },
      h("div", { class: "card-head" },
        h("h3", {}, h("a", { href: practiceHref(card.practice_id) }, card.title)), strength(card)),
      h("p", { class: "meta" },
        card.city ? h("a", { href: cityHref(card.city) }, card.city) : t(card.country ? "practice.national" : "city_unknown"),
        card.country ? ` (${card.country})` : "", " · ", languageName(card.language)),
      quote(card.snippet, card.language),
      chips(card.topics),
      card.needs.length ? h("div", { class: "answers" }, h("span", { class: "label" }, t("answers") + " "),
        h("ul", {}, card.needs.map((need) => own("li", need)))) : null,
      h("p", { class: "reason" }, card.reason),
      h("p", { class: "links" },
        h("a", { href: docHref(card.document_id, card.page) }, card.source), " · ",
        pageLink(card.document_id, card.page, card.source)),
      otherSources(card));
  }

  // one initiative described in several documents or languages: the card lists them all
  function otherSources(card) {
    const others = (card.sources || []).filter((s) => s.source !== card.source);
    if (!others.length) return null;
    return h("p", { class: "card-sources" }, h("span", { class: "label" }, t("practice.sources") + ": "),
      ...others.flatMap((s, i) => [i ? " · " : "",
        h("a", { href: docHref(s.document_id, s.page_start), title: s.title }, `${s.source} (${languageName(s.language)})`)]));
  }

  // =============================================================================================
  // (b) search
  // =============================================================================================
  const searchForm = $("search-form");
  const FILTERS = [["lang", "f-lang"], ["city", "f-city"], ["country", "f-country"], ["topic", "f-topic"],
                   ["year_from", "f-year-from"], ["year_to", "f-year-to"]];
  let lastSearch = null;

  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    const q = $("q").value.trim();
    if (!q) { setStatus($("search-status"), t("search.empty"), "error"); return; }
    params.set("q", q);
    for (const [name, id] of FILTERS) {
      const value = $(id).value.trim();
      if (value) params.set(name, name === "country" ? value.toUpperCase() : value);
    }
    navigate("#/search?" + params.toString());
  });
  // Changing a filter re-runs a search that is already shown.
  for (const [, id] of FILTERS) {
    $(id).addEventListener("change", () => { if ($("q").value.trim()) searchForm.requestSubmit(); });
  }

  let searchRun = 0;  // only the latest search may fill the page
  async function runSearch(params) {
    const run = ++searchRun;
    $("q").value = params.get("q") || "";
    for (const [name, id] of FILTERS) $(id).value = params.get(name) || "";
    const list = clear($("search-results"));
    clear($("search-share"));
    const status = $("search-status");
    if (!params.get("q")) { setStatus(status, ""); return; }
    const query = new URLSearchParams({ k: "20" });
    for (const [key, value] of params) query.set(key, value);
    const key = query.toString();
    if (lastSearch && lastSearch.key === key) { renderSearch(lastSearch); return; }
    setStatus(status, t("search.busy"), "busy");
    list.setAttribute("aria-busy", "true");
    try {
      const answer = await api("/search?" + key);
      if (run !== searchRun) return;
      lastSearch = { key, answer, request: Object.fromEntries(query) };
      renderSearch(lastSearch);
    } catch (error) {
      if (run === searchRun) setStatus(status, error.message, "error");
    } finally {
      if (run === searchRun) list.removeAttribute("aria-busy");
    }
  }

  function searchRows(answer) {
    return answer.results.map((r) => ({
      kind: "search", mentee: "", city: r.cities.join("; "), country: "", need: answer.query, practice: "",
      document: r.title, source: r.source, page: r.page, passage: r.snippet, strength: "", score: r.score,
    }));
  }
  function renderSearch(state) {
    const { answer } = state;
    const list = clear($("search-results"));
    const n = answer.results.length;
    const found = n ? t("n.documents_found", { n }) : t("search.nothing");
    const terms = answer.bridged_terms, shown = terms.slice(0, 15);
    const listed = terms.length > shown.length
      ? t("search.bridged_more", { terms: shown.join(", "), n: terms.length - shown.length }) : shown.join(", ");
    const bridged = terms.length ? " " + t("search.bridged", { terms: listed }) : "";
    // A search whose results do not answer the query says so (the rule a mentee's need is judged by).
    const notice = n && answer.status && answer.status !== "answered" ? " " + t(`search.${answer.status}`) : "";
    setStatus($("search-status"), found + notice + bridged, notice ? "warning" : undefined);
    append(clear($("search-share")), [
      printHeader([[t("search.q"), answer.query]]),
      n ? shareBar("search", () => ({ kind: "search", label: answer.query, request: state.request, answer,
                                      rows: searchRows(answer) })) : null]);
    answer.results.forEach((r) => list.append(resultCard(r)));
  }

  function resultCard(r) {
    return h("li", { class: "card result" },
      h("div", { class: "card-head" },
        h("h3", {}, h("a", { href: docHref(r.document_id, r.page) }, r.title)), strength({ score: r.score })),
      h("p", { class: "meta" }, r.source, " · ", languageName(r.language), " · ",
        h("a", { href: pdfHref(r.document_id, r.page), target: "_blank", rel: "noopener",
                 "aria-label": t("open_pdf_at", { page: r.page }) }, pageLabel(r.page, r.page_end)),
        r.matched_passages > 1 ? ` · ${t("matching_passages", { n: r.matched_passages })}` : ""),
      quote(r.snippet, r.language),
      r.cities.length ? h("p", { class: "meta" }, t("cities") + " ",
        r.cities.slice(0, 8).map((c, i) => [i ? ", " : "", h("a", { href: cityHref(c) }, c)])) : null,
      chips(r.topics),
      r.translations.length ? h("p", { class: "meta" }, t("also_in") + " ",
        r.translations.map((tr, i) => [i ? ", " : "",
          h("a", { href: docHref(tr.document_id), lang: tr.language || null }, languageName(tr.language))])) : null);
  }

  // =============================================================================================
  // cohort: several mentees at once, an optimal pairing (POST /cohorts)
  // =============================================================================================
  const COHORT_EXAMPLE = {
    mentees: [
      { city: "Mentee city 1", needs: "Its needs, in any language; one per sentence", population: 20000 },
      { city: "Mentee city 2", needs: "Its needs" },
    ],
    mentors: null,
    capacity: 1,
  };
  let cohortRun = 0;
  let lastCohort = null;

  $("cohort-example").addEventListener("click", () => {
    $("cohort-input").value = JSON.stringify(COHORT_EXAMPLE, null, 2);
    $("cohort-input").focus();
  });
  $("cohort-file").addEventListener("change", async (event) => {
    const file = event.target.files && event.target.files[0];
    if (!file) return;
    $("cohort-input").value = await file.text();
    $("cohort-form").requestSubmit();
  });
  $("cohort-form").addEventListener("submit", (event) => {
    event.preventDefault();
    let cohort;
    try {
      cohort = JSON.parse($("cohort-input").value);
    } catch (error) {
      setStatus($("cohort-status"), t("cohort.bad_json", { error: error.message }), "error");
      return;
    }
    navigate("#/cohort?" + new URLSearchParams({ cohort: JSON.stringify(cohort) }).toString());
  });

  async function runCohort(params) {
    const run = ++cohortRun;
    const status = $("cohort-status");
    const raw = params.get("cohort");
    const results = $("cohort-results");
    if (!raw) { results.hidden = true; setStatus(status, ""); return; }
    let cohort;
    try { cohort = JSON.parse(raw); } catch (error) {
      setStatus(status, t("cohort.bad_json", { error: error.message }), "error");
      return;
    }
    $("cohort-input").value = JSON.stringify(cohort, null, 2);
    const key = JSON.stringify(cohort);
    if (lastCohort && lastCohort.key === key) { renderCohort(lastCohort); return; }
    setStatus(status, t("cohort.busy"), "busy");
    $("cohort-submit").disabled = true;
    try {
      const answer = await postJSON("/cohorts", cohort);
      if (run !== cohortRun) return;
      lastCohort = { key, request: cohort, answer };
      renderCohort(lastCohort);
    } catch (error) {
      if (run === cohortRun) { setStatus(status, error.message, "error"); results.hidden = true; }
    } finally {
      if (run === cohortRun) $("cohort-submit").disabled = false;
    }
  }

  function cohortRows(answer) {
    const rows = [];
    for (const pair of answer.pairs) {
      for (const ev of pair.evidence || []) {
        rows.push({ kind: "pair", mentee: pair.mentee, city: pair.mentor, country: pair.mentor_country || "",
                    need: ev.need, practice: ev.practice, document: ev.title, source: ev.source, page: ev.page,
                    passage: ev.snippet, strength: ev.strength || pair.strength || "", score: ev.score });
      }
    }
    return rows;
  }

  function renderCohort(state) {
    const { request, answer } = state;
    const run = cohortRun;
    const mentees = request.mentees || [];
    setStatus($("cohort-status"), [answer.message, t("cohort.done", { pairs: answer.pairs.length, mentees: mentees.length })]
      .filter(Boolean).join(" "));
    $("cohort-results").hidden = false;
    append(clear($("cohort-share")), [
      printHeader([[t("cohort.json"), mentees.map((m) => m.city).join(", ")]]),
      shareBar("cohort", () => ({ kind: "cohort", label: mentees.map((m) => m.city).join("-"), request, answer,
                                  rows: cohortRows(answer) })),
    ]);
    const body = clear($("cohort-pairs"));
    for (const pair of answer.pairs) {
      const runner = pair.runner_up;
      body.append(h("tr", { class: "pair" },
        h("th", { scope: "row" }, own("span", pair.mentee)),
        h("td", {}, h("a", { href: cityHref(pair.mentor) }, pair.mentor),
          pair.mentor_country ? h("span", { class: "country" }, " " + pair.mentor_country) : null),
        h("td", {}, strength(pair)),
        h("td", {}, h("ul", { class: "plain" }, (pair.needs_answered || []).map((need) => own("li", need)))),
        h("td", {}, (pair.needs_open || []).length
          ? h("ul", { class: "plain" }, pair.needs_open.map((need) => own("li", need))) : "—"),
        h("td", {}, runner ? [h("a", { href: cityHref(runner.mentor) }, runner.mentor),
                              ` (${Number(runner.score).toFixed(2)})`] : "—")));
      body.append(h("tr", { class: "pair-evidence" }, h("td", { colspan: 6 },
        h("p", { class: "reason" }, pair.reason || ""),
        disclosure(`${t("col.evidence")}: ${pair.mentee} → ${pair.mentor}`, h("ol", { class: "evidence" },
          (pair.evidence || []).map((ev) => h("li", { class: "evidence-item" },
            h("p", { class: "need" }, h("span", { class: "label" }, t("need") + " "), own("span", ev.need)),
            h("p", { class: "answer" }, h("span", { class: "arrow", "aria-hidden": "true" }, "→ "),
              ev.practice && ev.practice !== ev.title ? [h("strong", {}, ev.practice), " · "] : null,
              h("a", { href: docHref(ev.document_id, ev.page) }, ev.title), " ", pageLink(ev.document_id, ev.page, ev.title)),
            quote(ev.snippet)))), false))));
    }
    const unassigned = clear($("cohort-unassigned"));
    $("cohort-unassigned-section").hidden = !(answer.unassigned || []).length;
    (answer.unassigned || []).forEach((u) => unassigned.append(h("li", {}, own("strong", u.mentee), u.reason ? ` — ${u.reason}` : "")));
    const gaps = clear($("cohort-gaps"));
    $("cohort-gaps-section").hidden = !(answer.gaps || []).length;
    (answer.gaps || []).forEach((g) => gaps.append(h("li", {}, own("strong", g.mentee), ": ", own("span", g.need))));

    const resolved = answer.mentees || [];
    const points = [];
    mentees.forEach((m, i) => {
      const r = resolved[i] || {};
      if (r.matched === false) return;
      points.push({ name: r.city || m.city, country: r.country || m.country, kind: "mentee",
                    latitude: r.latitude, longitude: r.longitude });
    });
    for (const pair of answer.pairs) {
      points.push({ name: pair.mentor, country: pair.mentor_country, kind: "mentor",
                    latitude: pair.mentor_latitude, longitude: pair.mentor_longitude });
    }
    const lines = answer.pairs.map((pair) => ({ from: pair.mentee, to: pair.mentor }));
    drawMap($("cohort-map"), points, lines, () => run === cohortRun);
  }

  // =============================================================================================
  // coverage: topics x countries (GET /coverage), a table and a heat map
  // =============================================================================================
  let coverageRun = 0;
  async function showCoverage() {
    const run = ++coverageRun;
    const status = $("coverage-status");
    setStatus(status, t("loading"), "busy");
    try {
      const data = await api("/coverage");
      if (run !== coverageRun) return;
      setStatus(status, data.cells.length ? "" : t("coverage.empty"));
      renderCoverage(data);
    } catch (error) {
      if (run === coverageRun) setStatus(status, error.message, "error");
    }
  }
  function renderCoverage(data) {
    const cell = new Map(data.cells.map((c) => [`${c.topic}|${c.country}`, c]));
    const topicTotal = new Map((data.topic_totals || []).map((c) => [c.topic, c]));
    const max = Math.max(1, ...data.cells.map((c) => c.practices));
    const shade = (n) => (n ? 0.12 + 0.88 * Math.sqrt(n / max) : 0);  // sqrt: one practice still shows
    const table = h("table", { class: "coverage-table", id: "coverage-table" },
      h("caption", {}, t("coverage.table")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("coverage.topic")),
        data.countries.map((c) => h("th", { scope: "col" }, c)), h("th", { scope: "col" }, t("coverage.total")))),
      h("tbody", {}, data.topics.map((topic) => h("tr", { "data-topic": topic },
        h("th", { scope: "row" }, topicLabel(topic)),
        data.countries.map((country) => {
          const c = cell.get(`${topic}|${country}`);
          const label = c ? t("coverage.cell", { practices: c.practices, cities: c.cities }) : "0";
          return h("td", { class: c ? (shade(c.practices) > 0.55 ? "cov hot" : "cov") : "cov empty", title: `${topicLabel(topic)} · ${country}: ${label}`,
                           style: c ? `--heat:${shade(c.practices).toFixed(3)}` : null },
            c ? [String(c.practices), h("span", { class: "cities" }, ` (${c.cities})`)] : "·");
        }),
        h("td", { class: "total" }, topicTotal.has(topic)
          ? `${topicTotal.get(topic).practices} (${topicTotal.get(topic).cities})` : "0")))));
    append(clear($("coverage-table-box")), table);

    // The heat map: one square per topic and country, darker for more practices.
    const SVG = "http://www.w3.org/2000/svg";
    const size = 22, left = 190, top = 40;
    const svg = document.createElementNS(SVG, "svg");
    const width = left + data.countries.length * size + 10, height = top + data.topics.length * size + 10;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("class", "heatmap");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", t("coverage.heatmap"));
    svg.style.maxWidth = `${width * 1.4}px`;
    const text = (x, y, value, cls, rotate) => {
      const node = document.createElementNS(SVG, "text");
      node.setAttribute("x", x); node.setAttribute("y", y); node.setAttribute("class", cls);
      if (rotate) node.setAttribute("transform", `rotate(-60 ${x} ${y})`);
      node.textContent = value;
      return node;
    };
    data.countries.forEach((c, j) => svg.append(text(left + j * size + 6, top - 6, c, "heat-col", true)));
    data.topics.forEach((topic, i) => {
      svg.append(text(left - 8, top + i * size + 15, topicLabel(topic), "heat-row"));
      data.countries.forEach((country, j) => {
        const c = cell.get(`${topic}|${country}`);
        const rect = document.createElementNS(SVG, "rect");
        rect.setAttribute("x", left + j * size); rect.setAttribute("y", top + i * size);
        rect.setAttribute("width", size - 2); rect.setAttribute("height", size - 2);
        rect.setAttribute("class", c ? "heat" : "heat heat-empty");
        if (c) { rect.style.setProperty("--heat", shade(c.practices).toFixed(3)); rect.dataset.practices = c.practices; }
        const title = document.createElementNS(SVG, "title");
        title.textContent = `${topicLabel(topic)} · ${country}: ${c ? t("coverage.cell", { practices: c.practices, cities: c.cities }) : "0"}`;
        rect.append(title);
        svg.append(rect);
      });
    });
    append(clear($("coverage-heatmap")), [svg, h("p", { class: "meta" }, t("coverage.legend"))]);
  }

  // =============================================================================================
  // documents list
  // =============================================================================================
  const PAGE = 25;
  let viewRun = 0;  // a slow answer for a page already left is dropped
  async function showDocuments(params) {
    const run = ++viewRun;
    const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
    const list = clear($("document-list"));
    const status = $("documents-status");
    setStatus(status, t("loading"), "busy");
    try {
      const page = await api(`/documents?offset=${offset}&limit=${PAGE}`);
      if (run !== viewRun) return;
      setStatus(status, page.total ? t("documents.range", { from: offset + 1, to: offset + page.items.length, total: page.total })
        : t("documents.empty"));
      page.items.forEach((d) => list.append(h("li", {},
        h("a", { href: docHref(d.id), lang: d.language || null }, d.title), " ",
        h("span", { class: "meta" }, [d.source, languageName(d.language), d.year].filter(Boolean).join(" · ")))));
      $("documents-prev").disabled = offset === 0;
      $("documents-next").disabled = offset + PAGE >= page.total;
      $("documents-prev").onclick = () => { location.hash = `#/documents?offset=${Math.max(0, offset - PAGE)}`; };
      $("documents-next").onclick = () => { location.hash = `#/documents?offset=${offset + PAGE}`; };
    } catch (error) {
      setStatus(status, error.message, "error");
    }
  }

  // =============================================================================================
  // (c) one document
  // =============================================================================================
  async function showDocument(id, params) {
    const run = ++viewRun;
    const box = clear($("document"));
    const status = $("document-status");
    const page = parseInt(params.get("page") || "", 10) || null;
    setStatus(status, t("loading"), "busy");
    try {
      const doc = await api(`/documents/${idOf(id)}`);
      if (run !== viewRun) return;
      setStatus(status, "");
      document.title = `${doc.title} — Praxis`;
      const facts = [
        [t("doc.source"), doc.source], [t("doc.language"), languageName(doc.language)], [t("doc.publisher"), doc.publisher],
        [t("doc.network"), doc.network], [t("doc.year"), doc.year], [t("doc.country"), doc.country], [t("doc.kind"), doc.kind],
        [t("doc.pages"), doc.pages], [t("doc.passages"), doc.passages],
      ].filter(([, v]) => v !== null && v !== undefined && v !== "");
      append(box, [
        h("h1", { id: "document-title", lang: doc.language || null }, doc.title),
        h("p", { class: "pdf-links" },
          h("a", { class: "button", href: pdfHref(doc.id, page), target: "_blank", rel: "noopener", id: "open-pdf" },
            page ? t("open_pdf_at", { page }) : t("open_pdf")),
          page ? h("a", { href: pdfHref(doc.id), target: "_blank", rel: "noopener" }, t("from_first_page")) : null),
        h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
        doc.source_url ? h("p", { class: "meta" }, t("doc.published_at") + " ",
          /^https?:\/\//i.test(doc.source_url) ? h("a", { href: doc.source_url, rel: "noopener noreferrer" }, doc.source_url)
            : doc.source_url) : null,
        section(t("doc.versions"), "versions", doc.translations.length
          ? h("ul", {}, doc.translations.map((tr) => h("li", {},
              h("a", { href: docHref(tr.document_id), lang: tr.language || null }, tr.title),
              ` (${languageName(tr.language)})`)))
          : h("p", { class: "meta" }, t("doc.no_versions"))),
        section(t("doc.cities"), "cities", doc.cities.length
          ? h("ul", { class: "city-roles" }, doc.cities.map((c) => h("li", {},
              h("a", { href: cityHref(c.name) }, c.name), ` (${c.country})`,
              c.role ? h("span", { class: "role role-" + c.role.replace(/[^a-z-]/gi, "") }, c.role) : null)))
          : h("p", { class: "meta" }, t("doc.no_cities"))),
        section(t("doc.topics"), "topics", chips(doc.topics) || h("p", { class: "meta" }, t("doc.no_topics"))),
        section(t("doc.practices"), "practices", doc.practices.length
          ? h("ul", {}, doc.practices.map((p) => h("li", {},
              h("a", { href: practiceHref(p.id) }, h("strong", {}, p.title)),
              p.city ? [" — ", h("a", { href: cityHref(p.city) }, p.city)] : null, " ",
              pageLink(doc.id, p.page_start, p.title))))
          : h("p", { class: "meta" }, t("doc.no_practices"))),
        section(t("doc.similar"), "similar", h("p", { class: "meta" }, t("loading"))),
      ]);
      const similar = await api(`/documents/${idOf(id)}/similar?k=6`);
      if (run !== viewRun) return;
      const target = clear($("section-similar"));
      append(target, similar.similar.length
        ? h("ul", {}, similar.similar.map((s) => h("li", {},
            h("a", { href: docHref(s.document_id), lang: s.language || null }, s.title),
            ` (${languageName(s.language)}, ${Number(s.score).toFixed(2)})`)))
        : h("p", { class: "meta" }, t("doc.no_similar")));
    } catch (error) {
      if (run === viewRun) setStatus(status, error.message, "error");
    }
  }

  // =============================================================================================
  // a practice: what it does, its sources (documents, pages, languages) and similar practices
  // =============================================================================================
  function practiceSources(p) {
    if (Array.isArray(p.sources) && p.sources.length) return p.sources;
    if (p.document) {  // one source: the practice's own document and pages
      return [{ document_id: p.document.id, title: p.document.title, source: p.document.source,
                language: p.document.language || p.language, page_start: p.page_start, page_end: p.page_end }];
    }
    return [];
  }
  const sourcePage = (s) => s.page_start || s.page || (Array.isArray(s.pages) && s.pages[0]) || 1;
  const sourcePageEnd = (s) => s.page_end || (Array.isArray(s.pages) && s.pages[s.pages.length - 1]) || sourcePage(s);

  async function showPractice(id) {
    const run = ++viewRun;
    const box = clear($("practice"));
    const status = $("practice-status");
    setStatus(status, t("loading"), "busy");
    try {
      const p = await api(`/practices/${idOf(id)}`);
      if (run !== viewRun) return;
      setStatus(status, "");
      document.title = `${p.name || p.title} — Praxis`;
      const cities = Array.isArray(p.cities) && p.cities.length
        ? p.cities.map((c) => (typeof c === "string" ? { name: c } : c))
        : (p.city ? [{ name: p.city, country: p.country }] : []);
      const sources = practiceSources(p);
      const languages = [...new Set(sources.map((s) => s.language).filter(Boolean))];
      const description = Array.isArray(p.description) ? p.description : (p.description || p.summary ? [p.description || p.summary] : []);
      const facts = [
        [t("practice.run_by"), cities.length ? cities.map((c, i) => [i ? ", " : "", h("a", { href: cityHref(c.name) }, c.name),
          c.country ? ` (${c.country})` : ""]) : (p.country ? `${t("practice.national")} (${p.country})` : t("city_unknown"))],
        [t("practice.organisation"), p.organisation || p.organization],
        [t("practice.period"), p.period || p.year],
        [t("practice.target_groups"), Array.isArray(p.target_groups) && p.target_groups.length ? p.target_groups.join(", ") : null],
        [t("practice.kind"), (p.kind || p.document_kind || "").replace(/_/g, " ")],
      ].filter(([, v]) => v !== null && v !== undefined && v !== "");
      append(box, [
        h("h1", { id: "practice-title", lang: p.language || null, translate: "no" }, p.name || p.title),
        h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
        chips(p.topics),
        description.length ? section(t("practice.what"), "practice-what",
          description.map((d) => quote(typeof d === "string" ? d : d.text, p.language))) : null,
        section(t("practice.sources"), "practice-sources", h("ul", { class: "sources" }, sources.map((s) => h("li", { class: "source" },
          h("a", { href: docHref(s.document_id, sourcePage(s)), lang: s.language || null }, s.title || s.source),
          s.name && s.name !== (p.name || p.title) && s.name !== s.title ? [" · ", own("em", s.name, s.language)] : null,
          ` (${languageName(s.language)}${s.kind ? ", " + s.kind.replace(/_/g, " ") : ""}) `,
          pageLink(s.document_id, sourcePage(s), s.title || s.source),
          sourcePageEnd(s) !== sourcePage(s) ? ` – ${sourcePageEnd(s)}` : "")))),
        section(t("practice.versions"), "practice-versions",
          h("p", { class: "versions" }, languages.map((l, i) => [i ? ", " : "", h("span", { lang: l }, languageName(l))]))),
        Array.isArray(p.passages) && p.passages.length ? section(t("practice.passages"), "practice-passages",
          disclosure(t("practice.passages"), h("ol", { class: "evidence" }, p.passages.map((pa) => h("li", { class: "evidence-item" },
            h("p", { class: "meta" }, pageLabel(pa.page_start, pa.page_end), " · ", languageName(pa.language)),
            quote(pa.text, pa.language)))), false, ["show", "hide"])) : null,
        section(t("practice.similar"), "practice-similar", similarPractices(p.similar)),
      ]);
    } catch (error) {
      if (run === viewRun) setStatus(status, error.message, "error");
    }
  }
  function similarPractices(similar) {
    if (!Array.isArray(similar) || !similar.length) return h("p", { class: "meta" }, t("practice.no_similar"));
    return h("ul", { class: "similar" }, similar.map((s) => {
      const cities = Array.isArray(s.cities) && s.cities.length ? s.cities : (s.city ? [{ name: s.city, country: s.country }] : []);
      const languages = Array.isArray(s.languages) && s.languages.length ? s.languages : (s.language ? [s.language] : []);
      return h("li", {},
        h("a", { href: practiceHref(s.id || s.practice_id), translate: "no" }, s.name || s.title),
        cities.length ? [" — ", cities.map((c, i) => [i ? ", " : "", h("a", { href: cityHref(c.name) }, c.name),
                                                     c.country ? ` (${c.country})` : ""])]
          : (s.country ? ` — ${t("practice.national")} (${s.country})` : null),
        languages.length ? ` · ${languages.map(languageName).join(", ")}` : "",
        s.score !== undefined ? [" ", strength(s)] : null);
    }));
  }

  // =============================================================================================
  // a city
  // =============================================================================================
  async function showCity(name) {
    const run = ++viewRun;
    const box = clear($("city"));
    const status = $("city-status");
    setStatus(status, t("loading"), "busy");
    try {
      const city = await api(`/cities/${encodeURIComponent(name)}`);
      if (run !== viewRun) return;
      setStatus(status, "");
      document.title = `${city.name} — Praxis`;
      const mapBox = h("div", { id: "city-map", class: "map-box small-map" });
      append(box, [
        h("h1", { id: "city-title" }, city.name, " ", h("span", { class: "country" }, city.country)),
        city.population ? h("p", { class: "meta" }, t("inhabitants", { n: num(city.population) })) : null,
        mapBox,
        section(t("city.mentoring"), "mentoring", city.mentoring.length
          ? h("ul", {}, city.mentoring.map((m) => h("li", {},
              h("span", { class: "role role-" + m.role.replace(/[^a-z-]/gi, "") }, m.role), ` ${t("city.in")} `,
              h("a", { href: docHref(m.document_id) }, m.title),
              m.partners.length ? [` ${t("city.with")} `, m.partners.map((p, i) => [i ? ", " : "",
                h("a", { href: cityHref(p.name) }, p.name), p.role ? ` (${p.role})` : ""])] : null)))
          : h("p", { class: "meta" }, t("city.no_mentoring"))),
        section(t("city.practices"), "city-practices", city.practices.length
          ? h("ul", {}, city.practices.map((p) => h("li", {},
              h("a", { href: practiceHref(p.id) }, h("strong", {}, p.title)), " ", chips(p.topics, "inline"), " ",
              h("a", { href: docHref(p.document_id, p.page_start) }, t("document")), " ",
              pageLink(p.document_id, p.page_start, p.title))))
          : h("p", { class: "meta" }, t("city.no_practices"))),
        section(t("city.documents"), "city-documents", city.documents.length
          ? h("ul", {}, city.documents.map((d) => h("li", {},
              h("a", { href: docHref(d.document_id), lang: d.language || null }, d.title),
              ` (${languageName(d.language)}${d.year ? ", " + d.year : ""})`,
              d.role ? h("span", { class: "role role-" + d.role.replace(/[^a-z-]/gi, "") }, d.role) : null)))
          : h("p", { class: "meta" }, t("city.no_documents"))),
      ]);
      drawMap(mapBox, [{ name: city.name, country: city.country, kind: "mentee", latitude: city.latitude,
                         longitude: city.longitude }], [], () => run === viewRun);
    } catch (error) {
      if (run === viewRun) setStatus(status, error.message, "error");
    }
  }

  // =============================================================================================
  // routing
  // =============================================================================================
  const VIEWS = ["mentee", "search", "cohort", "coverage", "documents", "document", "city", "practice"];
  const TABS = new Set(["mentee", "search", "cohort", "coverage", "documents"]);
  function show(view) {
    for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
    document.body.dataset.view = view;
    const tab = TABS.has(view) ? view : null;
    document.querySelectorAll(".tabs a").forEach((a) => {
      if (a.dataset.view === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
  }
  // Going to the same address again (the same form submitted twice) still runs it.
  function navigate(target) {
    if (location.hash === target) route(); else location.hash = target;
  }

  function route() {
    const hash = location.hash.replace(/^#\/?/, "");
    const [path, query] = [hash.split("?")[0], hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : ""];
    const params = new URLSearchParams(query);
    const parts = path.split("/").filter(Boolean);
    document.title = "Praxis";
    if (parts[0] === "search") { show("search"); runSearch(params); }
    else if (parts[0] === "cohort") { show("cohort"); runCohort(params); }
    else if (parts[0] === "coverage") { show("coverage"); showCoverage(); }
    else if (parts[0] === "documents") { show("documents"); showDocuments(params); }
    else if (parts[0] === "document" && /^\d+$/.test(parts[1] || "")) { show("document"); showDocument(parts[1], params); }
    else if (parts[0] === "practice" && /^\d+$/.test(parts[1] || "")) { show("practice"); showPractice(parts[1]); }
    else if (parts[0] === "city" && parts[1]) {
      let name = parts.slice(1).join("/");
      try { name = decodeURIComponent(name); } catch (e) { /* keep as is */ }
      show("city"); showCity(name);
    } else { show("mentee"); runRecommend(params); }
    window.scrollTo(0, 0);
  }
  // A language switch renders the view again from the answers already in hand (no new request
  // for recommendations, searches and cohorts; the other views reload).
  function rerender() { route(); loadFooter(); }
  window.addEventListener("hashchange", route);

  // -- filters and footer from the library itself -------------------------------------------------
  async function loadFacets() {
    try {
      const facets = await api("/facets");
      const lang = $("f-lang"), topic = $("f-topic");
      facets.languages.forEach((l) => lang.append(h("option", { value: l.value, "data-lang": l.value, "data-count": l.count },
        `${languageName(l.value)} (${l.count})`)));
      facets.topics.forEach((tp) => topic.append(h("option", { value: tp.value }, `${topicLabel(tp.value)} (${tp.count})`)));
      facets.countries.forEach((c) => $("country-codes").append(h("option", { value: c.value })));
      facets.cities.forEach((c) => $("city-names").append(h("option", { value: c.value })));
      // a search shown before the options arrived keeps its filters
      const params = new URLSearchParams(location.hash.split("?")[1] || "");
      if (params.get("lang")) lang.value = params.get("lang");
      if (params.get("topic")) topic.value = params.get("topic");
    } catch (error) { /* the filters still work as free text */ }
  }
  let health = null;
  async function loadFooter() {
    try {
      health = health || await api("/health");
      $("library-size").textContent = t("footer.size", { documents: num(health.documents), passages: num(health.passages) });
    } catch (error) { /* footer only */ }
    for (const option of document.querySelectorAll("#f-lang option[data-lang]")) {
      option.textContent = `${languageName(option.dataset.lang)} (${option.dataset.count})`;
    }
  }

  languageSwitch();
  setLanguage(ui);
  route();
  loadFacets().then(loadFooter);
})();
