export { createSimulatorAdapter } from './simulator-adapter.js';
export { readSimulatorOptions, SIMULATOR_DEFAULTS, type SimulatorOptions } from './simulator-options.js';
