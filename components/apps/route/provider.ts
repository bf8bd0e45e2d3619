/**
 * The Route's dynamic provider. It runs in the engine's dynamic-provider process, loaded there by
 * path relative to the project directory (components/common/dynamicProvider.ts); the program only
 * names this file, so neither it nor etcd3 loads during `pulumi up` or an offline plan.
 */
import type * as pulumi from "@pulumi/pulumi";
import { create, diff, read, remove, update } from "./operations";

export const routeProvider: pulumi.dynamic.ResourceProvider = {
  diff: async (_id, olds, news) => diff(olds, news),
  create: async (inputs) => create(inputs),
  update: async (id, olds, news) => update(id, olds, news),
  delete: async (id, olds) => remove(id, olds),
  read: async (id, props) => read(id, props),
};
