export * from './errors.js';
export * from './close-codes.js';
export * from './limits.js';
export * from './channel.js';
export * from './ids.js';
export * from './messages.js';
export * from './decode.js';
export * from './frames.js';
