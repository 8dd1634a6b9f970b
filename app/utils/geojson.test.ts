import { describe, expect, it } from "vitest";
import { BOUNDARY_MAX_CHARS, BOUNDARY_MAX_POINTS, boundaryPath, parseBoundary, type Boundary } from "./geojson";

// A small square in Tehran (longitude, latitude), closed.
const RING = [
  [51.4, 35.7],
  [51.41, 35.7],
  [51.41, 35.71],
  [51.4, 35.71],
  [51.4, 35.7],
];
const HOLE = [
  [51.402, 35.702],
  [51.404, 35.702],
  [51.404, 35.704],
  [51.402, 35.702],
];
const polygon = (rings: unknown = [RING]) => JSON.stringify({ type: "Polygon", coordinates: rings });

/** A closed ring of n points around a circle. */
function circle(n: number, lon = 51.4, lat = 35.7, r = 0.01) {
  const ring = Array.from({ length: n - 1 }, (_, i) => [
    lon + r * Math.cos((2 * Math.PI * i) / (n - 1)),
    lat + r * Math.sin((2 * Math.PI * i) / (n - 1)),
  ]);
  return [...ring, ring[0]!];
}

describe("parseBoundary: accepted shapes", () => {
  it("accepts a Polygon, holes included", () => {
    expect(parseBoundary(polygon())).toEqual({ ok: true, boundary: { type: "Polygon", coordinates: [RING] } });
    expect(parseBoundary(polygon([RING, HOLE]))).toEqual({ ok: true, boundary: { type: "Polygon", coordinates: [RING, HOLE] } });
  });

  it("accepts a MultiPolygon", () => {
    const other = RING.map(([x, y]) => [x! + 0.1, y!]);
    const text = JSON.stringify({ type: "MultiPolygon", coordinates: [[RING], [other]] });
    expect(parseBoundary(text)).toEqual({ ok: true, boundary: { type: "MultiPolygon", coordinates: [[RING], [other]] } });
  });

  it("unwraps a Feature and drops its properties", () => {
    const text = JSON.stringify({
      type: "Feature",
      id: 7,
      properties: { name: "محله", owner: "+989121234567" },
      geometry: { type: "Polygon", coordinates: [RING] },
    });
    const result = parseBoundary(text);
    expect(result).toEqual({ ok: true, boundary: { type: "Polygon", coordinates: [RING] } });
    expect(JSON.stringify(result)).not.toContain("properties");
    expect(JSON.stringify(result)).not.toContain("+98912");
  });

  it("unwraps a one-feature FeatureCollection", () => {
    const text = JSON.stringify({
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: { a: 1 }, geometry: { type: "MultiPolygon", coordinates: [[RING]] } }],
    });
    expect(parseBoundary(text)).toEqual({ ok: true, boundary: { type: "MultiPolygon", coordinates: [[RING]] } });
  });

  it("keeps only type and coordinates, and drops altitudes", () => {
    const withAltitude = RING.map(([x, y]) => [x, y, 1200]);
    const text = JSON.stringify({ type: "Polygon", coordinates: [withAltitude], bbox: [0, 0, 1, 1], crs: { type: "name" }, extra: "x" });
    const result = parseBoundary(text);
    expect(result).toEqual({ ok: true, boundary: { type: "Polygon", coordinates: [RING] } });
    if (result.ok) expect(Object.keys(result.boundary).sort()).toEqual(["coordinates", "type"]);
  });

  it("accepts the edges of the coordinate ranges", () => {
    const edge = [
      [-180, -90],
      [180, -90],
      [180, 90],
      [-180, -90],
    ];
    expect(parseBoundary(polygon([edge])).ok).toBe(true);
  });
});

