/**
 * Paths of the HTTP endpoints the platform serves and probes: HAProxy answers HEALTHZ_PATH itself
 * (monitor-uri, the ELB's check); the agent's and the registrar's status servers answer all three
 * (the kubelet probes the registrar's HEALTHZ_PATH).
 */
export const HEALTHZ_PATH = "/healthz";
export const METRICS_PATH = "/metrics";
export const STATUS_PATH = "/status";
