/** The user-data documents the plan gives hosts: etcd instances' and the fleets' launch templates'. */
import type { Plan } from "./plan";
import { ofType } from "./plan";

export interface HostDocument {
  /** Resource type and name, for messages. */
  owner: string;
  text: string;
}

export function userDataDocuments(plan: Plan): HostDocument[] {
  const instances = ofType(plan, "aws:ec2/instance:Instance").map((r) => ({
    owner: `instance ${r.name}`,
    text: String(r.inputs.userData),
  }));
  const templates = ofType(plan, "aws:ec2/launchTemplate:LaunchTemplate")
    .filter((r) => r.name.startsWith("edge-"))
    .map((r) => ({
      owner: `launch template ${r.name}`,
      text: Buffer.from(String(r.inputs.userData), "base64").toString("utf8"),
    }));
  return [...instances, ...templates];
}
