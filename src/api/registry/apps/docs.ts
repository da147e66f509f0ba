/**
 * Column descriptions for apps/v1 tables. Upstream's printers take them from the
 * extensions/v1beta1 and apps/v1beta1 types' SwaggerDoc(), which these reproduce.
 */
export const docs = {
  'DeploymentStatus.updatedReplicas': 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
  'DeploymentStatus.availableReplicas': 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
  'DeploymentSpec.selector': 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
  'ReplicaSetSpec.replicas': 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
  'ReplicaSetStatus.replicas': 'Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller',
  'ReplicaSetStatus.readyReplicas': 'readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.',
  'ReplicaSetSpec.selector': 'Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  'DaemonSetStatus.desiredNumberScheduled': 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  'DaemonSetStatus.currentNumberScheduled': 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
  'DaemonSetStatus.numberReady': 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.',
  'DaemonSetStatus.updatedNumberScheduled': 'The total number of nodes that are running updated daemon pod',
  'DaemonSetStatus.numberAvailable': 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)',
  'PodSpec.nodeSelector': "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
  'DaemonSetSpec.selector': 'A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  'ControllerRevision.revision': 'Revision indicates the revision of the state represented by Data.',
  containers: 'Names of each container in the template.',
  images: 'Images referenced by each container in the template.',
  ready: 'Number of the pod with ready state',
} as const;
