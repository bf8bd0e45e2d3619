/** `switchyard:logging` validation: replication rules and the write path's keys. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { topicReplication } from "../../components/config/areas/logging";
import { loggingArgsFromConfig } from "../../components/logging";

const base = { "aws:region": "eu-west-1" };

function problems(raw: Record<string, unknown>): { path: string; message: string }[] {
  const encoded = Object.fromEntries(
    Object.entries({ ...base, ...raw }).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  try {
    parseConfig(encoded);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  return [];
}

describe("switchyard:logging", () => {
  test("replication defaults to min(3, brokers) and min.insync.replicas to one less (at least 1)", () => {
    assert.deepEqual(topicReplication({ brokers: 3 }), { replicationFactor: 3, minInsyncReplicas: 2 });
    assert.deepEqual(topicReplication({ brokers: 5 }), { replicationFactor: 3, minInsyncReplicas: 2 });
    assert.deepEqual(topicReplication({ brokers: 1 }), { replicationFactor: 1, minInsyncReplicas: 1 });
    assert.deepEqual(topicReplication({ brokers: 5, replicationFactor: 5 }), {
      replicationFactor: 5,
      minInsyncReplicas: 4,
    });
  });

  test("production refuses fewer than 3 copies or fewer than 2 in-sync replicas", () => {
    const found = problems({
      "switchyard:environment": "production",
      "switchyard:network": { azCount: 3 },
      "switchyard:monitoring": {
        alerts: { contactPoints: { sns: { topicArn: "arn:aws:sns:eu-west-1:123456789012:alerts" } } },
      },
      "switchyard:logging": { kafka: { brokers: 2 } },
    });
    assert.deepEqual(
      found.filter((p) => p.path.startsWith("switchyard:logging")).map((p) => p.path),
      ["switchyard:logging.kafka.replicationFactor", "switchyard:logging.kafka.minInsyncReplicas"],
    );
    assert.deepEqual(
      problems({ "switchyard:logging": { kafka: { brokers: 2 } } }),
      [],
      "development may run small",
    );
  });

  test("more copies than brokers, more in-sync replicas than copies, an even controller quorum are errors", () => {
    const rf = problems({ "switchyard:logging": { kafka: { brokers: 3, replicationFactor: 4 } } });
    assert.ok(
      rf.some(
        (p) =>
          p.path === "switchyard:logging.kafka.replicationFactor" &&
          /at most kafka.brokers \(3\)/.test(p.message),
      ),
    );
    const quorum = problems({ "switchyard:logging": { kafka: { controllers: 4 } } });
    assert.ok(
      quorum.some((p) => p.path === "switchyard:logging.kafka.controllers" && /1, 3 or 5/.test(p.message)),
    );
    const isr = problems({ "switchyard:logging": { kafka: { replicationFactor: 2, minInsyncReplicas: 3 } } });
    assert.ok(
      isr.some(
        (p) =>
          p.path === "switchyard:logging.kafka.minInsyncReplicas" &&
          /at most the replication factor \(2\)/.test(p.message),
      ),
    );
  });

  test("the component's arguments carry the topic's replication, buffers and limits from config", () => {
    const cfg = parseConfig({
      ...base,
      "switchyard:logging": JSON.stringify({
        kafka: { brokers: 5, partitions: 12, retentionHours: 24 },
        fluentBit: {
          bufferMiB: 4096,
          resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
        hosts: { enabled: false },
      }),
    });
    const args = loggingArgsFromConfig(cfg, "logging", "gp3");
    assert.deepEqual(args.kafka.topic, {
      name: "logs",
      partitions: 12,
      replicationFactor: 3,
      minInsyncReplicas: 2,
      retentionHours: 24,
      retentionGiBPerPartition: undefined,
    });
    assert.equal(args.fluentBit.bufferMiB, 4096);
    assert.equal(args.fluentBit.resources.limits.memory, "1Gi");
    assert.equal(args.hosts, undefined);
    assert.equal(args.protect, false);
  });
});
