/**
 * The one stand-in of the registrar tests: an HTTPS server on 127.0.0.1 that speaks the part of the
 * Kubernetes API the registrar uses (EndpointSlice list and watch with resourceVersion, newline-
 * delimited watch events, a 410 ERROR event for an expired resourceVersion, bearer-token auth).
 * There is no Kubernetes here; everything else in these tests (etcd, the bundle, HAProxy) is real.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { ServerResponse } from "node:http";
import type { Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { EndpointSlice } from "../../../../hosts/registrar/members";

export interface FakeKubeApi {
  url: string;
  /** Requests seen, as `list` / `watch@<rv>` (to assert re-lists). */
  readonly requests: string[];
  /** Stores a slice in its metadata.namespace (default: the `namespace` option). */
  apply(slice: EndpointSlice): void;
  remove(name: string, namespace?: string): void;
  /** Ends every open watch with a 410 "too old resource version" event, as after etcd compaction. */
  expireWatches(): void;
  /** Unreachable: open connections are cut and new ones are dropped until up(). */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startFakeKubeApi(opts: {
  certFile: string;
  keyFile: string;
  token: string;
  namespace: string;
}): Promise<FakeKubeApi> {
  const slices = new Map<string, EndpointSlice>();
  let rv = 1;
  let isDown = false;
  const watches = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  // Any namespace: the registrar lists the apps namespace and each platform namespace.
  const path = /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/([a-z0-9-]+)\/endpointslices$/;
  const nsOf = (s: EndpointSlice) => s.metadata.namespace ?? opts.namespace;
  const keyOf = (s: EndpointSlice) => `${nsOf(s)}/${s.metadata.name}`;

  const stamp = (s: EndpointSlice): EndpointSlice => ({
    ...s,
    metadata: { ...s.metadata, namespace: nsOf(s), resourceVersion: String(++rv) },
  });
  const matches = (s: EndpointSlice, selector: string) => {
    // Label-selector terms of the forms the registrar uses: `k=v`, `k` (exists), `k in (a,b)`.
    // Top-level commas only (not those inside a set).
    const terms = selector.split(/,(?![^(]*\))/).filter(Boolean);
    const labels = s.metadata.labels ?? {};
    return (
      terms.length > 0 &&
      terms.every((term) => {
        const set = /^([\w./-]+) in \(([^)]*)\)$/.exec(term);
        if (set) return set[2].split(",").includes(labels[set[1]] ?? "\0");
        const eq = /^([\w./-]+)=(.*)$/.exec(term);
        if (eq) return labels[eq[1]] === eq[2];
        if (/^[\w./-]+$/.test(term)) return term in labels;
        throw new Error(`fake Kubernetes API: unsupported selector term ${JSON.stringify(term)}`);
      })
    );
  };
  let selectorOf = new WeakMap<ServerResponse, { namespace: string; selector: string }>();
  const broadcast = (type: string, object: EndpointSlice) => {
    for (const res of watches) {
      const w = selectorOf.get(res);
      if (w && w.namespace === nsOf(object) && matches(object, w.selector))
        res.write(JSON.stringify({ type, object }) + "\n");
    }
  };

  const server: Server = createServer(
    { cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) },
    (req, res): void => {
      if (isDown) {
        req.socket.destroy();
        return;
      }
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      if (req.headers.authorization !== `Bearer ${opts.token}`) {
        res.writeHead(401).end('{"kind":"Status","code":401}');
        return;
      }
      const namespace = path.exec(url.pathname)?.[1];
      if (namespace === undefined) {
        res.writeHead(404).end();
        return;
      }
      const selector = url.searchParams.get("labelSelector") ?? "";
      if (url.searchParams.get("watch") === "1") {
        const from = Number(url.searchParams.get("resourceVersion"));
        requests.push(`watch@${from}`);
        res.writeHead(200, { "content-type": "application/json" });
        selectorOf.set(res, { namespace, selector });
        watches.add(res);
        res.on("close", () => watches.delete(res));
        return;
      }
      requests.push("list");
      const items = [...slices.values()].filter((s) => nsOf(s) === namespace && matches(s, selector));
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ kind: "EndpointSliceList", metadata: { resourceVersion: String(rv) }, items }));
    },
  );
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    apply(slice) {
      const stamped = stamp(slice);
      const type = slices.has(keyOf(stamped)) ? "MODIFIED" : "ADDED";
      slices.set(keyOf(stamped), stamped);
      broadcast(type, stamped);
    },
    remove(name, namespace = opts.namespace) {
      const old = slices.get(`${namespace}/${name}`);
      if (!old) return;
      slices.delete(`${namespace}/${name}`);
      broadcast("DELETED", stamp(old));
    },
    expireWatches() {
      for (const res of watches) {
        res.end(
          JSON.stringify({
            type: "ERROR",
            object: {
              kind: "Status",
              status: "Failure",
              code: 410,
              reason: "Expired",
              message: "too old resource version",
            },
          }) + "\n",
        );
      }
      watches.clear();
      selectorOf = new WeakMap();
    },
    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
