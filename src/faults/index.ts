/**
 * The fault catalog: one record per fault (a file per family: power.ts, process.ts, link.ts,
 * vrrp-block.ts, loss.ts, delay.ts, rogue.ts), the registry that lists them, and what every fault has
 * in common. Everything else in chaos asks here; see docs/adding-a-fault.md.
 */
export * from './types';
export * from './registry';
export * from './units';
export * from './listing';
export { rogueConfigText, rogueInstance } from './rogue';
