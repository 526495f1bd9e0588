/**
 * malformed-adverts: a foreign sender on the LAN floods the group with broken VRRP, each advert
 * the lab's own (its VRID, VIPs, version, password) at priority 254 with one thing wrong: the
 * checksum, the version, TTL 254, the IPv4 total length, the password, the VRID (another
 * group's). Every receive check must hold: the VIP does not move, and each daemon counts what
 * it dropped by reason (the report sets that beside what was sent). The packets come from one
 * pure builder (src/vrrp/malformed.ts): the simulator injects them onto its LAN, the Docker
 * driver's sender (a web-image container on the lab network) sends them as Ethernet frames.
 */
import { z } from 'zod';
import { ChaosError } from '../errors';
import { parseKeepalivedConf } from '../keepalived';
import type { InstanceConfig } from '../vrrp/config';
import {
  MALFORMED_KINDS,
  MALFORMED_PRIORITY,
  malformedKinds,
  malformedReason,
  malformedSet,
  type MalformedKind,
} from '../vrrp/malformed';
import { nodeName } from '../scenario/primitives';
import { pick } from './explore-draw';
import { inLab } from './rogue';
import { defineFault, type DockerAction, type FaultLab, type RogueSpec } from './types';

/** The sender exists in the simulation from the start but never boots (it only sends). */
const NEVER = Number.MAX_SAFE_INTEGER;
export const FLOOD_NO_INSTANCE = 'FLOOD_NO_INSTANCE';
export const MAX_FLOOD_PPS = 10_000;

export type FloodKind = MalformedKind | 'mixed';

/** The kinds a flood sends: all that exist for the instance (`mixed`), or the one given. */
export function floodKinds(kind: FloodKind, c: InstanceConfig): MalformedKind[] {
  return kind === 'mixed' ? malformedKinds(c) : [kind];
}

/** The lab's instance of `vrid`, from the first web node's keepalived.conf that has one. */
export function labInstance(lab: FaultLab, vrid: number): InstanceConfig | undefined {
  for (const node of lab.nodes) {
    if (node.role !== 'web' || node.configText === undefined) continue;
    const found = parseKeepalivedConf(node.configText, undefined, undefined, {
      configId: node.name,
    }).config.instances.find((i) => i.vrid === vrid);
    if (found) return found;
  }
  return undefined;
}

function refuseKind(kind: FloodKind, c: InstanceConfig | undefined, vrid: number): string | null {
  if (!c) return `no web node's keepalived.conf has a vrrp_instance with VRID ${vrid}`;
  if (!floodKinds(kind, c).every((k) => malformedKinds(c).includes(k)))
    return `kind ${kind}: VRRPv${c.version} has no authentication`;
  return null;
}

interface FloodUnit {
  rogue: RogueSpec;
  pps: number;
  floodKind: FloodKind;
}

function startFlood(u: FloodUnit, lab: FaultLab): DockerAction[] {
  const c = labInstance(lab, u.rogue.vrid);
  const why = refuseKind(u.floodKind, c, u.rogue.vrid);
  if (!c || why) throw new ChaosError(FLOOD_NO_INSTANCE, `malformed-adverts: ${why ?? ''}`);
  const packets = malformedSet(floodKinds(u.floodKind, c), c, u.rogue.address).map((p) => ({
    kind: p.kind,
    reason: malformedReason(p.kind, c),
    hex: Buffer.from(p.datagram).toString('hex'),
  }));
  return [{ startFlood: { name: u.rogue.name, address: u.rogue.address, pps: u.pps, packets } }];
}

export const malformedAdverts = defineFault({
  kind: 'malformed-adverts',
  healName: 'stop-malformed',
  summary: 'a foreign sender on the LAN floods the group with broken VRRP; heal: it goes away',
  target: 'rogue',
  sendsOnly: true,
  options: {
    rogue: nodeName.optional().describe('Name of the sender (default malformed)'),
    address: z.ipv4().describe("The sender's address: in the lab subnet, used by no node"),
    pps: z
      .int()
      .min(1)
      .max(MAX_FLOOD_PPS)
      .optional()
      .describe('Packets per second, all kinds together (default 100)'),
    kind: z
      .enum([...MALFORMED_KINDS, 'mixed'])
      .optional()
      .describe(
        'What is broken: checksum, version, ttl (254), length (IPv4 total length), auth (password), vrid (another group), or mixed (each in turn; default)',
      ),
  },
  normalise: (s, ctx) => {
    const rogue: RogueSpec = {
      name: s.rogue ?? 'malformed',
      address: s.address,
      priority: MALFORMED_PRIORITY,
      password: null,
      vrid: ctx.lab.vrid,
      advertIntervalMs: 0,
      vip: null,
    };
    inLab(ctx, 'address', s.address, "the sender's address");
    const owner = ctx.lab.nodes.find((n) => n.address === s.address)?.name;
    const taken = owner ?? (s.address === ctx.lab.vip ? 'the VIP' : undefined);
    if (taken ?? s.address === ctx.lab.gateway)
      ctx.issue({
        path: [...ctx.at, 'address'],
        message: `the sender's address ${s.address} is in use (${taken ?? 'the gateway'})`,
      });
    return { rogue, pps: s.pps ?? 100, floodKind: s.kind ?? 'mixed' };
  },
  // A flood of its VRID silences the master (a switchover may be right); the simulator's events
  // grow with pps, so explore keeps to the low rates.
  explore: {
    effects: ['timing'],
    draw: (rng, ctx) => ({
      rogue: ctx.freshName('malformed'),
      address: ctx.freeAddress(),
      pps: pick(rng, [10, 50, 100]),
      kind: pick(rng, [...MALFORMED_KINDS, 'mixed']),
    }),
  },
  describe: (f) =>
    `malformed-adverts ${f.rogue.name} (${f.rogue.address}, ${f.pps} pps, ${f.floodKind})`,
  docker: {
    roles: [],
    how: 'a web-image container on the lab network (NET_RAW) sends the broken adverts as Ethernet frames on a packet socket, counting them by kind; heal stops it (its counts read) and removes it',
    apply: startFlood,
    heal: (u) => [{ removeFlood: u.rogue.name }],
    refuse: (u, lab) => refuseKind(u.floodKind, labInstance(lab, u.rogue.vrid), u.rogue.vrid),
  },
  sim: {
    how: 'a simulated sender puts the same bytes on the LAN at pps in virtual time; the nodes run the real receive checks',
    apply: (u, sim) =>
      sim.malformedFlood({
        sender: u.rogue.name,
        vrid: u.rogue.vrid,
        pps: u.pps,
        ...(u.floodKind === 'mixed' ? {} : { kinds: [u.floodKind] }),
      }),
    heal: (u, sim) => {
      sim.stopFlood(u.rogue.name);
    },
    prepare: (u) => ({
      nodes: [
        {
          name: u.rogue.name,
          address: u.rogue.address,
          processes: [],
          bootAt: NEVER,
          instances: [],
        },
      ],
    }),
  },
});
