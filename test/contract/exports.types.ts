/**
 * Compile-time tests of the exports contract (components/contract/exports.ts). This file is never
 * run: `npm run typecheck` compiles it (CI type-checks before the tests), and every
 * `@ts-expect-error` below must meet an error, so a weakened ExportsContract (optional keys, no
 * shape per key, an index signature) or a STACK_EXPORTS that drifts from StackExports fails the
 * type-check. Tests run through tsx, which strips types without checking them: they cannot do this.
 */
import {
  STACK_EXPORTS,
  type ExportKey,
  type ExportsContract,
  type StackExports,
} from "../../components/contract/exports";

/** True only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

// The runtime table lists exactly the interface's keys, each with its value's shape.
export type TableHasEveryKey = Assert<Equal<keyof typeof STACK_EXPORTS, ExportKey>>;
export const stackTable: ExportsContract<StackExports> = STACK_EXPORTS;

interface Fixture {
  name: string;
  ids: string[];
  byColour: Record<"blue" | "green", string>;
}
/** Takes a table of exports for Fixture; an object literal passed here gets excess-key checks. */
declare function fixture(table: ExportsContract<Fixture>): void;
type Spec = { secret: false };
declare const name: { shape: "string" } & Spec;
declare const ids: { shape: "string[]" } & Spec;
declare const byColour: { shape: "record"; keys: readonly string[] } & Spec;

fixture({ name, ids, byColour });

// A missing key is a compile error.
// @ts-expect-error -- byColour is missing
fixture({ name, ids });

// A value of the wrong shape is a compile error, whichever way it is wrong.
// @ts-expect-error -- a string declared as a list
fixture({ name: ids, ids, byColour });
// @ts-expect-error -- a record declared as a string (and without its keys)
fixture({ name, ids, byColour: name });
// @ts-expect-error -- a list declared as a record
fixture({ name, ids: byColour, byColour });

// An unknown key is a compile error.
// @ts-expect-error -- `extra` is not in Fixture
fixture({ name, ids, byColour, extra: name });

// The same holds for the real contract.
declare const withoutVpc: Omit<typeof STACK_EXPORTS, "vpcId">;
// @ts-expect-error -- vpcId is missing
export const missingKey: ExportsContract<StackExports> = withoutVpc;
export const wrongShape: ExportsContract<StackExports> = {
  ...STACK_EXPORTS,
  // @ts-expect-error -- vpcId is a string, not a list
  vpcId: STACK_EXPORTS.publicSubnetIds,
};
// @ts-expect-error -- vpcArn is not in StackExports
export const unknownKey: ExportsContract<StackExports> = { ...STACK_EXPORTS, vpcArn: STACK_EXPORTS.vpcId };
