// Public API of the config loader: parse/validate targets.yaml and resolve per-target settings.
export { parseConfig, loadConfigFile, parseWithPositions, type ParseOptions, type Parsed } from './load.js';
export { ConfigError, formatIssue, type ConfigIssue } from './error.js';
export { parseDuration, formatDuration } from './duration.js';
export { resolveTargets, resolveTarget, DEFAULT_TIMEOUT_MS, type ResolvedTarget, type ResolvedExpect } from './resolve.js';
export { checkCaFiles, checkPemBundle } from './cafiles.js';
export { Positions, formatPath, type PathSegment, type Located } from './positions.js';
export { configSchema, type Config, type DefaultsConfig, type TargetConfig, type ExpectConfig, type ExpiryConfig } from './schema.js';
