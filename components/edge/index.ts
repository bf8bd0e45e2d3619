export { Edge, type EdgeArgs } from "./edge";
export { HaproxyFleet, type HaproxyFleetArgs } from "./fleet";
export { EdgeLoadBalancer, type EdgeLoadBalancerArgs, STANDBY_PORT } from "./loadBalancer";
export { buildAgentBundle, describeBundle, type AgentBundle } from "./bundle";
export { fleetSizes } from "./sizing";
