/**
 * The scenario file's schema (zod 4): what a user writes, before normalisation. It has no
 * transforms, so the JSON Schema emitted from it (`chaos validate --schema`, committed as
 * schema/scenario.schema.json) is exactly what the loader accepts. Defaults and cross-field
 * rules (known node names, exactly one condition per expect, configs that exist) live in
 * normalise.ts and loader.ts. Pure.
 */
import { z } from 'zod';

export const FAULT_KINDS = [
  'power-off',
  'graceful-stop',
  'network-down',
  'kill-process',
  'block-multicast',
  'block-vrrp',
  'partition',
  'pause',
  'loss',
  'delay',
  'rogue-advert',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const DRIVER_NAMES = ['docker', 'sim'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

export const NODE_ROLES = ['web', 'mysql', 'prober'] as const;
export const VRRP_IMPLEMENTATIONS = ['chaos', 'keepalived'] as const;
export const VRRP_STATES = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOPPED'] as const;
export const DIRECTIONS = ['in', 'out', 'both'] as const;

/** `300ms`, `5s`, `1.5s`, `2m`, `1h` (see duration.ts). */
export const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)\s*$/;

const duration = z
  .string()
  .regex(DURATION_PATTERN, { message: 'not a duration (write a number and a unit: 300ms, 5s, 2m)' })
  .describe('A duration: a number and a unit (ms, s, m, h), e.g. 300ms, 5s, 3.609375s');

const nodeName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/, {
    message: 'a node name is lower-case letters, digits and - (up to 32, as Docker names)',
  })
  .describe('A node of the lab (server01, server03, ...) or a rogue router named by a fault');

const nodeList = z.array(nodeName).min(1);

/** Every fault names its targets with `node` (one) or `nodes` (several). */
const targets = {
  node: nodeName.optional().describe('The target node (or use nodes)'),
  nodes: nodeList.optional().describe('The target nodes (or use node)'),
};

const note = { note: z.string().optional().describe('Free text shown in the report') };

function fault<K extends FaultKind, S extends z.ZodRawShape>(kind: K, shape: S, what: string) {
  return z
    .strictObject({ fault: z.literal(kind), ...note, ...shape })
    .describe(`fault ${kind}: ${what}`);
}

const direction = z
  .enum(DIRECTIONS)
  .optional()
  .describe('Which traffic of the node is dropped (default both)');

/** block-multicast drops on receipt by default, as the course does: each node still sends. */
const multicastDirection = z
  .enum(DIRECTIONS)
  .optional()
  .describe(
    'Which VRRP multicast of the node is dropped: in (default: on receipt, the node still advertises), out, or both',
  );

export const faultStepSchema = z.discriminatedUnion('fault', [
  fault('power-off', targets, 'the node loses power (SIGKILL); heal: power on'),
  fault(
    'graceful-stop',
    targets,
    'the VRRP daemon stops cleanly (priority 0 sent); heal: start it',
  ),
  fault('network-down', targets, "the node's interface goes down; heal: up again"),
  fault(
    'kill-process',
    {
      ...targets,
      process: z.string().min(1).optional().describe('The process to kill (default nginx)'),
    },
    'kill a process (nginx by default); heal: start it again',
  ),
  fault(
    'block-multicast',
    { ...targets, direction: multicastDirection },
    'drop VRRP multicast (224.0.0.18), on receipt by default',
  ),
  fault('block-vrrp', { ...targets, direction }, 'drop all VRRP (protocol 112), unicast too'),
  fault(
    'partition',
    {
      between: z.tuple([nodeList, nodeList]).describe('Two node sets that cannot reach each other'),
    },
    'no traffic between two node sets',
  ),
  fault('pause', targets, 'the node is frozen (docker pause); heal: resume'),
  fault(
    'loss',
    { ...targets, rate: z.number().gt(0).max(1).describe('Share of packets lost, 0 < rate <= 1') },
    "lose a share of the node's outgoing packets",
  ),
  fault(
    'delay',
    {
      ...targets,
      latency: duration.describe("Added to every outgoing packet's delay"),
      jitter: duration.optional().describe('Plus a random delay up to this'),
    },
    "delay the node's outgoing packets",
  ),
  fault(
    'rogue-advert',
    {
      rogue: nodeName.optional().describe('Name of the rogue router (default rogue)'),
      address: z.ipv4().describe("The rogue's address, in the lab subnet"),
      priority: z.int().min(1).max(254).optional().describe('Advertised priority (default 254)'),
      password: z
        .string()
        .max(8)
        .optional()
        .describe('auth PASS password; omit for no authentication'),
      vrid: z.int().min(1).max(255).optional().describe("VRID (default the lab's)"),
      advertInt: duration.optional().describe('Advert interval (default 1s)'),
    },
    'a foreign router on the LAN advertising the VRID; heal: it goes away',
  ),
]);

export const healStepSchema = z
  .strictObject({
    heal: z
      .enum([...FAULT_KINDS, 'all'])
      .describe('The fault to heal (with the targets it was applied to), or all'),
    ...note,
    ...targets,
    between: z.tuple([nodeList, nodeList]).optional().describe('partition: the sets to rejoin'),
    rogue: nodeName.optional().describe('rogue-advert: the rogue router to remove'),
    process: z.string().min(1).optional().describe('kill-process: the process to start'),
    direction,
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
  })
  .describe(
    'One condition (vipOwner, noOwner, splitBrain, state, lastOutage, servedBy, answers, switchover)',
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
