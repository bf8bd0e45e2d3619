/**
 * Kubernetes names and labels that the apps component writes and switchyard-registrar reads: the
 * registrar finds a colour's members through exactly these, so both sides take them from here.
 */
import type { Colour } from "./validators";

/** The selector labels of one colour's pods; the Service, PDB and registrar all key on them. */
export const APP_LABEL = "app";
export const COLOUR_LABEL = "colour";

/**
 * The opt-in label on each colour's Service (copied onto its EndpointSlices) that tells
 * switchyard-registrar to register the Service's pods as the colour's members. The registrar finds
 * the apps it manages by this label, so an app declared in any stack gets members.
 */
export const ROUTED_LABEL = "switchyard.io/routed";
export const ROUTED_VALUE = "true";

/** Set by Kubernetes on every EndpointSlice: the Service it belongs to. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export function colourLabels(app: string, colour: Colour): Record<string, string> {
  return { [APP_LABEL]: app, [COLOUR_LABEL]: colour };
}

/** Labels of one colour's Service: the colour's labels plus ROUTED_LABEL. */
export function serviceLabels(app: string, colour: Colour): Record<string, string> {
  return { ...colourLabels(app, colour), [ROUTED_LABEL]: ROUTED_VALUE };
}

/** Name of one colour's Deployment, Service and autoscaler (`<app>-<colour>`). */
export function colourObjectName(app: string, colour: Colour): string {
  return `${app}-${colour}`;
}

/**
 * A platform service (Grafana, Graylog) routed through the HAProxy tier has one colour: its
 * Service carries ROUTED_LABEL and this label, whose value is the route's app. The registrar
 * registers the Service's pods as that app's PLATFORM_COLOUR members; the route is pinned to it
 * and never flips (docs/registrar.md, "Platform services").
 */
export const ROUTE_APP_LABEL = "switchyard.io/route-app";
export const PLATFORM_COLOUR: Colour = "blue";

/** Labels of a routed platform Service. */
export function platformServiceLabels(app: string): Record<string, string> {
  return { [ROUTED_LABEL]: ROUTED_VALUE, [ROUTE_APP_LABEL]: app };
}
