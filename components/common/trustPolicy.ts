/** The trust policy that lets one AWS service assume a role (EC2, EKS, DLM, VPC flow logs, ...). */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
