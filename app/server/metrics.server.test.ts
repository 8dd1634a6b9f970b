import type { ServerBuild } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { routeMatcher } from "./metrics.server";

const route = (id: string, parentId: string | undefined, path?: string, index?: boolean) => ({
  id,
  parentId,
  path,
  index,
  caseSensitive: undefined,
  module: {},
});

const build = {
  routes: {
    root: route("root", undefined, ""),
    "routes/_index": route("routes/_index", "root", undefined, true),
    "routes/proposals._index": route("routes/proposals._index", "root", "proposals", true),
    "routes/proposals.new": route("routes/proposals.new", "root", "proposals/new"),
    "routes/proposals.$proposalId": route("routes/proposals.$proposalId", "root", "proposals/:proposalId"),
    "routes/councils.$councilId.proposals": route("routes/councils.$councilId.proposals", "root", "councils/:councilId/proposals"),
    "routes/$": route("routes/$", "root", "*"),
  },
} as unknown as ServerBuild;

describe("the route label of a request", () => {
  const labelOf = routeMatcher(() => build);
  const id = "2e64d53a-2914-1d5f-377c-6b246412f009";
  const other = "6B767BD4-5ABE-CEA0-51AB-3F45E705B98E";

  it("names the Remix route, the same for every id and for the data request", () => {
    for (let round = 0; round < 2; round++) {
      expect(labelOf("/")).toBe("routes/_index");
      expect(labelOf("/proposals")).toBe("routes/proposals._index");
      expect(labelOf("/proposals/new")).toBe("routes/proposals.new");
      expect(labelOf(`/proposals/${id}`)).toBe("routes/proposals.$proposalId");
      expect(labelOf(`/proposals/${other}`)).toBe("routes/proposals.$proposalId");
      expect(labelOf(`/proposals/${id}.data`)).toBe("routes/proposals.$proposalId");
      expect(labelOf(`/councils/${id}/proposals`)).toBe("routes/councils.$councilId.proposals");
      // Not an id: matched as it is.
      expect(labelOf(`/councils/${id}x/proposals`)).toBe("routes/councils.$councilId.proposals");
      expect(labelOf(`/councils/${id}/proposals/more`)).toBe("routes/$");
      expect(labelOf("/no/such/page")).toBe("routes/$");
      expect(labelOf("/_root.data")).toBe("routes/_index");
    }
  });

  it("labels the server's own paths and static files without matching", () => {
    expect(labelOf("/healthz")).toBe("/healthz");
    expect(labelOf("/build/entry.client-ABC.js")).toBe("static");
    expect(labelOf("/favicon.svg")).toBe("static");
  });

  it("keeps answering correctly past the number of shapes it remembers", () => {
    for (let i = 0; i < 2_100; i++) expect(labelOf(`/p${i}`)).toBe("routes/$");
    expect(labelOf(`/proposals/${id}`)).toBe("routes/proposals.$proposalId");
  });
});
