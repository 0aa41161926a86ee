// Builds service/static/europe-map.json: country outlines of Europe as SVG paths, once.
//
// Source: Natural Earth 1:50m admin-0 countries (public domain) as carried by the npm
// package `world-atlas` (ISC licence, see service/static/europe-map.LICENSE.txt).
// Run (needs network for npm, not at run time):
//   mkdir /tmp/m && cd /tmp/m && npm install world-atlas@2 topojson-client@3 topojson-simplify@3
//   NODE_PATH=/tmp/m/node_modules node tools/europe_map.mjs > service/static/europe-map.json
//
// Projection: Lambert azimuthal equal-area centred on 10°E 52°N (the ETRS89-LAEA idea),
// so areas and distances across Europe look right; the page projects cities with the
// same formula (service/static/map.js), so the numbers here must match it.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const topo = require("world-atlas/countries-50m.json");
const { feature } = require("topojson-client");
const { presimplify, simplify, quantile } = require("topojson-simplify");

const LON0 = 10, LAT0 = 52, SCALE = 6371000 / 5000; // one unit is 5 km
const rad = Math.PI / 180;
function project(lon, lat) {
  const l = (lon - LON0) * rad, p = lat * rad, p0 = LAT0 * rad;
  const k = Math.sqrt(2 / (1 + Math.sin(p0) * Math.sin(p) + Math.cos(p0) * Math.cos(p) * Math.cos(l)));
  const x = k * Math.cos(p) * Math.sin(l);
  const y = k * (Math.cos(p0) * Math.sin(p) - Math.sin(p0) * Math.cos(p) * Math.cos(l));
  return [x * SCALE, -y * SCALE];
}
// The visible box: Iceland and Portugal to the Caucasus, Crete and Cyprus to the North Cape.
const corners = [[-10, 35.5], [-24.5, 65], [31, 71.3], [45, 38.5], [35, 34.5], [-9.5, 43]].map(([a, b]) => project(a, b));
const X0 = Math.min(...corners.map((c) => c[0])), X1 = Math.max(...corners.map((c) => c[0]));
const Y0 = Math.min(...corners.map((c) => c[1])), Y1 = Math.max(...corners.map((c) => c[1]));
const PAD = 20; // clip a little outside the box so no clipped edge is visible

function clip(ring) { // Sutherland–Hodgman against the padded box
  const edges = [
    (p) => p[0] >= X0 - PAD, (p) => p[0] <= X1 + PAD, (p) => p[1] >= Y0 - PAD, (p) => p[1] <= Y1 + PAD];
  const cut = [
    (a, b) => at(a, b, 0, X0 - PAD), (a, b) => at(a, b, 0, X1 + PAD),
    (a, b) => at(a, b, 1, Y0 - PAD), (a, b) => at(a, b, 1, Y1 + PAD)];
  function at(a, b, axis, v) {
    const t = (v - a[axis]) / (b[axis] - a[axis]);
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }
  let out = ring;
  for (let e = 0; e < 4 && out.length; e++) {
    const input = out; out = [];
    for (let i = 0; i < input.length; i++) {
      const cur = input[i], prev = input[(i + input.length - 1) % input.length];
      if (edges[e](cur)) { if (!edges[e](prev)) out.push(cut[e](prev, cur)); out.push(cur); }
      else if (edges[e](prev)) out.push(cut[e](prev, cur));
    }
  }
  return out;
}

const simple = simplify(presimplify(topo), quantile(presimplify(topo), 0.4));
const countries = [];
for (const f of feature(simple, simple.objects.countries).features) {
  if (!f.geometry) continue;
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const parts = [];
  for (const poly of polys) for (const ring of poly) {
    const pts = clip(ring.map(([lon, lat]) => project(lon, lat)))
      .map(([x, y]) => [Math.round(x - X0 + PAD), Math.round(y - Y0 + PAD)])
      .filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
    if (pts.length < 3) continue;
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    if (Math.max(...xs) - Math.min(...xs) < 2 && Math.max(...ys) - Math.min(...ys) < 2) continue; // dust
    let d = "M" + pts[0].join(" ");
    for (let i = 1; i < pts.length; i++) d += "l" + (pts[i][0] - pts[i - 1][0]) + " " + (pts[i][1] - pts[i - 1][1]);
    parts.push(d + "z");
  }
  if (parts.length) countries.push({ id: f.id || "", name: f.properties.name, d: parts.join("") });
}
countries.sort((a, b) => a.name.localeCompare(b.name));
const out = {
  source: "Natural Earth 1:50m admin-0 countries (public domain), via world-atlas 2 (ISC)",
  projection: { name: "laea", lon0: LON0, lat0: LAT0, scale: SCALE, dx: -X0 + PAD, dy: -Y0 + PAD },
  width: Math.round(X1 - X0 + 2 * PAD), height: Math.round(Y1 - Y0 + 2 * PAD),
  countries,
};
process.stdout.write(JSON.stringify(out) + "\n");
