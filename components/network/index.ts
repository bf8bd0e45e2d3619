export { Network, type NetworkArgs } from "./network";
export { planSubnets, parseCidr, isPrivateCidr, type PlannedSubnet, type TierName } from "../../model/cidr";
