export { Network, type NetworkArgs } from "./network";
export { planSubnets, type PlannedSubnet, type TierName } from "./subnets";
export { RunnerAccess, planRunnerRoutes, type DeployRunners, type RunnerAccessArgs } from "./runners";
