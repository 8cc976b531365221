export * from './events.js';
export * from './validation.js';
