/**
 * Imported first by the server (before anything that loads Remix): React Router's matcher with
 * its branches and patterns kept instead of made per match (decision 030).
 */
import { preloadRouterMemory } from "./route-matching.server";

preloadRouterMemory();
