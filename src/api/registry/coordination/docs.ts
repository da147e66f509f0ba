/**
 * Column descriptions for coordination tables: upstream uses the types' SwaggerDoc() strings, the same API
 * documentation kubernetes-types carries (extracted from it verbatim).
 */
export const docs = {
  "LeaseSpec.holderIdentity": "holderIdentity contains the identity of the holder of a current lease.",
} as const;
