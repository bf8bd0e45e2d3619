/**
 * Imported first by the plan's entry points. Source maps cost the plan dearly: with them on (tsx
 * turns them on), Node reads and indexes the .map file of every @pulumi module it loads and maps
 * every stack the SDK captures (one per resource and per promise). Under mocks nobody reads those
 * positions, so the plan runs without them; SWITCHYARD_PLAN_TRACES=1 keeps them (and full stack
 * traces) for debugging the program.
 */
export const KEEP_TRACES = process.env.SWITCHYARD_PLAN_TRACES === "1";

if (!KEEP_TRACES) process.setSourceMapsEnabled(false);

/**
 * @pulumi/pulumi loads two large modules as it is imported, for features a plan never uses: the
 * TypeScript compiler (9 MB, for the closure serializer, which this stack's dynamic providers do not
 * use: components/common/dynamicProvider.ts) and npm's Arborist (for the code paths of serialized
 * functions). Required from the SDK, they become proxies that load the real module on first use, so
 * a plan that never serializes a function never pays for them (about a third of the SDK's load).
 */
const DEFERRED = new Set(["typescript", "@npmcli/arborist"]);
const SDK_FILE = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;

type Load = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Module._load is not in the typings
const Module = require("node:module") as { _load: Load };
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (!DEFERRED.has(request) || !parent || !SDK_FILE.test(parent.filename)) {
    return load.call(this, request, parent, isMain);
  }
  let real: object | undefined;
  const target = () => (real ??= load.call(this, request, parent, isMain) as object);
  return new Proxy(
    {},
    {
      // `__esModule` lets TypeScript's __importStar hand the proxy through without copying it.
      get: (_, key) => (key === "__esModule" ? true : Reflect.get(target(), key)),
      has: (_, key) => key in target(),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Object.getOwnPropertyDescriptor(target(), key);
        return d && { ...d, configurable: true };
      },
    },
  );
};
