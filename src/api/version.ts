/**
 * The Kubernetes version whose API Kubeling serves: the API server's /version (kubectl's
 * version-skew logic and the /usr/bin/kubectl wrapper read gitVersion) and the agent's
 * nodeInfo.kubeletVersion report the same one, as a matched control plane and kubelet do.
 */
export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.3' } as const;
