import type { ResourceValidationPolicy } from "@pulumi/policy";
import { INSTANCE, LAUNCH_CONFIGURATION, LAUNCH_TEMPLATE } from "../lib/ec2";
import { decodeBase64UserData, secretsIn } from "../lib/userData";
import { text } from "../lib/values";

/** Which properties carry user-data, and whether they are base64. */
const USER_DATA: Record<string, [string, boolean][]> = {
  [INSTANCE]: [
    ["userData", false],
    ["userDataBase64", true],
  ],
  [LAUNCH_CONFIGURATION]: [
    ["userData", false],
    ["userDataBase64", true],
  ],
  [LAUNCH_TEMPLATE]: [["userData", true]],
};

/** See lib/userData.ts: user-data is readable in state and through the EC2 API. */
export const userDataNoSecrets: ResourceValidationPolicy = {
  name: "user-data-no-secrets",
  description:
    "EC2 user-data contains no key material, passwords or Pulumi secrets; hosts fetch them at boot.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const [property, base64] of USER_DATA[args.type] ?? []) {
      const value = text(args.props[property]);
      if (value === undefined) continue;
      const found = secretsIn(base64 ? decodeBase64UserData(value) : value);
      if (found.length > 0) report(`${property} contains ${found.join(", ")}.`);
    }
  },
};
