/**
 * Strategic-merge and list-type metadata of built-in types: facts of the Kubernetes API taken from
 * the `patchStrategy`/`patchMergeKey` struct tags and `+listType`/`+listMapKey` markers of the
 * upstream Go types. Keyed by definition name, then field name. The OpenAPI generator folds these
 * into the definitions as x-kubernetes-patch-* / x-kubernetes-list-* extensions; strategic merge
 * patch and server-side apply read them from there.
 *
 * Taken from kubernetes/api (core, apps, batch, rbac, networking, policy, autoscaling, ...),
 * kubernetes/apimachinery (meta/v1) and kubernetes/apiextensions-apiserver (apiextensions/v1)
 * for every definition kubernetes-types 1.30 has; fields of inlined Go structs
 * (EphemeralContainerCommon, VolumeSource...) are listed under the definition that flattens them.
 * Server-side strategic merge reads only `strategy`/`mergeKey` (the Go struct tags upstream);
 * lists without a merge strategy are replaced as a whole, whatever their listType.
 */

export interface FieldMergeInfo {
  /** x-kubernetes-patch-strategy: "merge", "retainKeys", "merge,retainKeys", "replace" */
  strategy?: string;
  /** x-kubernetes-patch-merge-key */
  mergeKey?: string;
  /** x-kubernetes-list-type */
  listType?: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys */
  listMapKeys?: string[];
  /** x-kubernetes-map-type */
  mapType?: 'atomic' | 'granular';
}

