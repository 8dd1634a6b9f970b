/**
 * A neighborhood's boundary as GeoJSON, checked before it is stored: only Polygon or MultiPolygon
 * (a Feature or one-feature FeatureCollection around one is unwrapped), longitude/latitude in
 * range, closed rings, and bounded size so a pasted map export cannot bloat every page.
 */
export type Boundary = { type: "Polygon"; coordinates: number[][][] } | { type: "MultiPolygon"; coordinates: number[][][][] };

export type BoundaryError =
  "boundary_invalid_json" | "boundary_too_large" | "boundary_not_polygon" | "boundary_bad_coordinates" | "boundary_too_many_points";

export const BOUNDARY_MAX_CHARS = 200_000;
export const BOUNDARY_MAX_POINTS = 5_000;

type Result = { ok: true; boundary: Boundary } | { ok: false; error: BoundaryError };

export function parseBoundary(text: string): Result {
  if (text.length > BOUNDARY_MAX_CHARS) return { ok: false, error: "boundary_too_large" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: "boundary_invalid_json" };
  }
  let geometry = value as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown };
  if (geometry?.type === "FeatureCollection" && Array.isArray(geometry.features) && geometry.features.length === 1) {
    geometry = geometry.features[0] as typeof geometry;
  }
  if (geometry?.type === "Feature") geometry = geometry.geometry as typeof geometry;
  if (!geometry || (geometry.type !== "Polygon" && geometry.type !== "MultiPolygon")) {
    return { ok: false, error: "boundary_not_polygon" };
  }
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) return { ok: false, error: "boundary_bad_coordinates" };
  let points = 0;
  for (const polygon of polygons as unknown[]) {
    if (!Array.isArray(polygon) || polygon.length === 0) return { ok: false, error: "boundary_bad_coordinates" };
    for (const ring of polygon as unknown[]) {
      if (!Array.isArray(ring) || ring.length < 4) return { ok: false, error: "boundary_bad_coordinates" };
      points += ring.length;
      if (points > BOUNDARY_MAX_POINTS) return { ok: false, error: "boundary_too_many_points" };
      for (const position of ring as unknown[]) {
        if (!isPosition(position)) return { ok: false, error: "boundary_bad_coordinates" };
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) return { ok: false, error: "boundary_bad_coordinates" };
    }
  }
  // Keep only what is needed: no properties, no extra members.
  return {
    ok: true,
    boundary:
      geometry.type === "Polygon"
        ? { type: "Polygon", coordinates: (geometry.coordinates as number[][][]).map((r) => r.map(([x, y]) => [x!, y!])) }
        : {
            type: "MultiPolygon",
            coordinates: (geometry.coordinates as number[][][][]).map((p) => p.map((r) => r.map(([x, y]) => [x!, y!]))),
          },
  };
}

function isPosition(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return false;
  const [lon, lat] = value;
  return (
    typeof lon === "number" &&
    typeof lat === "number" &&
    Number.isFinite(lon) &&
    Number.isFinite(lat) &&
    lon >= -180 &&
    lon <= 180 &&
    lat >= -90 &&
    lat <= 90
  );
}

/** An SVG path for drawing the outline (north up), scaled into a width × height box. */
export function boundaryPath(boundary: Boundary, width: number, height: number): string {
  const rings = (boundary.type === "Polygon" ? [boundary.coordinates] : boundary.coordinates).flat();
  const all = rings.flat();
  const xs = all.map((p) => p[0]!);
  const ys = all.map((p) => p[1]!);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // Longitude degrees shrink with latitude; keep the shape's proportions.
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxX - minX) * kx, 1e-9);
  const spanY = Math.max(maxY - minY, 1e-9);
  const scale = Math.min(width / spanX, height / spanY) * 0.9;
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  return rings
    .map(
      (ring) =>
        ring
          .map(([x, y], i) => `${i ? "L" : "M"}${(offX + (x! - minX) * kx * scale).toFixed(1)},${(offY + (maxY - y!) * scale).toFixed(1)}`)
          .join("") + "Z",
    )
    .join("");
}
