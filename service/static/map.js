/* Praxis: a map of Europe in SVG, from country outlines shipped with the page (europe-map.json,
 * Natural Earth via world-atlas; built by tools/europe_map.mjs). No tiles, no network.
 * PraxisMap.render(container, points, labels): points are {name, latitude, longitude, kind}
 * (kind "mentee" or "mentor"), lines are optional {from, to} pairs of point names. */
"use strict";
window.PraxisMap = (function () {
  const SVG = "http://www.w3.org/2000/svg";
  let outlines = null;

  async function load() {
    if (!outlines) {
      outlines = fetch("/static/europe-map.json").then((r) => {
        if (!r.ok) throw new Error("map outlines missing");
        return r.json();
      });
      outlines.catch(() => { outlines = null; });
    }
    return outlines;
  }

  // The same Lambert azimuthal equal-area projection as tools/europe_map.mjs.
  function projector(p) {
    const rad = Math.PI / 180, p0 = p.lat0 * rad;
    return (lon, lat) => {
      const l = (lon - p.lon0) * rad, phi = lat * rad;
      const k = Math.sqrt(2 / (1 + Math.sin(p0) * Math.sin(phi) + Math.cos(p0) * Math.cos(phi) * Math.cos(l)));
      const x = k * Math.cos(phi) * Math.sin(l);
      const y = k * (Math.cos(p0) * Math.sin(phi) - Math.sin(p0) * Math.cos(phi) * Math.cos(l));
      return [x * p.scale + p.dx, -y * p.scale + p.dy];
    };
  }

  function el(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Draws the map into `container` (emptied first); resolves to {placed: count, outside: [names]}. */
  async function render(container, points, options) {
    const opts = options || {};
    const data = await load();
    const project = projector(data.projection);
    const located = points.filter((p) => Number.isFinite(p.latitude) && Number.isFinite(p.longitude))
      .map((p) => Object.assign({}, p, { xy: project(p.longitude, p.latitude) }));
    // A city outside the drawn part of Europe is named beside the map, not drawn at its edge.
    const inside = (p) => p.xy[0] >= 0 && p.xy[0] <= data.width && p.xy[1] >= 0 && p.xy[1] <= data.height;
    const placed = located.filter(inside);
    const outside = located.filter((p) => !inside(p)).map((p) => p.name);
    const svg = el("svg", { viewBox: `0 0 ${data.width} ${data.height}`, role: "img", class: "map-svg",
                            "aria-label": opts.label || "" });
    svg.append(el("rect", { x: 0, y: 0, width: data.width, height: data.height, class: "map-sea" }));
    const land = el("g", { class: "map-land" });
    for (const c of data.countries) {
      const path = el("path", { d: c.d });
      path.append(el("title", {}, c.name));
      land.append(path);
    }
    svg.append(land);
    const byName = new Map(placed.map((p) => [p.name, p]));
    const lines = el("g", { class: "map-lines" });
    for (const link of opts.lines || []) {
      const a = byName.get(link.from), b = byName.get(link.to);
      if (a && b) lines.append(el("line", { x1: a.xy[0], y1: a.xy[1], x2: b.xy[0], y2: b.xy[1] }));
    }
    svg.append(lines);
    const dots = el("g", { class: "map-cities" });
    // mentors under mentees, so a mentee is never hidden by a mentor at the same place
    const order = placed.slice().sort((a, b) => (a.kind === "mentee") - (b.kind === "mentee"));
    for (const p of order) {
      const g = el("g", { class: `map-city map-${p.kind}`, "data-name": p.name });
      g.append(el("circle", { cx: p.xy[0].toFixed(1), cy: p.xy[1].toFixed(1), r: p.kind === "mentee" ? 13 : 10 }));
      g.append(el("text", { x: (p.xy[0] + 15).toFixed(1), y: (p.xy[1] + 7).toFixed(1) }, p.label || p.name));
      g.append(el("title", {}, p.title || p.name));
      dots.append(g);
    }
    svg.append(dots);
    while (container.firstChild) container.removeChild(container.firstChild);
    container.append(svg);
    return { placed: placed.length, outside };
  }

  return { render, load };
})();
