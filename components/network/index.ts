export { Network, type NetworkArgs } from "./network";
export { planSubnets, type PlannedSubnet, type TierName } from "./subnets";
