export { SecurityGroups, SECURITY_ROLES, type SecurityRole } from "./securityGroups";
