/** Requests and limits of the pods the logging stack runs or has Strimzi run. */
export interface ResourceRequirements {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** The Strimzi cluster operator (the chart's own defaults, stated so a chart change cannot drop them). */
export const OPERATOR_RESOURCES: ResourceRequirements = {
  requests: { cpu: "200m", memory: "384Mi" },
  limits: { cpu: "1", memory: "384Mi" },
};

/** Topic and User Operators, the two containers of the entity operator pod. */
export const ENTITY_OPERATOR_RESOURCES: ResourceRequirements = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};
