/** Public surface of configuration loading. */
export { ConfigError, formatIssue, type ConfigIssue } from './config-error.js';
export { loadEnv, ENV_PROVIDER_VARS, type EnvProvider, type HubEnv, type LogLevel } from './env.js';
export { parseHubFile, readHubFile, type HubFile, type HubFileApp, type HubFileKey, type HubFileKeySecret, type HubFileTenant, type KnownRecords, type ParseHubFileOptions } from './hub-file.js';
export { decimalToMicros, microsToDecimalText } from './config-money.js';
