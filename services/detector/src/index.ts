export * from './config.js';
export * from './detection-pipeline.js';
export * from './detector-metrics.js';
export * from './reference-loader.js';
export * from './rule-pack-loader.js';
export * from './rule-pack-watcher.js';
export * from './replay/replay-run.js';
export * from './replay/rule-summary.js';