export const mergeKeys: Record<string, Record<string, FieldMergeInfo>> = {
  'io.k8s.api.admissionregistration.v1.MatchResources': {
    excludeResourceRules: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': {
    admissionReviewVersions: { listType: 'atomic' },
    matchConditions: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': {
    webhooks: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations': {
    apiGroups: { listType: 'atomic' },
    apiVersions: { listType: 'atomic' },
    operations: { listType: 'atomic' },
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.RuleWithOperations': {
    apiGroups: { listType: 'atomic' },
    apiVersions: { listType: 'atomic' },
    operations: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.TypeChecking': {
    expressionWarnings: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': {
    validationActions: { listType: 'set' },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec': {
    auditAnnotations: { listType: 'atomic' },
    matchConditions: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    validations: { listType: 'atomic' },
    variables: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': {
    admissionReviewVersions: { listType: 'atomic' },
    matchConditions: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': {
    webhooks: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.admissionregistration.v1alpha1.MatchResources': {
    excludeResourceRules: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations': {
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.TypeChecking': {
    expressionWarnings: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyBindingSpec': {
    validationActions: { listType: 'set' },
  },
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicySpec': {
    auditAnnotations: { listType: 'atomic' },
    matchConditions: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    validations: { listType: 'atomic' },
    variables: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.admissionregistration.v1alpha1.ValidatingAdmissionPolicyStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.admissionregistration.v1beta1.MatchResources': {
    excludeResourceRules: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations': {
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1beta1.TypeChecking': {
    expressionWarnings: { listType: 'atomic' },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyBindingSpec': {
    validationActions: { listType: 'set' },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicySpec': {
    auditAnnotations: { listType: 'atomic' },
    matchConditions: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    validations: { listType: 'atomic' },
    variables: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.apiserverinternal.v1alpha1.ServerStorageVersion': {
    decodableVersions: { listType: 'set' },
    servedVersions: { listType: 'set' },
  },
  'io.k8s.api.apiserverinternal.v1alpha1.StorageVersionStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
    storageVersions: { listType: 'map', listMapKeys: ['apiServerID'] },
  },
  'io.k8s.api.apps.v1.DaemonSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    strategy: { strategy: 'retainKeys' },
  },
  'io.k8s.api.apps.v1.DeploymentStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.apps.v1.ReplicaSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.apps.v1.StatefulSetSpec': {
    volumeClaimTemplates: { listType: 'atomic' },
  },
  'io.k8s.api.apps.v1.StatefulSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.authentication.v1.TokenRequestSpec': {
    audiences: { listType: 'atomic' },
  },
  'io.k8s.api.authentication.v1.TokenReviewSpec': {
    audiences: { listType: 'atomic' },
  },
  'io.k8s.api.authentication.v1.TokenReviewStatus': {
    audiences: { listType: 'atomic' },
  },
  'io.k8s.api.authentication.v1.UserInfo': {
    groups: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.NonResourceRule': {
    nonResourceURLs: { listType: 'atomic' },
    verbs: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.ResourceRule': {
    apiGroups: { listType: 'atomic' },
    resourceNames: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.SubjectAccessReviewSpec': {
    groups: { listType: 'atomic' },
  },
  'io.k8s.api.authorization.v1.SubjectRulesReviewStatus': {
    nonResourceRules: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': {
    policies: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': {
    metrics: { listType: 'atomic' },
  },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
    currentMetrics: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.CronJobStatus': {
    active: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.JobStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicy': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': {
    values: { listType: 'set' },
  },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': {
    onPodConditions: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.SuccessPolicy': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.batch.v1.UncountedTerminatedPods': {
    failed: { listType: 'set' },
    succeeded: { listType: 'set' },
  },
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec': {
    groups: { listType: 'atomic' },
    usages: { listType: 'atomic' },
  },
  'io.k8s.api.certificates.v1.CertificateSigningRequestStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.Capabilities': {
    add: { listType: 'atomic' },
    drop: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.CephFSVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ComponentStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.ConfigMapProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.Container': {
    args: { listType: 'atomic' },
    command: { listType: 'atomic' },
    env: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    envFrom: { listType: 'atomic' },
    ports: { strategy: 'merge', mergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
    resizePolicy: { listType: 'atomic' },
    volumeDevices: { strategy: 'merge', mergeKey: 'devicePath', listType: 'map', listMapKeys: ['devicePath'] },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  },
  'io.k8s.api.core.v1.ContainerImage': {
    names: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ContainerStatus': {
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  },
  'io.k8s.api.core.v1.DownwardAPIProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.EndpointSubset': {
    addresses: { listType: 'atomic' },
    notReadyAddresses: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.Endpoints': {
    subsets: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.EphemeralContainer': {
    args: { listType: 'atomic' },
    command: { listType: 'atomic' },
    env: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    envFrom: { listType: 'atomic' },
    ports: { strategy: 'merge', mergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
    resizePolicy: { listType: 'atomic' },
    volumeDevices: { strategy: 'merge', mergeKey: 'devicePath', listType: 'map', listMapKeys: ['devicePath'] },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] },
  },
  'io.k8s.api.core.v1.ExecAction': {
    command: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.FCVolumeSource': {
    targetWWNs: { listType: 'atomic' },
    wwids: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.HTTPGetAction': {
    httpHeaders: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.HostAlias': {
    hostnames: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource': {
    portals: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ISCSIVolumeSource': {
    portals: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LimitRangeSpec': {
    limits: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LoadBalancerIngress': {
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.LoadBalancerStatus': {
    ingress: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NamespaceSpec': {
    finalizers: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NamespaceStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.NodeAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelector': {
    nodeSelectorTerms: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSelectorTerm': {
    matchExpressions: { listType: 'atomic' },
    matchFields: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeSpec': {
    podCIDRs: { strategy: 'merge', listType: 'set' },
    taints: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.NodeStatus': {
    addresses: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
    images: { listType: 'atomic' },
    runtimeHandlers: { listType: 'atomic' },
    volumesAttached: { listType: 'atomic' },
    volumesInUse: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': {
    accessModes: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': {
    accessModes: { listType: 'atomic' },
    allocatedResourceStatuses: { mapType: 'granular' },
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.PersistentVolumeSpec': {
    accessModes: { listType: 'atomic' },
    mountOptions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
    requiredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAffinityTerm': {
    matchLabelKeys: { listType: 'atomic' },
    mismatchLabelKeys: { listType: 'atomic' },
    namespaces: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodAntiAffinity': {
    preferredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
    requiredDuringSchedulingIgnoredDuringExecution: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodDNSConfig': {
    nameservers: { listType: 'atomic' },
    options: { listType: 'atomic' },
    searches: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodSecurityContext': {
    supplementalGroups: { listType: 'atomic' },
    sysctls: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.PodSpec': {
    containers: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    ephemeralContainers: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    hostAliases: { strategy: 'merge', mergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] },
    imagePullSecrets: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    initContainers: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    nodeSelector: { mapType: 'atomic' },
    readinessGates: { listType: 'atomic' },
    resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    schedulingGates: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
    tolerations: { listType: 'atomic' },
    topologySpreadConstraints: { strategy: 'merge', mergeKey: 'topologyKey', listType: 'map', listMapKeys: ['topologyKey', 'whenUnsatisfiable'] },
    volumes: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.PodStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
    containerStatuses: { listType: 'atomic' },
    ephemeralContainerStatuses: { listType: 'atomic' },
    hostIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    initContainerStatuses: { listType: 'atomic' },
    podIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'map', listMapKeys: ['ip'] },
    resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.ProjectedVolumeSource': {
    sources: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.RBDPersistentVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.RBDVolumeSource': {
    monitors: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ReplicationControllerSpec': {
    selector: { mapType: 'atomic' },
  },
  'io.k8s.api.core.v1.ReplicationControllerStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.ResourceQuotaSpec': {
    scopes: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ResourceRequirements': {
    claims: { listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.ScopeSelector': {
    matchExpressions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.SecretProjection': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.SecretVolumeSource': {
    items: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.ServiceAccount': {
    imagePullSecrets: { listType: 'atomic' },
    secrets: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    clusterIPs: { listType: 'atomic' },
    externalIPs: { listType: 'atomic' },
    ipFamilies: { listType: 'atomic' },
    loadBalancerSourceRanges: { listType: 'atomic' },
    ports: { strategy: 'merge', mergeKey: 'port', listType: 'map', listMapKeys: ['port', 'protocol'] },
    selector: { mapType: 'atomic' },
  },
  'io.k8s.api.core.v1.ServiceStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.TopologySelectorTerm': {
    matchLabelExpressions: { listType: 'atomic' },
  },
  'io.k8s.api.core.v1.TopologySpreadConstraint': {
    matchLabelKeys: { listType: 'atomic' },
  },
  'io.k8s.api.discovery.v1.Endpoint': {
    addresses: { listType: 'set' },
  },
  'io.k8s.api.discovery.v1.EndpointHints': {
    forZones: { listType: 'atomic' },
  },
  'io.k8s.api.discovery.v1.EndpointSlice': {
    endpoints: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1.FlowSchemaSpec': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1.FlowSchemaStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.flowcontrol.v1.NonResourcePolicyRule': {
    nonResourceURLs: { listType: 'set' },
    verbs: { listType: 'set' },
  },
  'io.k8s.api.flowcontrol.v1.PolicyRulesWithSubjects': {
    nonResourceRules: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.flowcontrol.v1.ResourcePolicyRule': {
    apiGroups: { listType: 'set' },
    namespaces: { listType: 'set' },
    resources: { listType: 'set' },
    verbs: { listType: 'set' },
  },
  'io.k8s.api.flowcontrol.v1beta3.FlowSchemaSpec': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1beta3.FlowSchemaStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.flowcontrol.v1beta3.NonResourcePolicyRule': {
    nonResourceURLs: { listType: 'set' },
    verbs: { listType: 'set' },
  },
  'io.k8s.api.flowcontrol.v1beta3.PolicyRulesWithSubjects': {
    nonResourceRules: { listType: 'atomic' },
    resourceRules: { listType: 'atomic' },
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.flowcontrol.v1beta3.PriorityLevelConfigurationStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.flowcontrol.v1beta3.ResourcePolicyRule': {
    apiGroups: { listType: 'set' },
    namespaces: { listType: 'set' },
    resources: { listType: 'set' },
    verbs: { listType: 'set' },
  },
  'io.k8s.api.networking.v1.HTTPIngressRuleValue': {
    paths: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IPBlock': {
    except: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressLoadBalancerIngress': {
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressLoadBalancerStatus': {
    ingress: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressSpec': {
    rules: { listType: 'atomic' },
    tls: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.IngressTLS': {
    hosts: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': {
    ports: { listType: 'atomic' },
    to: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': {
    from: { listType: 'atomic' },
    ports: { listType: 'atomic' },
  },
  'io.k8s.api.networking.v1.NetworkPolicySpec': {
    egress: { listType: 'atomic' },
    ingress: { listType: 'atomic' },
    policyTypes: { listType: 'atomic' },
  },
  'io.k8s.api.node.v1.Scheduling': {
    nodeSelector: { mapType: 'atomic' },
    tolerations: { listType: 'atomic' },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': {
    selector: { strategy: 'replace' },
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type', listType: 'map', listMapKeys: ['type'] },
  },
  'io.k8s.api.rbac.v1.AggregationRule': {
    clusterRoleSelectors: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.ClusterRole': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': {
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.PolicyRule': {
    apiGroups: { listType: 'atomic' },
    nonResourceURLs: { listType: 'atomic' },
    resourceNames: { listType: 'atomic' },
    resources: { listType: 'atomic' },
    verbs: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.Role': {
    rules: { listType: 'atomic' },
  },
  'io.k8s.api.rbac.v1.RoleBinding': {
    subjects: { listType: 'atomic' },
  },
  'io.k8s.api.storage.v1.CSIDriverSpec': {
    tokenRequests: { listType: 'atomic' },
    volumeLifecycleModes: { listType: 'set' },
  },
  'io.k8s.api.storage.v1.CSINodeDriver': {
    topologyKeys: { listType: 'atomic' },
  },
  'io.k8s.api.storage.v1.CSINodeSpec': {
    drivers: { strategy: 'merge', mergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  },
  'io.k8s.api.storage.v1.StorageClass': {
    allowedTopologies: { listType: 'atomic' },
    mountOptions: { listType: 'atomic' },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames': {
    categories: { listType: 'atomic' },
    shortNames: { listType: 'atomic' },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec': {
    versions: { listType: 'atomic' },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus': {
    conditions: { listType: 'map', listMapKeys: ['type'] },
    storedVersions: { listType: 'atomic' },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion': {
    additionalPrinterColumns: { listType: 'atomic' },
    selectableFields: { listType: 'atomic' },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': {
    allOf: { listType: 'atomic' },
    anyOf: { listType: 'atomic' },
    enum: { listType: 'atomic' },
    oneOf: { listType: 'atomic' },
    required: { listType: 'atomic' },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookConversion': {
    conversionReviewVersions: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup': {
    serverAddressByClientCIDRs: { listType: 'atomic' },
    versions: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList': {
    groups: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResource': {
    categories: { listType: 'atomic' },
    shortNames: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList': {
    resources: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions': {
    serverAddressByClientCIDRs: { listType: 'atomic' },
    versions: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': {
    dryRun: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
    matchExpressions: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': {
    values: { listType: 'atomic' },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    finalizers: { strategy: 'merge', listType: 'set' },
    managedFields: { listType: 'atomic' },
    ownerReferences: { strategy: 'merge', mergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': {
    causes: { listType: 'atomic' },
  },
};