describe("parseBoundary: refusals", () => {
  it.each(["", "{", "not json", "{type: 'Polygon'}", '{"type":"Polygon","coordinates":[[[NaN,35]]]}'])(
    "refuses text that is not JSON: %j",
    (text) => {
      expect(parseBoundary(text)).toEqual({ ok: false, error: "boundary_invalid_json" });
    },
  );

  it.each([
    ["a Point", { type: "Point", coordinates: [51.4, 35.7] }],
    ["a LineString", { type: "LineString", coordinates: RING }],
    ["a GeometryCollection", { type: "GeometryCollection", geometries: [{ type: "Polygon", coordinates: [RING] }] }],
    ["a Feature of a Point", { type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [51.4, 35.7] } }],
    ["a Feature without geometry", { type: "Feature", properties: {}, geometry: null }],
    ["an empty FeatureCollection", { type: "FeatureCollection", features: [] }],
    [
      "a FeatureCollection of two",
      {
        type: "FeatureCollection",
        features: [
          { type: "Feature", geometry: { type: "Polygon", coordinates: [RING] } },
          { type: "Feature", geometry: { type: "Polygon", coordinates: [RING] } },
        ],
      },
    ],
    ["a lowercase type", { type: "polygon", coordinates: [RING] }],
    ["null", null],
    ["a number", 42],
    ["an array", [RING]],
  ])("refuses %s", (_, value) => {
    expect(parseBoundary(JSON.stringify(value))).toEqual({ ok: false, error: "boundary_not_polygon" });
  });

  it.each([
    ["an unclosed ring", [RING.slice(0, 4)]],
    ["a ring closed on longitude only", [[...RING.slice(0, 4), [51.4, 35.75]]]],
    [
      "a ring of 3 points",
      [
        [
          [51.4, 35.7],
          [51.41, 35.7],
          [51.4, 35.7],
        ],
      ],
    ],
    ["longitude 200", [[RING[0], [200, 35.7], ...RING.slice(2)]]],
    ["longitude -180.5", [[RING[0], [-180.5, 35.7], ...RING.slice(2)]]],
    ["latitude 91", [[[51.4, 91], ...RING.slice(1, 4), [51.4, 91]]]],
    ["a number given as a string", [[["51.4", 35.7], ...RING.slice(1, 4), ["51.4", 35.7]]]],
    ["NaN given as a string", [[["NaN", 35.7], ...RING.slice(1, 4), ["NaN", 35.7]]]],
    ["null coordinates", [[[null, null], ...RING.slice(1, 4), [null, null]]]],
    ["a position with one number", [[[51.4], ...RING.slice(1)]]],
    ["a position with four numbers", [[...RING.slice(0, 2), [51.41, 35.71, 0, 0], ...RING.slice(3)]]],
    ["a position that is not an array", [[...RING.slice(0, 2), { x: 51.41, y: 35.71 }, ...RING.slice(3)]]],
    ["no rings", []],
    ["an empty ring", [[]]],
    ["rings that are not arrays", "not rings"],
  ])("refuses %s", (_, coordinates) => {
    expect(parseBoundary(polygon(coordinates))).toEqual({ ok: false, error: "boundary_bad_coordinates" });
  });

  it("refuses a number too large to be finite", () => {
    const text = '{"type":"Polygon","coordinates":[[[1e400,35.7],[51.41,35.7],[51.41,35.71],[1e400,35.7]]]}';
    expect(parseBoundary(text)).toEqual({ ok: false, error: "boundary_bad_coordinates" });
  });

  it("refuses a MultiPolygon with an empty polygon or a bad ring in a later polygon", () => {
    expect(parseBoundary(JSON.stringify({ type: "MultiPolygon", coordinates: [] }))).toEqual({
      ok: false,
      error: "boundary_bad_coordinates",
    });
    expect(parseBoundary(JSON.stringify({ type: "MultiPolygon", coordinates: [[RING], []] }))).toEqual({
      ok: false,
      error: "boundary_bad_coordinates",
    });
    expect(parseBoundary(JSON.stringify({ type: "MultiPolygon", coordinates: [[RING], [RING.slice(0, 4)]] }))).toEqual({
      ok: false,
      error: "boundary_bad_coordinates",
    });
  });

  it(`allows ${BOUNDARY_MAX_POINTS} points and refuses one more, counted across rings`, () => {
    expect(BOUNDARY_MAX_POINTS).toBe(5000);
    expect(parseBoundary(polygon([circle(5000)])).ok).toBe(true);
    expect(parseBoundary(polygon([circle(5001)]))).toEqual({ ok: false, error: "boundary_too_many_points" });
    expect(parseBoundary(polygon([circle(2500), circle(2501, 51.4, 35.7, 0.001)]))).toEqual({
      ok: false,
      error: "boundary_too_many_points",
    });
    const multi = JSON.stringify({ type: "MultiPolygon", coordinates: [[circle(3000)], [circle(2001, 51.5)]] });
    expect(parseBoundary(multi)).toEqual({ ok: false, error: "boundary_too_many_points" });
  });

  it(`allows ${BOUNDARY_MAX_CHARS} characters and refuses one more, before parsing`, () => {
    expect(BOUNDARY_MAX_CHARS).toBe(200_000);
    const text = polygon();
    const padded = text + " ".repeat(BOUNDARY_MAX_CHARS - text.length);
    expect(padded).toHaveLength(BOUNDARY_MAX_CHARS);
    expect(parseBoundary(padded).ok).toBe(true);
    expect(parseBoundary(padded + " ")).toEqual({ ok: false, error: "boundary_too_large" });
    // Not even looked at as JSON.
    expect(parseBoundary("x".repeat(BOUNDARY_MAX_CHARS + 1))).toEqual({ ok: false, error: "boundary_too_large" });
  });
});

