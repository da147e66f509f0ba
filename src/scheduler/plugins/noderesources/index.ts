/** The noderesources package: NodeResourcesFit and NodeResourcesBalancedAllocation. */
export * from './fit.js';
export * from './balancedallocation.js';
