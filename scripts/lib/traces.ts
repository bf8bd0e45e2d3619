/**
 * Imported first by the plan's entry points. Source maps cost the plan dearly: with them on (tsx
 * turns them on), Node reads and indexes the .map file of every @pulumi module it loads and maps
 * every stack the SDK captures (one per resource and per promise). Under mocks nobody reads those
 * positions, so the plan runs without them; SWITCHYARD_PLAN_TRACES=1 keeps them (and full stack
 * traces) for debugging the program.
 */
export const KEEP_TRACES = process.env.SWITCHYARD_PLAN_TRACES === "1";

if (!KEEP_TRACES) process.setSourceMapsEnabled(false);