describe("boundaryPath", () => {
  /** Every "x,y" pair the path draws. */
  const points = (path: string) => [...path.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);

  it("draws one closed subpath per ring inside the box", () => {
    const boundary: Boundary = { type: "Polygon", coordinates: [RING, HOLE] };
    const path = boundaryPath(boundary, 200, 120);
    expect(path).toMatch(/^(M-?\d+\.\d,-?\d+\.\d(L-?\d+\.\d,-?\d+\.\d)*Z)+$/);
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path.match(/Z/g)).toHaveLength(2);
    const drawn = points(path);
    expect(drawn).toHaveLength(RING.length + HOLE.length);
    for (const [x, y] of drawn) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(200);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(120);
    }
  });

  it("puts north up and keeps the shape's proportions at Tehran's latitude", () => {
    const path = boundaryPath({ type: "Polygon", coordinates: [RING] }, 100, 100);
    const drawn = points(path);
    const xs = drawn.map((p) => p[0]);
    const ys = drawn.map((p) => p[1]);
    // RING[2] is the north-east corner: largest x, smallest y.
    expect(drawn[2]).toEqual([Math.max(...xs), Math.min(...ys)]);
    // RING[0] is the south-west corner: smallest x, largest y.
    expect(drawn[0]).toEqual([Math.min(...xs), Math.max(...ys)]);
    const width = Math.max(...xs) - Math.min(...xs);
    const height = Math.max(...ys) - Math.min(...ys);
    // A square in degrees is narrower than tall by cos(latitude), and fills 90% of the box.
    expect(width / height).toBeCloseTo(Math.cos((35.705 * Math.PI) / 180), 2);
    expect(height).toBeCloseTo(90, 0);
    // Centred.
    expect((Math.max(...xs) + Math.min(...xs)) / 2).toBeCloseTo(50, 0);
    expect((Math.max(...ys) + Math.min(...ys)) / 2).toBeCloseTo(50, 0);
  });

  it("draws every polygon of a MultiPolygon in one frame", () => {
    const east = RING.map(([x, y]) => [x! + 0.05, y!]);
    const path = boundaryPath({ type: "MultiPolygon", coordinates: [[RING], [east]] }, 300, 100);
    expect(path.match(/M/g)).toHaveLength(2);
    for (const [x, y] of points(path)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(300);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(100);
    }
  });

  it("does not produce NaN for a shape with no area", () => {
    const dot = [
      [51.4, 35.7],
      [51.4, 35.7],
      [51.4, 35.7],
      [51.4, 35.7],
    ];
    const parsed = parseBoundary(polygon([dot]));
    expect(parsed.ok).toBe(true);
    const path = boundaryPath({ type: "Polygon", coordinates: [dot] }, 100, 100);
    expect(path).not.toMatch(/NaN|Infinity/);
    expect(path.startsWith("M")).toBe(true);
  });
});
