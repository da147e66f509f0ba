/** Bootstrap tokens: the token cleaner and the token helpers `kubeling token` shares. */
export { TokenCleanerController, tokenCleanerController } from './tokencleaner.js';
export { BootstrapToken, parseBootstrapToken, secretValue, isBootstrapTokenSecret, tokenExpiration } from './token.js';
