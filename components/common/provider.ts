import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const PROJECT = "switchyard";

/** Tags every AWS resource carries, applied once through the provider's default tags. */
export function defaultTags(stack: string, owner: string): Record<string, string> {
  return { Project: PROJECT, Stack: stack, ManagedBy: "pulumi", Owner: owner };
}

/**
 * The stack's AWS provider. Its default tags also carry `Environment`, by which the policies tell
 * a production stack (TLS at the edge is mandatory there) from the others.
 */
export function awsProvider(region: string, owner: string, environment: string): aws.Provider {
  return new aws.Provider("aws", {
    region: region as aws.Region,
    defaultTags: { tags: { ...defaultTags(pulumi.getStack(), owner), Environment: environment } },
  });
}
