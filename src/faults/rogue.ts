/**
 * Foreign routers on the LAN, advertising the lab's VRID. rogue-advert claims the lab's VIP:
 * with the wrong password it is ignored, with the right one (or none where none is configured)
 * and a higher priority it takes the VIP. vrid-collision is another team's router that picked
 * the same VRID for its own VIP: the lab's routers drop its adverts (their address list does not
 * match, RFC 3768 7.1 / 5798 7.1, as keepalived does) and it drops theirs, so both groups have a
 * master on one VRID. The same router on both drivers: the simulator runs its instance, the
 * Docker driver renders it into a keepalived.conf for a chaos-vrrpd container on the network.
 */
import { z } from 'zod';
import { renderKeepalivedConf } from '../keepalived/render';
import { inSubnet, parseCidr } from '../scenario/cidr';
import { parseDuration } from '../scenario/duration';
import { duration, nodeName } from '../scenario/primitives';
import type { IssuePath, PathIssue } from '../scenario/path-issue';
import type { SeededRng } from '../sim/rng';
import type { SimNodeSpec } from '../sim/simulator';
import { instanceConfig, type InstanceConfig } from '../vrrp/config';
import {
  defineFault,
  type DockerAction,
  type ExploreContext,
  type FaultLab,
  type NormaliseContext,
  type RogueSpec,
  type SimFaultContext,
} from './types';

/** Rogue routers exist in the simulation from the start but boot only when applied. */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * The VRRP instance of a foreign router: a BACKUP that claims its VIP (the lab's, unless it has
 * its own) on the given VRID with the given priority and password.
 */
