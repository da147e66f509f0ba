/**
 * Column descriptions for networking tables: upstream uses the types' SwaggerDoc() strings, the same API
 * documentation kubernetes-types carries (extracted from it verbatim).
 */
export const docs = {
  "NetworkPolicySpec.podSelector": "podSelector selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.",
} as const;
