export * from "./exports";
export { requireStackExports, type StackOutputs } from "./reference";
