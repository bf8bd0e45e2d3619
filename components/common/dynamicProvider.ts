/**
 * The stack's one dynamic-provider style (the Route, the fleet swap gate).
 *
 * A dynamic resource keeps its provider's code in state (`__provider`), and the engine runs that
 * text, taken from the state for delete and refresh, with require-from-string in a Node process
 * started in the project directory. Pulumi's closure serializer would put there whatever the
 * methods reference: the absolute path of the checkout they were loaded from, or functions by
 * value with the TypeScript helpers and module state they close over. Here `__provider` is a fixed
 * loader instead: it names the provider module by its path relative to the program's working
 * directory (the project directory; also the provider process's) and loads it, with tsx when it is
 * TypeScript, in the provider process. State then holds no absolute path, so a checkout at another
 * path (another CI runner) deletes and refreshes what an earlier one created, with its own copy of
 * the code, and the program never loads the provider's implementation (etcd3, the AWS SDK) nor the
 * closure serializer (a V8 inspector session and the TypeScript compiler).
 *
 * The provider module exports a `pulumi.dynamic.ResourceProvider`. Resources of one type keep one
 * module path and export name: state written earlier is deleted and refreshed through them.
 */
import { relative, sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";

export interface ProviderModule {
  /** Absolute path of the provider module, e.g. `require.resolve("./provider")`. */
  path: string;
  /** Its export that holds the `ResourceProvider`. */
  exportName: string;
}

/** The `__provider` text: a module whose `handler()` returns the provider, as the engine expects. */
export function providerLoaderText(module: ProviderModule, cwd: string = process.cwd()): string {
  const path = relative(cwd, module.path).split(sep).join("/");
  return [
    "exports.handler = function () {",
    `  const file = require("path").resolve(${JSON.stringify(path)});`,
    '  if (/\\.[cm]?ts$/.test(file) && require.extensions[".ts"] === undefined) require("tsx/cjs/api").register();',
    `  return require(file)[${JSON.stringify(module.exportName)}];`,
    "};",
    "",
  ].join("\n");
}

/**
 * A dynamic resource whose provider is `module`, registered as
 * `pulumi-nodejs:dynamic/<tokenModule>:<type>` exactly as `pulumi.dynamic.Resource` registers it.
 */
export abstract class ModuleProviderResource extends pulumi.CustomResource {
  constructor(
    module: ProviderModule,
    token: { module: string; type: string },
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    if ("__provider" in props) throw new Error("a dynamic resource must not define the __provider key");
    super(
      `pulumi-nodejs:dynamic/${token.module}:${token.type}`,
      name,
      { ...props, __provider: providerLoaderText(module) },
      opts,
    );
  }
}
