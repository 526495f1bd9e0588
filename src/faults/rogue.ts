/**
 * A foreign router on the LAN advertising the lab's VRID: with the wrong password it is
 * ignored, with the right one (or none where none is configured) and a higher priority it
 * takes the VIP. The same router on both drivers: the simulator runs its instance, the Docker
 * driver renders it into a keepalived.conf for a chaos-vrrpd container on the lab's network.
 */
import { z } from 'zod';
import { renderKeepalivedConf } from '../keepalived/render';
import { inSubnet, parseCidr } from '../scenario/cidr';
import { parseDuration } from '../scenario/duration';
import { duration, nodeName } from '../scenario/primitives';
import type { PathIssue } from '../scenario/path-issue';
import type { SimNodeSpec } from '../sim/simulator';
import { instanceConfig, type InstanceConfig } from '../vrrp/config';
import { defineFault, type RogueSpec } from './types';

/** Rogue routers exist in the simulation from the start but boot only when applied. */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * The VRRP instance of a rogue-advert router: a BACKUP that claims the lab's VIP on the given
 * VRID with the given priority and password.
 */
export function rogueInstance(rogue: RogueSpec, vip: string): InstanceConfig {
  return instanceConfig({
    name: 'VI_ROGUE',
    vrid: rogue.vrid,
    priority: rogue.priority,
    advertIntervalMs: rogue.advertIntervalMs,
    initialState: 'BACKUP',
    auth: rogue.password === null ? null : { type: 'PASS', password: rogue.password },
    vips: [{ address: vip, prefixLength: 32 }],
  });
}

/** The rogue router's keepalived.conf: one instance for the lab's VIP, starting BACKUP. */
export function rogueConfigText(rogue: RogueSpec, vip: string): string {
  return renderKeepalivedConf([rogueInstance(rogue, vip)]);
}

function rogueNode(r: RogueSpec, vip: string): SimNodeSpec {
  return {
    name: r.name,
    address: r.address,
    processes: [],
    bootAt: NEVER,
    instances: [rogueInstance(r, vip)],
  };
}

export const rogueAdvert = defineFault({
  kind: 'rogue-advert',
  healName: 'remove-rogue',
  summary: 'a foreign router on the LAN advertising the VRID; heal: it goes away',
  target: 'rogue',
  options: {
    rogue: nodeName.optional().describe('Name of the rogue router (default rogue)'),
    address: z.ipv4().describe("The rogue's address, in the lab subnet"),
    priority: z
      .int()
      .min(1)
      .max(255)
      .optional()
      .describe('Advertised priority (default 254; 255: it claims to own the address)'),
    password: z
      .string()
      .max(8)
      .optional()
      .describe('auth PASS password; omit for no authentication'),
    vrid: z.int().min(1).max(255).optional().describe("VRID (default the lab's)"),
    advertInt: duration.optional().describe('Advert interval (default 1s)'),
  },
  normalise: (s, ctx) => {
    const rogue: RogueSpec = {
      name: s.rogue ?? 'rogue',
      address: s.address,
      priority: s.priority ?? 254,
      password: s.password ?? null,
      vrid: s.vrid ?? ctx.lab.vrid,
      advertIntervalMs: s.advertInt === undefined ? 1000 : (parseDuration(s.advertInt) ?? 0),
    };
    if (!inSubnet(rogue.address, parseCidr(ctx.lab.subnet)))
      ctx.issue({
        path: [...ctx.at, 'address'],
        message: `the rogue's address ${rogue.address} is outside subnet ${ctx.lab.subnet}`,
      });
    return { rogue };
  },
  describe: ({ rogue: r }) =>
    `rogue-advert ${r.name} (${r.address}, priority ${r.priority}, ${r.password === null ? 'no auth' : `password ${r.password}`})`,
  check: (specs, labNodes) => {
    const issues: PathIssue[] = [];
    const seen = new Map<string, RogueSpec>();
    for (const { spec, at } of specs) {
      const { name } = spec.rogue;
      const prev = seen.get(name);
      if (labNodes.includes(name))
        issues.push({
          path: [...at, 'rogue'],
          message: `the rogue router cannot be called ${name}: a lab node has that name`,
        });
      else if (prev && JSON.stringify(prev) !== JSON.stringify(spec.rogue))
        issues.push({
          path: at,
          message: `rogue ${name} is defined twice with different settings: give the second one another name (rogue: ...)`,
        });
      else seen.set(name, spec.rogue);
    }
    return issues;
  },
  docker: {
    roles: [],
    how: 'a chaos-vrrpd container on the lab network (NET_ADMIN, NET_RAW) with the rogue instance; heal removes it',
    apply: ({ rogue }, lab) => [
      {
        startRogue: {
          name: rogue.name,
          address: rogue.address,
          configText: rogueConfigText(rogue, lab.vip),
        },
      },
    ],
    heal: ({ rogue }) => [{ removeRogue: rogue.name }],
  },
  sim: {
    how: 'a simulated router that boots when applied and is powered off when healed',
    apply: ({ rogue }, sim) => sim.rogueOn(rogue.name),
    heal: ({ rogue }, sim) => sim.rogueOff(rogue.name),
    prepare: ({ rogue }, lab) => ({ nodes: [rogueNode(rogue, lab.vip)] }),
  },
});
