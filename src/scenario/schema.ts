/**
 * The scenario file's schema (zod 4): what a user writes, before normalisation. It has no
 * transforms, so the JSON Schema emitted from it (`chaos validate --schema`, committed as
 * schema/scenario.schema.json) is exactly what the loader accepts. Defaults and cross-field
 * rules (known node names, exactly one condition per expect, configs that exist) live in
 * normalise.ts and loader.ts. Pure.
 */
import { z } from 'zod';
import { FAULT_KINDS, allFaults, type AnyFault } from '../faults';
import { duration, nodeList, nodeName } from './primitives';

export { FAULT_KINDS, type FaultKind } from '../faults';
export { DIRECTIONS, DURATION_PATTERN } from './primitives';

export const DRIVER_NAMES = ['docker', 'sim'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

export const NODE_ROLES = ['web', 'mysql', 'prober'] as const;
export const VRRP_IMPLEMENTATIONS = ['chaos', 'keepalived'] as const;
export const VRRP_STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOPPED'] as const;

/** Every fault names its targets with `node` (one) or `nodes` (several). */
const targets = {
  node: nodeName.optional().describe('The target node (or use nodes)'),
  nodes: nodeList.optional().describe('The target nodes (or use node)'),
};

const note = { note: z.string().optional().describe('Free text shown in the report') };

/** Any fault, repeated: applied for `every`, healed for `every`, `times` over. */
const flap = z
  .strictObject({
    every: duration.describe('How long each phase lasts: applied, then healed'),
    times: z.int().min(1).max(1000).describe('How many times the fault is applied and healed'),
  })
  .describe('Apply and heal the fault alternately (a flapping link, a crash loop)');

/** A fault's step in the file: `fault: KIND`, a note, its targets, its options, a flap. */
function faultStep(def: AnyFault) {
  return z
    .strictObject({
      fault: z.literal(def.kind),
      ...note,
      ...(def.target === 'nodes' ? targets : {}),
      ...def.options,
      flap: flap.optional(),
    })
    .describe(`fault ${def.kind}: ${def.summary}`);
}

const faultSteps = allFaults().map(faultStep);
export const faultStepSchema = z.discriminatedUnion(
  'fault',
  faultSteps as [(typeof faultSteps)[number], ...(typeof faultSteps)[number][]],
);

/** What a heal step may name to pick the applied faults it heals, from every fault's record. */
const healOptions: z.ZodRawShape = Object.assign(
  {},
  ...allFaults().map((d) => d.healOptions ?? {}),
) as z.ZodRawShape;

export const healStepSchema = z
  .strictObject({
    heal: z
      .enum([...FAULT_KINDS, 'all'])
      .describe('The fault to heal (with the targets it was applied to), or all'),
    ...note,
    ...targets,
    between: z.tuple([nodeList, nodeList]).optional().describe('partition: the sets to rejoin'),
    rogue: nodeName.optional().describe('rogue-advert: the rogue router to remove'),
    ...healOptions,
  })
  .describe('Heal a fault applied earlier (heals are idempotent)');

export const waitStepSchema = z
  .strictObject({ wait: duration.describe('How long to let the lab run'), ...note })
  .describe('Let time pass');

export const EXPECT_CONDITIONS = [
  'vipOwner',
  'noOwner',
  'splitBrain',
  'state',
  'lastOutage',
  'servedBy',
  'answers',
  'switchover',
  'switchovers',
] as const;

export const expectationSchema = z
  .strictObject({
    within: duration
      .optional()
      .describe('Poll until the condition holds or this long has passed; without it: check once'),
    vipOwner: nodeName.optional().describe('The VIP is held by this node and no other'),
    noOwner: z.literal(true).optional().describe('No node holds the VIP'),
    splitBrain: z
      .boolean()
      .optional()
      .describe('true: two or more nodes hold the VIP; false: at most one'),
    state: z
      .strictObject({ node: nodeName, is: z.enum(VRRP_STATES) })
      .optional()
      .describe("A node's VRRP state"),
    lastOutage: z
      .strictObject({ under: duration })
      .optional()
      .describe('The last client outage (first failed request to first success) is shorter'),
    servedBy: nodeName.optional().describe("The prober's requests are answered by this node"),
    answers: z
      .strictObject({
        status: z.int().min(100).max(599).describe('The HTTP status, e.g. 503'),
        by: nodeName.optional().describe('Served by this node (its X-Served-By)'),
      })
      .optional()
      .describe(
        "The prober's latest request got this HTTP status (from this node, if by is given)",
      ),
    switchover: z
      .strictObject({
        from: nodeName.optional(),
        to: nodeName.optional(),
        gap: duration
          .optional()
          .describe("From the old master's last advert to the new master's first"),
        tolerance: duration.optional().describe('Allowed difference from gap (default 20ms)'),
      })
      .optional()
      .describe('The latest VRRP switchover (seen on the wire) matches'),
    switchovers: z
      .strictObject({
        atMost: z.int().min(0).optional().describe('No more than this many'),
        count: z.int().min(0).optional().describe('Exactly this many'),
        last: duration
          .optional()
          .describe('Only those in this window before the check (default: since steady state)'),
      })
      .optional()
      .describe('How many VRRP switchovers the wire shows (give atMost or count)'),
  })
  .describe(
    'One condition (vipOwner, noOwner, splitBrain, state, lastOutage, servedBy, answers, switchover, switchovers)',
  );

export const expectStepSchema = z
  .strictObject({ expect: expectationSchema, ...note })
  .describe('Check a condition once, or poll it until `within`');

export const STEP_KEYS = ['fault', 'heal', 'wait', 'expect'] as const;
export const stepSchemas = {
  fault: faultStepSchema,
  heal: healStepSchema,
  wait: waitStepSchema,
  expect: expectStepSchema,
} as const;

export const stepSchema = z.union([
  faultStepSchema,
  healStepSchema,
  waitStepSchema,
  expectStepSchema,
]);

export const labNodeSchema = z
  .strictObject({
    role: z.enum(NODE_ROLES).optional().describe('Default: the seed role, or web for new nodes'),
    address: z
      .ipv4()
      .optional()
      .describe('Default: the seed address (host part kept in a new subnet)'),
    vrrp: z
      .enum(VRRP_IMPLEMENTATIONS)
      .optional()
      .describe('Which VRRP daemon runs on a web node (default chaos, as the lab)'),
    config: z
      .string()
      .min(1)
      .optional()
      .describe('keepalived.conf for the node, relative to the scenario file'),
  })
  .describe('A node of the lab; names of the seed lab override it, other names add nodes');

export const labSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/)
      .optional()
      .describe('Default: seed (Docker resources are chaos-<name>-<node>)'),
    subnet: z.cidrv4().optional().describe('Default 192.168.17.0/24'),
    gateway: z.ipv4().optional(),
    vip: z.ipv4().optional().describe('Default 192.168.17.200'),
    vrid: z.int().min(1).max(255).optional().describe('Default 51'),
    nodes: z.record(nodeName, labNodeSchema).optional(),
  })
  .describe("The lab; default the seed's (server01 .102 MASTER, server03 .101, server02 MySQL)");

