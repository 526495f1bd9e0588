/**
 * The small schemas every part of a scenario file uses (zod 4): durations, node names, node
 * lists, traffic directions. A leaf module: the scenario schema and the fault catalog both
 * build on it. Pure.
 */
import { z } from 'zod';

export const DIRECTIONS = ['in', 'out', 'both'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** `300ms`, `5s`, `1.5s`, `2m`, `1h` (see duration.ts). */
export const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)\s*$/;

export const duration = z
  .string()
  .regex(DURATION_PATTERN, { message: 'not a duration (write a number and a unit: 300ms, 5s, 2m)' })
  .describe('A duration: a number and a unit (ms, s, m, h), e.g. 300ms, 5s, 3.609375s');

export const nodeName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, {
    message: 'a node name is lower-case letters, digits and - (up to 32, as Docker names)',
  })
  .describe('A node of the lab (server01, server03, ...) or a rogue router named by a fault');

export const nodeList = z.array(nodeName).min(1);

/** Which traffic of a node a block drops. */
export const direction = z
  .enum(DIRECTIONS)
  .optional()
  .describe('Which traffic of the node is dropped (default both)');
