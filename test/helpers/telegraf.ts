/** Rendered Telegraf configuration as TOML, checked against the plugin option tables. */
import { parse as parseToml } from "smol-toml";
import { unknownTelegrafOptions } from "../../components/common/telegraf/config";

type Doc = Record<string, Record<string, Record<string, unknown>[]>>;

/** Every agent, input and output option of the TOML text that is not upstream's; [] when all are. */
export function unknownOptionsInToml(text: string): string[] {
  const doc = parseToml(text) as Doc;
  const entries = (kind: "inputs" | "outputs") =>
    Object.entries(doc[kind] ?? {}).flatMap(([plugin, list]) =>
      list.map((options) => ({ plugin, options })),
    ) as never;
  return unknownTelegrafOptions({
    agent: doc.agent as never,
    inputs: entries("inputs"),
    outputs: entries("outputs"),
  });
}