export const probeSchema = z
  .strictObject({
    url: z.url().optional().describe('Default http://VIP/'),
    intervalMs: z.int().min(5).max(60_000).optional().describe('Default 20'),
    timeoutMs: z.int().min(1).max(60_000).optional().describe('Default 500'),
  })
  .describe('The client that requests the VIP');

export const sloSchema = z
  .strictObject({
    availability: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .describe('Target availability in percent, e.g. 99.99'),
    maxDowntime: duration.optional().describe('The longest client outage allowed'),
    incidentsPerYear: z
      .number()
      .gt(0)
      .optional()
      .describe("How often this failure happens per year (projects the scenario's downtime)"),
  })
  .describe('Service-level objectives checked against the client outages');

export const scenarioFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('Scenario name'),
    description: z.string().optional(),
    drivers: z
      .array(z.enum(DRIVER_NAMES))
      .min(1)
      .optional()
      .describe(
        'Drivers the scenario is meaningful on (default all); others skip it with a notice',
      ),
    lab: labSchema.optional(),
    probe: probeSchema.optional(),
    steps: z.array(stepSchema).min(1),
    slo: sloSchema.optional(),
  })
  .describe('A chaos scenario: a lab, faults, expectations and objectives');

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
export type FaultStepInput = z.infer<typeof faultStepSchema>;
export type HealStepInput = z.infer<typeof healStepSchema>;
export type ExpectationInput = z.infer<typeof expectationSchema>;
export type LabInput = z.infer<typeof labSchema>;

/** The JSON Schema for editors (committed as schema/scenario.schema.json). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioFileSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://chaos.invalid/schema/scenario.schema.json',
    title: 'chaos scenario',
  };
}
