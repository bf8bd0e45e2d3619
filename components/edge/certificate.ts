/**
 * The edge's TLS certificate: an existing ACM certificate, or one the stack requests and
 * validates with DNS records in a hosted zone. The listener reads the ARN through the
 * validation, so it never points at a certificate ACM has not issued yet.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeTlsConfig } from "../config/areas/edge";

/**
 * The names ACM validates: a wildcard and its apex share one validation record, so one record
 * per distinct base name. Keyed by name, never by position, so adding a name adds a record.
 */
export function validationNames(domainName: string, alternatives: string[]): string[] {
  return [...new Set([domainName, ...alternatives].map((n) => n.replace(/^\*\./, "")))];
}

export function edgeCertificateArn(
  name: string,
  tls: EdgeTlsConfig,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  if (tls.certificateArn) return pulumi.output(tls.certificateArn);
  const spec = tls.certificate!;
  const certificate = new aws.acm.Certificate(
    `${name}-tls`,
    {
      domainName: spec.domainName,
      subjectAlternativeNames: spec.subjectAlternativeNames,
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      tags: { Name: `${name}-tls` },
    },
    // A new certificate must exist before the listener lets go of the old one.
    { parent, deleteBeforeReplace: false },
  );
  const records = validationNames(spec.domainName, spec.subjectAlternativeNames).map((domain) => {
    const option = certificate.domainValidationOptions.apply((options) => {
      const found = options.find((o) => o.domainName === domain || o.domainName === `*.${domain}`);
      if (!found) throw new Error(`ACM returned no validation record for ${domain}`);
      return found;
    });
    return new aws.route53.Record(
      `${name}-tls-validation-${domain}`,
      {
        zoneId: spec.hostedZoneId,
        name: option.apply((o) => o.resourceRecordName!),
        type: option.apply((o) => o.resourceRecordType!),
        records: [option.apply((o) => o.resourceRecordValue!)],
        ttl: 300,
        allowOverwrite: true,
      },
      { parent },
    );
  });
  const validation = new aws.acm.CertificateValidation(
    `${name}-tls`,
    { certificateArn: certificate.arn, validationRecordFqdns: records.map((r) => r.fqdn) },
    { parent },
  );
  return validation.certificateArn;
}
