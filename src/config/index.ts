/** Config files: find (nearest wins), load (.json/.js/.mjs/.ts/package.json) and validate. */
export { ConfigError } from './errors.js';
export {
  validateConfig,
  configJsonSchema,
  defineConfig,
  CONFIG_KEYS,
  CONFIG_PRESETS,
  CONFIG_RUNNERS,
  CONFIG_SEVERITIES,
  CONFIG_TRANSACTIONS,
  type GodwitConfig,
  type ConfigRuleSetting,
  type ConfigRunner,
  type ConfigTransaction,
} from './schema.js';
export {
  ConfigLoader,
  loadConfigFile,
  CONFIG_FILE_NAMES,
  PACKAGE_JSON_KEY,
  type ResolvedConfig,
  type ConfigLoaderOptions,
  type LoadOptions,
} from './load.js';
export { isIncluded } from './match.js';
