import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { EBS_VOLUME } from "../lib/ec2";
import { ofType, referencedBy } from "../lib/stack";
import { effectiveTags, ownTags, type Tags } from "../lib/tags";
import { at, list, record, records, strings, text } from "../lib/values";

const DLM_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy";
const BACKUP_SELECTION = "aws:backup/selection:Selection";
/** Backup selections that name every EBS volume of the account. */
const ALL_VOLUMES = ["*", "arn:aws:ec2:*:*:volume/*"];

const settings = configurable(
  { dataRoles: ["etcd", "mysql", "mongodb"] },
  { dataRoles: "Role tag values (also matched in volume names) that mark etcd and database data volumes." },
);

/** By Role tag, or by name so that a volume which forgot its tag is still checked. */
function isDataVolume(volume: PolicyResource, dataRoles: string[]): boolean {
  const role = ownTags(volume.props).Role;
  const name = volume.name.toLowerCase();
  return (
    (role !== undefined && dataRoles.includes(role)) || dataRoles.some((r) => name.includes(r.toLowerCase()))
  );
}

function matches(tags: Tags, wanted: Tags): boolean {
  return Object.keys(wanted).length > 0 && Object.entries(wanted).every(([k, v]) => tags[k] === v);
}

function dlmCovers(policy: PolicyResource, tags: Tags): boolean {
  const targetsVolumes = strings(at(policy.props, "policyDetails", "resourceTypes")).includes("VOLUME");
  const targetTags = (record(at(policy.props, "policyDetails", "targetTags")) ?? {}) as Tags;
  return policy.props.state !== "DISABLED" && targetsVolumes && matches(tags, targetTags);
}

function backupCovers(selection: PolicyResource, volume: PolicyResource, tags: Tags): boolean {
  const byTag = records(selection.props.selectionTags).some(
    (t) => text(t.type) === "STRINGEQUALS" && tags[String(t.key)] === t.value,
  );
  const byArn = list(selection.props.resources).some((arn) => ALL_VOLUMES.includes(String(arn)));
  const byReference = referencedBy(selection, "resources").some((r) => r.urn === volume.urn);
  return byTag || byArn || byReference;
}

/**
 * etcd's keyspace (every route) and the databases' files outlive any host: their volumes must
 * survive `pulumi destroy` or a replacement (protect or retainOnDelete), and a DLM policy or an
 * AWS Backup selection must snapshot them. Note that the CLI shows policies `protect` but not
 * `retainOnDelete`, so components set `protect` to pass under `pulumi preview` too.
 */
export const dataVolumesProtected: StackValidationPolicy = {
  name: "data-volumes-protected",
  description:
    "etcd and database data volumes are retained on delete and covered by DLM or AWS Backup snapshots.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateStack: (args, report) => {
    const { dataRoles } = settings.read(args);
    const dlm = ofType(args.resources, DLM_POLICY);
    const selections = ofType(args.resources, BACKUP_SELECTION);
    for (const volume of ofType(args.resources, EBS_VOLUME).filter((v) => isDataVolume(v, dataRoles))) {
      const opts = volume.opts as { protect: boolean; retainOnDelete?: boolean };
      if (!opts.protect && !opts.retainOnDelete) {
        report("Data volume is neither protected nor retained on delete.", volume.urn);
      }
      const tags = effectiveTags(volume.props, volume.provider);
      if (!dlm.some((p) => dlmCovers(p, tags)) && !selections.some((s) => backupCovers(s, volume, tags))) {
        report("Data volume is covered by no DLM lifecycle policy or AWS Backup selection.", volume.urn);
      }
    }
  },
};
