import * as pulumi from "@pulumi/pulumi";
import { createRules } from "../common/sgRules";
import { databaseRules, type DatabasePeers } from "./securityRules";

export interface DatabaseNetworkArgs {
  engines: { mysql: boolean; mongodb: boolean };
  securityGroupIds: DatabasePeers;
}

/** The rules of the `databases` security group, declared once for both engines (AWS refuses duplicates). */
export class DatabaseNetwork extends pulumi.ComponentResource {
  constructor(name: string, args: DatabaseNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:data:DatabaseNetwork", name, {}, opts);
    createRules(
      name,
      args.securityGroupIds.databases,
      databaseRules(args.engines, args.securityGroupIds),
      this,
    );
    this.registerOutputs({});
  }
}
