/* Praxis web page: three views over the HTTP API (mentee, search, document), plus documents and cities.
 * Hash routes: #/mentee, #/search?q=..., #/documents, #/document/ID?page=N, #/city/NAME.
 * Every piece of text from the library is put in the page with textContent (never innerHTML). */
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

  // -- links: built from numbers and encoded names only ------------------------------------------
  const idOf = (value) => String(parseInt(value, 10));
  const pdfHref = (documentId, page) =>
    `/documents/${idOf(documentId)}/file` + (page ? `#page=${idOf(page)}` : "");
  const docHref = (documentId, page) =>
    `#/document/${idOf(documentId)}` + (page ? `?page=${idOf(page)}` : "");
  const cityHref = (name) => `#/city/${encodeURIComponent(name)}`;
  const pageLink = (documentId, page, label) =>
    h("a", { href: pdfHref(documentId, page), target: "_blank", rel: "noopener", class: "page-link",
             "aria-label": `${label || "Open the PDF"} at page ${page}` }, `p. ${page}`);

  let languageNames = null;
  try { languageNames = new Intl.DisplayNames(["en"], { type: "language" }); } catch (e) { /* old browser */ }
  const languageName = (code) => {
    if (!code) return "unknown language";
    try { return (languageNames && languageNames.of(code)) || code; } catch (e) { return code; }
  };
  const topicLabel = (slug) => String(slug).replace(/-/g, " ");

  // -- API ----------------------------------------------------------------------------------------
  async function api(path, options) {
    let response;
    try {
      response = await fetch(path, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
    } catch (e) {
      throw new Error("The server cannot be reached.");
    }
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (!response.ok) {
      const detail = body && (body.message || (typeof body.detail === "string" ? body.detail : null));
      throw new Error(detail || `The server answered ${response.status}.`);
    }
    return body;
  }
  function setStatus(el, text, kind) {
    el.textContent = text || "";
    el.className = "status" + (kind ? " " + kind : "");
  }

  // -- shared bits of cards -------------------------------------------------------------------------
  const chips = (items, cls) =>
    items && items.length ? h("ul", { class: "chips " + (cls || ""), "aria-label": "Topics" },
      items.map((t) => h("li", {}, topicLabel(t)))) : null;
  const quote = (text, lang) => h("blockquote", { class: "quote", lang: lang || null }, text);
  const score = (value) => h("span", { class: "score", title: "score" }, Number(value).toFixed(2));

  // =============================================================================================
  // (a) mentee
  // =============================================================================================
  const menteeForm = $("mentee-form");
  menteeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("mentee-status");
    const needs = $("needs").value.trim();
    if (needs.length < 3) {
      setStatus(status, "Please describe at least one need.", "error");
      $("needs").focus();
      return;
    }
    const body = { needs, k: 10 };
    const city = $("mentee-city").value.trim();
    if (city) body.city = city;
    const population = parseInt($("mentee-population").value, 10);
    if (population > 0) body.population = population;
    const country = $("mentee-country").value.trim();
    if (/^[A-Za-z]{2}$/.test(country)) body.country = country.toUpperCase();
    const button = $("mentee-submit");
    button.disabled = true;
    $("mentee-results").setAttribute("aria-busy", "true");
    setStatus(status, "Looking for practices and mentor cities…", "busy");
    try {
      const answer = await api("/recommend", {
        method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json" },
      });
      renderRecommendation(answer);
      const n = answer.mentors.length, p = answer.practices.length;
      setStatus(status, `${answer.needs.length} need${answer.needs.length === 1 ? "" : "s"} understood: ` +
        `${n} mentor cit${n === 1 ? "y" : "ies"}, ${p} practice${p === 1 ? "" : "s"}.`);
    } catch (error) {
      setStatus(status, error.message, "error");
    } finally {
      button.disabled = false;
      $("mentee-results").removeAttribute("aria-busy");
    }
  });

  function renderRecommendation(answer) {
    const mentors = clear($("mentor-list"));
    const practices = clear($("practice-list"));
    $("mentee-results").hidden = false;
    if (!answer.mentors.length) mentors.append(h("li", { class: "empty" }, "No mentor city found for these needs."));
    answer.mentors.forEach((mentor, i) => mentors.append(mentorCard(mentor, i)));
    if (!answer.practices.length) practices.append(h("li", { class: "empty" }, "No practice found for these needs."));
    answer.practices.forEach((card) => practices.append(practiceCard(card)));
  }

  function mentorCard(mentor, index) {
    const population = mentor.population ? ` · ${Number(mentor.population).toLocaleString("en")} inhabitants` : "";
    const evidence = h("ol", { class: "evidence" }, mentor.evidence.map((ev) =>
      h("li", { class: "evidence-item" },
        h("p", { class: "need" }, h("span", { class: "label" }, "Need: "), ev.need),
        h("p", { class: "answer" },
          h("span", { class: "arrow", "aria-hidden": "true" }, "→ "),
          ev.practice && ev.practice !== ev.title ? [h("strong", {}, ev.practice), " in "] : null,
          h("a", { href: docHref(ev.document_id, ev.page) }, ev.title), " ",
          pageLink(ev.document_id, ev.page, ev.title)),
        quote(ev.snippet))));
    return h("li", { class: "card mentor" },
      h("div", { class: "card-head" },
        h("h3", {}, h("a", { href: cityHref(mentor.city) }, mentor.city), " ",
          h("span", { class: "country" }, mentor.country)),
        score(mentor.score)),
      h("p", { class: "meta" }, mentor.reason, population),
      mentor.mentoring_experience.length ? h("p", { class: "meta" }, "Mentoring experience: ",
        mentor.mentoring_experience.join("; ")) : null,
      h("details", { class: "evidence-box", open: index < 3 },
        h("summary", {}, `Evidence for ${mentor.evidence.length} need${mentor.evidence.length === 1 ? "" : "s"}`),
        evidence));
  }

  function practiceCard(card) {
    return h("li", { class: "card practice" },
      h("div", { class: "card-head" },
        h("h3", {}, card.title), score(card.score)),
      h("p", { class: "meta" },
        card.city ? h("a", { href: cityHref(card.city) }, card.city) : "City unknown",
        card.country ? ` (${card.country})` : "", " · ", languageName(card.language)),
      quote(card.snippet, card.language),
      chips(card.topics),
      card.needs.length ? h("div", { class: "answers" }, h("span", { class: "label" }, "Answers: "),
        h("ul", {}, card.needs.map((need) => h("li", {}, need)))) : null,
      h("p", { class: "reason" }, card.reason),
      h("p", { class: "links" },
        h("a", { href: docHref(card.document_id, card.page) }, card.source), " · ",
        pageLink(card.document_id, card.page, card.source)));
  }

  // =============================================================================================
  // (b) search
  // =============================================================================================
  const searchForm = $("search-form");
  const FILTERS = [["lang", "f-lang"], ["city", "f-city"], ["country", "f-country"], ["topic", "f-topic"],
                   ["year_from", "f-year-from"], ["year_to", "f-year-to"]];

  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    const q = $("q").value.trim();
    if (!q) { setStatus($("search-status"), "Type something to search for.", "error"); return; }
    params.set("q", q);
    for (const [name, id] of FILTERS) {
      const value = $(id).value.trim();
      if (value) params.set(name, name === "country" ? value.toUpperCase() : value);
    }
    const target = "#/search?" + params.toString();
    if (location.hash === target) runSearch(params); else location.hash = target;
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
    const status = $("search-status");
    if (!params.get("q")) { setStatus(status, ""); return; }
    setStatus(status, "Searching…", "busy");
    list.setAttribute("aria-busy", "true");
    const query = new URLSearchParams({ k: "20" });
    for (const [key, value] of params) query.set(key, value);
    try {
      const answer = await api("/search?" + query.toString());
      if (run !== searchRun) return;
      clear(list);
      const n = answer.results.length;
      const found = n ? `${n} document${n === 1 ? "" : "s"} found.` : "Nothing found. Try other words or fewer filters.";
      const terms = answer.bridged_terms, shown = terms.slice(0, 15);
      const more = terms.length > shown.length ? ` and ${terms.length - shown.length} more` : "";
      const bridged = terms.length ? ` Also searched for: ${shown.join(", ")}${more}.` : "";
      setStatus(status, found + bridged);
      answer.results.forEach((r) => list.append(resultCard(r)));
    } catch (error) {
      if (run === searchRun) setStatus(status, error.message, "error");
    } finally {
      if (run === searchRun) list.removeAttribute("aria-busy");
    }
  }

  function resultCard(r) {
    const pages = r.page_end && r.page_end !== r.page ? `pp. ${r.page}–${r.page_end}` : `p. ${r.page}`;
    return h("li", { class: "card result" },
      h("div", { class: "card-head" },
        h("h3", {}, h("a", { href: docHref(r.document_id, r.page) }, r.title)), score(r.score)),
      h("p", { class: "meta" }, r.source, " · ", languageName(r.language), " · ",
        h("a", { href: pdfHref(r.document_id, r.page), target: "_blank", rel: "noopener",
                 "aria-label": `Open the PDF at page ${r.page}` }, pages),
        r.matched_passages > 1 ? ` · ${r.matched_passages} matching passages` : ""),
      quote(r.snippet, r.language),
      r.cities.length ? h("p", { class: "meta" }, "Cities: ",
        r.cities.slice(0, 8).map((c, i) => [i ? ", " : "", h("a", { href: cityHref(c) }, c)])) : null,
      chips(r.topics),
      r.translations.length ? h("p", { class: "meta" }, "Also in: ",
        r.translations.map((t, i) => [i ? ", " : "",
          h("a", { href: docHref(t.document_id), lang: t.language || null }, languageName(t.language))])) : null);
  }

  // =============================================================================================
  // documents list
  // =============================================================================================
  const PAGE = 25;
  async function showDocuments(params) {
    const run = ++viewRun;
    const offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
    const list = clear($("document-list"));
    const status = $("documents-status");
    setStatus(status, "Loading…", "busy");
    try {
      const page = await api(`/documents?offset=${offset}&limit=${PAGE}`);
      if (run !== viewRun) return;
      setStatus(status, page.total ? `Documents ${offset + 1}–${offset + page.items.length} of ${page.total}.`
        : "The library is empty.");
      page.items.forEach((d) => list.append(h("li", {},
        h("a", { href: docHref(d.id) }, d.title), " ",
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
  let viewRun = 0;  // a slow answer for a page already left is dropped
  async function showDocument(id, params) {
    const run = ++viewRun;
    const box = clear($("document"));
    const status = $("document-status");
    const page = parseInt(params.get("page") || "", 10) || null;
    setStatus(status, "Loading…", "busy");
    try {
      const doc = await api(`/documents/${idOf(id)}`);
      if (run !== viewRun) return;
      setStatus(status, "");
      document.title = `${doc.title} — Praxis`;
      const facts = [
        ["Source file", doc.source], ["Language", languageName(doc.language)], ["Publisher", doc.publisher],
        ["Network", doc.network], ["Year", doc.year], ["Country", doc.country], ["Kind", doc.kind],
        ["Pages", doc.pages], ["Passages", doc.passages],
      ].filter(([, v]) => v !== null && v !== undefined && v !== "");
      append(box, [
        h("h1", { id: "document-title", lang: doc.language || null }, doc.title),
        h("p", { class: "pdf-links" },
          h("a", { class: "button", href: pdfHref(doc.id, page), target: "_blank", rel: "noopener", id: "open-pdf" },
            page ? `Open the PDF at page ${page}` : "Open the PDF"),
          page ? h("a", { href: pdfHref(doc.id), target: "_blank", rel: "noopener" }, "from the first page") : null),
        h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])),
        doc.source_url ? h("p", { class: "meta" }, "Published at ",
          /^https?:\/\//i.test(doc.source_url) ? h("a", { href: doc.source_url, rel: "noopener noreferrer" }, doc.source_url)
            : doc.source_url) : null,
        section("Language versions", "versions", doc.translations.length
          ? h("ul", {}, doc.translations.map((t) => h("li", {},
              h("a", { href: docHref(t.document_id), lang: t.language || null }, t.title),
              ` (${languageName(t.language)})`)))
          : h("p", { class: "meta" }, "No other language version in the library.")),
        section("Cities", "cities", doc.cities.length
          ? h("ul", { class: "city-roles" }, doc.cities.map((c) => h("li", {},
              h("a", { href: cityHref(c.name) }, c.name), ` (${c.country})`,
              c.role ? h("span", { class: "role role-" + c.role.replace(/[^a-z-]/gi, "") }, c.role) : null)))
          : h("p", { class: "meta" }, "No city identified.")),
        section("Topics", "topics", chips(doc.topics) || h("p", { class: "meta" }, "No topic identified.")),
        section("Practices", "practices", doc.practices.length
          ? h("ul", {}, doc.practices.map((p) => h("li", {},
              h("strong", {}, p.title), p.city ? [" — ", h("a", { href: cityHref(p.city) }, p.city)] : null, " ",
              pageLink(doc.id, p.page_start, p.title))))
          : h("p", { class: "meta" }, "No practice identified.")),
        section("Similar documents", "similar", h("p", { class: "meta" }, "Loading…")),
      ]);
      const similar = await api(`/documents/${idOf(id)}/similar?k=6`);
      if (run !== viewRun) return;
      const target = clear($("section-similar"));
      append(target, similar.similar.length
        ? h("ul", {}, similar.similar.map((s) => h("li", {},
            h("a", { href: docHref(s.document_id), lang: s.language || null }, s.title),
            ` (${languageName(s.language)}, ${Number(s.score).toFixed(2)})`)))
        : h("p", { class: "meta" }, "No similar document."));
    } catch (error) {
      setStatus(status, error.message, "error");
    }
  }

  function section(title, key, content) {
    return h("section", { class: "part", "aria-labelledby": `h-${key}` },
      h("h2", { id: `h-${key}` }, title), h("div", { id: `section-${key}` }, content));
  }

  // =============================================================================================
  // a city
  // =============================================================================================
  async function showCity(name) {
    const run = ++viewRun;
    const box = clear($("city"));
    const status = $("city-status");
    setStatus(status, "Loading…", "busy");
    try {
      const city = await api(`/cities/${encodeURIComponent(name)}`);
      if (run !== viewRun) return;
      setStatus(status, "");
      document.title = `${city.name} — Praxis`;
      append(box, [
        h("h1", { id: "city-title" }, city.name, " ", h("span", { class: "country" }, city.country)),
        city.population ? h("p", { class: "meta" }, `${Number(city.population).toLocaleString("en")} inhabitants`) : null,
        section("Mentoring", "mentoring", city.mentoring.length
          ? h("ul", {}, city.mentoring.map((m) => h("li", {},
              h("span", { class: "role role-" + m.role.replace(/[^a-z-]/gi, "") }, m.role), " in ",
              h("a", { href: docHref(m.document_id) }, m.title),
              m.partners.length ? [" with ", m.partners.map((p, i) => [i ? ", " : "",
                h("a", { href: cityHref(p.name) }, p.name), p.role ? ` (${p.role})` : ""])] : null)))
          : h("p", { class: "meta" }, "No documented mentoring role.")),
        section("Practices", "city-practices", city.practices.length
          ? h("ul", {}, city.practices.map((p) => h("li", {},
              h("strong", {}, p.title), " ", chips(p.topics, "inline"), " ",
              h("a", { href: docHref(p.document_id, p.page_start) }, "document"), " ",
              pageLink(p.document_id, p.page_start, p.title))))
          : h("p", { class: "meta" }, "No practice in the library.")),
        section("Documents", "city-documents", city.documents.length
          ? h("ul", {}, city.documents.map((d) => h("li", {},
              h("a", { href: docHref(d.document_id) }, d.title),
              ` (${languageName(d.language)}${d.year ? ", " + d.year : ""})`,
              d.role ? h("span", { class: "role role-" + d.role.replace(/[^a-z-]/gi, "") }, d.role) : null)))
          : h("p", { class: "meta" }, "No document about this city.")),
      ]);
    } catch (error) {
      setStatus(status, error.message, "error");
    }
  }

  // =============================================================================================
  // routing
  // =============================================================================================
  const VIEWS = ["mentee", "search", "documents", "document", "city"];
  function show(view) {
    for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
    const tab = view === "document" || view === "city" ? null : view;
    document.querySelectorAll(".tabs a").forEach((a) => {
      if (a.dataset.view === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
  }

  function route() {
    const hash = location.hash.replace(/^#\/?/, "");
    const [path, query] = [hash.split("?")[0], hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : ""];
    const params = new URLSearchParams(query);
    const parts = path.split("/").filter(Boolean);
    document.title = "Praxis — integration practices and mentor cities";
    if (parts[0] === "search") { show("search"); runSearch(params); }
    else if (parts[0] === "documents") { show("documents"); showDocuments(params); }
    else if (parts[0] === "document" && /^\d+$/.test(parts[1] || "")) { show("document"); showDocument(parts[1], params); }
    else if (parts[0] === "city" && parts[1]) {
      let name = parts.slice(1).join("/");
      try { name = decodeURIComponent(name); } catch (e) { /* keep as is */ }
      show("city"); showCity(name);
    } else { show("mentee"); }
    window.scrollTo(0, 0);
  }
  window.addEventListener("hashchange", route);

  // -- filters and footer from the library itself -------------------------------------------------
  async function loadFacets() {
    try {
      const facets = await api("/facets");
      const lang = $("f-lang"), topic = $("f-topic");
      facets.languages.forEach((l) => lang.append(h("option", { value: l.value }, `${languageName(l.value)} (${l.count})`)));
      facets.topics.forEach((t) => topic.append(h("option", { value: t.value }, `${topicLabel(t.value)} (${t.count})`)));
      facets.countries.forEach((c) => $("country-codes").append(h("option", { value: c.value })));
      facets.cities.forEach((c) => $("city-names").append(h("option", { value: c.value })));
      // a search shown before the options arrived keeps its filters
      const params = new URLSearchParams(location.hash.split("?")[1] || "");
      if (params.get("lang")) lang.value = params.get("lang");
      if (params.get("topic")) topic.value = params.get("topic");
    } catch (error) { /* the filters still work as free text */ }
    try {
      const health = await api("/health");
      $("library-size").textContent = `${health.documents} documents, ${health.passages} passages`;
    } catch (error) { /* footer only */ }
  }

  route();
  loadFacets();
})();
