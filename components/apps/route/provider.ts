/**
 * The Route's dynamic provider. Pulumi serializes these methods with its closure serializer and runs
 * them in a separate provider process, so they capture nothing but a path: each call loads the
 * implementation (operations.ts, which uses the agent's schema module and etcd3) by absolute path.
 * When that path is TypeScript and no loader is registered (the provider process runs plain Node),
 * tsx's CommonJS hook is registered first.
 */
import type * as pulumi from "@pulumi/pulumi";

type Operations = typeof import("./operations");

const OPERATIONS_PATH: string = require.resolve("./operations");

function loadOperations(path: string): Operations {
  if (path.endsWith(".ts") && require.extensions[".ts"] === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only in the provider process
    require("tsx/cjs/api").register();
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the file comment
  return require(path) as Operations;
}

export const routeProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds, news) {
    return loadOperations(OPERATIONS_PATH).diff(olds, news);
  },
  async create(inputs) {
    return loadOperations(OPERATIONS_PATH).create(inputs);
  },
  async update(id, olds, news) {
    return loadOperations(OPERATIONS_PATH).update(id, olds, news);
  },
  async delete(id, olds) {
    return loadOperations(OPERATIONS_PATH).remove(id, olds);
  },
  async read(id, props) {
    return loadOperations(OPERATIONS_PATH).read(id, props);
  },
};
