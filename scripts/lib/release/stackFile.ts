/**
 * The release steps as edits of a stack file. The `yaml` package's Document API finds the nodes;
 * the edit replaces only their source range, so every other byte (comments, flow lists, quoting,
 * blank lines) stays as the team wrote it:
 *   release  APP IMAGE — the image goes on the idle colour (the one `live` does not name);
 *   promote  APP       — `live` flips to the idle colour; the line records when and from which;
 *   rollback APP       — `live` flips back, only while the old colour is still warm (its pods stay
 *                        at full size for `scaleDownDelaySeconds` after a flip, default 1800).
 */
import { isMap, isScalar, parseDocument, type Document, type Scalar } from "yaml";

export class ReleaseError extends Error {
  override name = "ReleaseError";
}

export type Colour = "blue" | "green";
const other = (c: Colour): Colour => (c === "blue" ? "green" : "blue");
const APPS = "switchyard:apps";
/** Default of apps.<name>.scaleDownDelaySeconds (components/config/areas/apps.ts). */
const DEFAULT_WARM_SECONDS = 1800;
const MARK = /^ ?(promoted|rolled back) (\S+) from (blue|green)\b/;

export interface StepResult {
  app: string;
  message: string;
  /** False when the file already said so (the step is a no-op). */
  changed: boolean;
}

/** A parsed stack file that records the edits made to it and renders them into its source. */
export class StackFile {
  readonly doc: Document;
  private readonly edits: { start: number; end: number; text: string }[] = [];

  constructor(readonly source: string) {
    this.doc = parseDocument(source);
    if (this.doc.errors.length > 0)
      throw new ReleaseError(`the stack file is not valid YAML: ${this.doc.errors[0].message}`);
  }

  /** Replaces a scalar's value in place; `comment` replaces the rest of its line. */
  setScalar(node: Scalar, value: string, comment?: string): void {
    const [start, valueEnd] = node.range!;
    const lineEnd = this.source.indexOf("\n", valueEnd);
    const end = comment === undefined ? valueEnd : lineEnd < 0 ? this.source.length : lineEnd;
    this.edits.push({ start, end, text: comment === undefined ? value : `${value} #${comment}` });
    node.value = value;
    if (comment !== undefined) node.comment = comment;
  }

  toString(): string {
    let out = this.source;
    for (const e of [...this.edits].sort((a, b) => b.start - a.start))
      out = out.slice(0, e.start) + e.text + out.slice(e.end);
    return out;
  }
}

function appNode(doc: Document, app: string) {
  const apps = doc.getIn(["config", APPS]);
  if (!isMap(apps))
    throw new ReleaseError(`unknown app ${JSON.stringify(app)}: the stack file declares no ${APPS}`);
  const node = apps.get(app, true);
  if (!isMap(node)) {
    const names = apps.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key));
    throw new ReleaseError(
      `unknown app ${JSON.stringify(app)} (${APPS} has ${names.join(", ") || "no apps"})`,
    );
  }
  return node;
}

function liveOf(doc: Document, app: string): { node: Scalar; live: Colour } {
  const node = appNode(doc, app).get("live", true);
  if (!isScalar(node) || (node.value !== "blue" && node.value !== "green"))
    throw new ReleaseError(`${APPS}.${app}.live: expected blue or green`);
  return { node, live: node.value };
}

function imageOf(doc: Document, app: string, colour: Colour): string | undefined {
  const v = doc.getIn(["config", APPS, app, colour, "image"]);
  return typeof v === "string" ? v : undefined;
}

export function setIdleImage(file: StackFile, app: string, image: string): StepResult {
  const doc = file.doc;
  const { live } = liveOf(doc, app);
  const idle = other(live);
  if (imageOf(doc, app, live) === image)
    throw new ReleaseError(`${app}: ${image} is already live on ${live}; nothing to release`);
  if (imageOf(doc, app, idle) === image)
    return { app, changed: false, message: `${app}: ${idle} (idle) already has ${image}` };
  const colourNode = appNode(doc, app).get(idle, true);
  if (!isMap(colourNode))
    throw new ReleaseError(`${APPS}.${app}.${idle}: expected a map with image and replicas`);
  const imageNode = colourNode.get("image", true);
  if (!isScalar(imageNode))
    throw new ReleaseError(`${APPS}.${app}.${idle}.image: expected the colour's image`);
  file.setScalar(imageNode, image);
  return { app, changed: true, message: `${app}: ${image} on ${idle} (idle); ${live} stays live` };
}

export function promote(file: StackFile, app: string, now: Date): StepResult {
  const doc = file.doc;
  const { node, live } = liveOf(doc, app);
  const idle = other(live);
  if (imageOf(doc, app, idle) === imageOf(doc, app, live))
    throw new ReleaseError(
      `${app}: refusing to promote ${idle}: it runs the same image as ${live} (${imageOf(doc, app, live)}); release a new image first`,
    );
  file.setScalar(node, idle, ` promoted ${now.toISOString()} from ${live}`);
  return {
    app,
    changed: true,
    message: `${app}: ${idle} is live (${imageOf(doc, app, idle)}); ${live} stays warm for rollback`,
  };
}

export function rollback(file: StackFile, app: string, now: Date): StepResult {
  const doc = file.doc;
  const { node, live } = liveOf(doc, app);
  const mark = MARK.exec(node.comment ?? "");
  if (!mark || mark[1] !== "promoted")
    throw new ReleaseError(`${app}: no promotion recorded on ${APPS}.${app}.live; nothing to roll back`);
  const [, , at, from] = mark;
  const warm = Number(doc.getIn(["config", APPS, app, "scaleDownDelaySeconds"]) ?? DEFAULT_WARM_SECONDS);
  const closes = new Date(Date.parse(at) + warm * 1000);
  if (!(now.getTime() <= closes.getTime()))
    throw new ReleaseError(
      `${app}: refusing to roll back to ${from}: its warm window (${warm} s after the promotion at ${at}) closed at ${closes.toISOString()}; its pods are scaled down, release its image again instead`,
    );
  file.setScalar(node, from, ` rolled back ${now.toISOString()} from ${live}`);
  return {
    app,
    changed: true,
    message: `${app}: rolled back to ${from} (${imageOf(doc, app, from as Colour)})`,
  };
}

/** The host of an app, for reading its route and status from etcd. */
export function hostOf(doc: Document, app: string): string {
  const host = appNode(doc, app).get("host");
  if (typeof host !== "string") throw new ReleaseError(`${APPS}.${app}.host: expected the app's host name`);
  return host;
}
