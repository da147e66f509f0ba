/** The legacy ServiceAccount token Secret filler (kube-controller-manager's "serviceaccount-token" controller). */
export { TokensController, tokensControllerWith, tokenSecretNeeds, SA_TOKEN_TYPE, SA_NAME_ANNOTATION, SA_UID_ANNOTATION, type LegacyTokenSigner, type TokensControllerOptions } from './controller.js';