export function rogueInstance(rogue: RogueSpec, vip: string): InstanceConfig {
  const address = rogue.vip ?? vip;
  return instanceConfig({
    name: 'VI_ROGUE',
    vrid: rogue.vrid,
    priority: rogue.priority,
    advertIntervalMs: rogue.advertIntervalMs,
    initialState: 'BACKUP',
    auth: rogue.password === null ? null : { type: 'PASS', password: rogue.password },
    vips: [{ address, prefixLength: 32 }],
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

/** What both foreign routers share: a name unique in the scenario, a router on each driver. */
function sameNameOnce(
  specs: readonly { spec: { rogue: RogueSpec }; at: IssuePath }[],
  labNodes: readonly string[],
): PathIssue[] {
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
}

const foreignDocker = {
  roles: [] as const,
  how: "a chaos-vrrpd container on the lab network (NET_ADMIN, NET_RAW) with the router's instance; heal removes it",
  apply: ({ rogue }: { rogue: RogueSpec }, lab: FaultLab): DockerAction[] => [
    {
      startRogue: {
        name: rogue.name,
        address: rogue.address,
        configText: rogueConfigText(rogue, lab.vip),
      },
    },
  ],
  heal: ({ rogue }: { rogue: RogueSpec }): DockerAction[] => [{ removeRogue: rogue.name }],
};

const foreignSim = {
  how: 'a simulated router that boots when applied and is powered off when healed',
  apply: ({ rogue }: { rogue: RogueSpec }, sim: SimFaultContext) => sim.rogueOn(rogue.name),
  heal: ({ rogue }: { rogue: RogueSpec }, sim: SimFaultContext) => sim.rogueOff(rogue.name),
  prepare: ({ rogue }: { rogue: RogueSpec }, lab: FaultLab) => ({
    nodes: [rogueNode(rogue, lab.vip)],
  }),
};

/** An address of the router, in the lab's subnet. */
export function inLab(ctx: NormaliseContext, key: string, address: string, what: string): void {
  if (!inSubnet(address, parseCidr(ctx.lab.subnet)))
    ctx.issue({
      path: [...ctx.at, key],
      message: `${what} ${address} is outside subnet ${ctx.lab.subnet}`,
    });
}

/** A foreign router from its file options, with the defaults of its kind. */
function routerSpec(
  s: {
    rogue?: string | undefined;
    address: string;
    priority?: number | undefined;
    password?: string | undefined;
    advertInt?: string | undefined;
    vip?: string | undefined;
  },
  defaults: { name: string; priority: number; vrid: number },
): RogueSpec {
  return {
    name: s.rogue ?? defaults.name,
    address: s.address,
    priority: s.priority ?? defaults.priority,
    password: s.password ?? null,
    vrid: defaults.vrid,
    advertIntervalMs: s.advertInt === undefined ? 1000 : (parseDuration(s.advertInt) ?? 0),
    vip: s.vip ?? null,
  };
}

const router = {
  rogue: nodeName.optional().describe('Name of the rogue router (default rogue)'),
  address: z.ipv4().describe("The rogue's address, in the lab subnet"),
  password: z.string().max(8).optional().describe('auth PASS password; omit for no authentication'),
  advertInt: duration.optional().describe('Advert interval (default 1s)'),
};

/**
 * A foreign router for `chaos explore`: a fresh name and address, the lab's password in most
 * draws (so that the lab's routers accept its adverts), none in the others.
 */
function drawRouter(
  rng: SeededRng,
  ctx: ExploreContext,
  base: string,
): { rogue: string; address: string; password?: string } {
  const password = ctx.password !== null && !rng.chance(0.2) ? { password: ctx.password } : {};
  return { rogue: ctx.freshName(base), address: ctx.freeAddress(), ...password };
}

export const rogueAdvert = defineFault({
  kind: 'rogue-advert',
  healName: 'remove-rogue',
  summary: 'a foreign router on the LAN advertising the VRID; heal: it goes away',
  target: 'rogue',
  options: {
    rogue: router.rogue,
    address: router.address,
    priority: z
      .int()
      .min(1)
      .max(255)
      .optional()
      .describe('Advertised priority (default 254; 255: it claims to own the address)'),
    password: router.password,
    vrid: z.int().min(1).max(255).optional().describe("VRID (default the lab's)"),
    advertInt: router.advertInt,
  },
  normalise: (s, ctx) => {
    const rogue = routerSpec(s, { name: 'rogue', priority: 254, vrid: s.vrid ?? ctx.lab.vrid });
    inLab(ctx, 'address', rogue.address, "the rogue's address");
    return { rogue };
  },
  // The lab's VRID (another is vrid-collision's or nobody's business), any priority but 255.
  explore: {
    effects: ['links'],
    draw: (rng, ctx) => ({ ...drawRouter(rng, ctx, 'rogue'), priority: rng.int(1, 254) }),
  },
  describe: ({ rogue: r }) =>
    `rogue-advert ${r.name} (${r.address}, priority ${r.priority}, ${r.password === null ? 'no auth' : `password ${r.password}`})`,
  check: sameNameOnce,
  docker: foreignDocker,
  sim: foreignSim,
});

export const vridCollision = defineFault({
  kind: 'vrid-collision',
  healName: 'remove-collision',
  summary: "another team's router on the LAN with the lab's VRID and its own VIP; heal: it goes",
  target: 'rogue',
  options: {
    rogue: nodeName.optional().describe('Name of the router (default other-team)'),
    address: router.address,
    vip: z.ipv4().describe("Its own VIP (not the lab's), in the lab subnet"),
    priority: z.int().min(1).max(254).optional().describe('Its priority (default 100)'),
    password: router.password,
    advertInt: router.advertInt,
  },
  normalise: (s, ctx) => {
    const rogue = routerSpec(s, { name: 'other-team', priority: 100, vrid: ctx.lab.vrid });
    inLab(ctx, 'address', rogue.address, "the router's address");
    inLab(ctx, 'vip', s.vip, 'its VIP');
    if (s.vip === ctx.lab.vip)
      ctx.issue({
        path: [...ctx.at, 'vip'],
        message: `${s.vip} is the lab's own VIP: a router claiming it is rogue-advert`,
      });
    return { rogue };
  },
  describe: ({ rogue: r }) =>
    `vrid-collision ${r.name} (${r.address}, VRID ${r.vrid}, VIP ${r.vip ?? '?'}, priority ${r.priority})`,
  check: sameNameOnce,
  explore: {
    effects: ['links'],
    draw: (rng, ctx) => ({
      ...drawRouter(rng, ctx, 'other-team'),
      vip: ctx.freeAddress(),
      priority: rng.int(1, 254),
    }),
  },
  docker: {
    ...foreignDocker,
    how: "a chaos-vrrpd container on the lab network advertising the lab's VRID for its own VIP; heal removes it",
  },
  sim: foreignSim,
});
