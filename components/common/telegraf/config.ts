/**
 * Telegraf configuration files from data, as TOML. Used by the Kubernetes Telegrafs and by the
 * hosts' Telegraf alike; every plugin and option is checked against the upstream list first.
 * Credentials never appear here: options hold `${ENV}` references Telegraf resolves at start.
 */
import { stringify } from "smol-toml";
import {
  AGENT_OPTIONS,
  INPUT_COMMON_OPTIONS,
  INPUT_PLUGINS,
  OUTPUT_COMMON_OPTIONS,
  OUTPUT_PLUGINS,
  type InputPlugin,
  type OutputPlugin,
} from "./plugins";

export type TomlValue = string | number | boolean | string[] | Record<string, string>;
export type PluginOptions = Record<string, TomlValue>;

export interface TelegrafConfig {
  agent: PluginOptions;
  inputs: { plugin: InputPlugin; options: PluginOptions }[];
  outputs: { plugin: OutputPlugin; options: PluginOptions }[];
}

/** Every plugin or option the config names that upstream Telegraf does not have. */
export function unknownTelegrafOptions(c: TelegrafConfig): string[] {
  const problems: string[] = [];
  const agentKnown: readonly string[] = AGENT_OPTIONS;
  for (const key of Object.keys(c.agent)) if (!agentKnown.includes(key)) problems.push(`agent.${key}`);
  const check = (
    kind: string,
    plugins: Record<string, readonly string[]>,
    common: readonly string[],
    entries: { plugin: string; options: PluginOptions }[],
  ) => {
    for (const { plugin, options } of entries) {
      const own = plugins[plugin];
      if (!own) {
        problems.push(`${kind}.${plugin}`);
        continue;
      }
      for (const key of Object.keys(options))
        if (!own.includes(key) && !common.includes(key)) problems.push(`${kind}.${plugin}.${key}`);
    }
  };
  check("inputs", INPUT_PLUGINS, INPUT_COMMON_OPTIONS, c.inputs);
  check("outputs", OUTPUT_PLUGINS, OUTPUT_COMMON_OPTIONS, c.outputs);
  return problems;
}

function group(entries: { plugin: string; options: PluginOptions }[]): Record<string, PluginOptions[]> {
  const out: Record<string, PluginOptions[]> = {};
  for (const { plugin, options } of entries) (out[plugin] ??= []).push(options);
  return out;
}

export function renderTelegrafConfig(c: TelegrafConfig): string {
  const unknown = unknownTelegrafOptions(c);
  if (unknown.length > 0) throw new Error(`Telegraf has no such plugin or option: ${unknown.join(", ")}`);
  return `${stringify({ agent: c.agent, inputs: group(c.inputs), outputs: group(c.outputs) })}\n`;
}
