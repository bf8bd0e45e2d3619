/**
 * AWS regions a stack may name: the provider's own list (`aws.Region` of the installed
 * @pulumi/aws), so a new region is accepted once the provider that can deploy to it is.
 */
import { Region } from "@pulumi/aws/types/enums";

export const AWS_REGIONS: readonly string[] = Object.values(Region);

export function isAwsRegion(name: string): boolean {
  return AWS_REGIONS.includes(name);
}
