/**
 * npm run bench:sim — simulator throughput.
 *  1. simulated seconds per wall second, two routers (one VRRP group);
 *  2. the same for 50 groups (100 routers on one LAN, every multicast advert reaches all);
 *  3. 1,000 seeded runs of the split-brain experiment (block multicast, two masters, heal).
 * Each figure is the median of 5 repetitions in this one run.
 */
import { performance } from 'node:perf_hooks';
import { SEED_LAB, seedInstance } from '../src/lab/seed-lab';
import { Simulator, type SimNodeSpec } from '../src/sim/simulator';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function groups(n: number): SimNodeSpec[] {
  const nodes: SimNodeSpec[] = [];
  for (let g = 0; g < n; g++) {
    const vrid = 1 + g;
    const vip = `10.9.${g}.1`;
    for (const [i, initialState] of [
      [0, 'MASTER'],
      [1, 'BACKUP'],
    ] as const) {
      nodes.push({
        name: `g${g}n${i}`,
        address: `10.8.${g}.${10 + i}`,
        instances: [
          seedInstance(i === 0 ? 'server01' : 'server03', {
            vrid,
            initialState,
            vips: [{ address: vip, prefixLength: 32 }],
          }),
        ],
      });
    }
  }
  return nodes;
}

/** Simulated seconds per wall second for `n` groups over `simSeconds`, with a failover every minute. */
function throughput(n: number, simSeconds: number): number {
  const sim = new Simulator({ seed: 7, nodes: groups(n) });
  sim.recordTrace = false;
  sim.recordWire = false;
  for (let t = 60_000; t < simSeconds * 1000; t += 60_000) {
    const g = (t / 60_000) % n;
    sim.at(t, () => sim.powerOff(`g${g}n0`));
    sim.at(t + 20_000, () => sim.powerOn(`g${g}n0`));
  }
  const start = performance.now();
  sim.runUntil(simSeconds * 1000);
  const wall = (performance.now() - start) / 1000;
  return simSeconds / wall;
}

/** The split-brain experiment with seed `seed`; true when it showed two masters, then one. */
function splitBrainRun(seed: number): boolean {
  const vip = SEED_LAB.vip;
  const sim = new Simulator({
    seed,
    latencyMs: 0.1,
    nodes: [
      {
        name: 'server01',
        address: SEED_LAB.nodes.server01.address,
        instances: [seedInstance('server01')],
      },
      {
        name: 'server03',
        address: SEED_LAB.nodes.server03.address,
        instances: [seedInstance('server03')],
      },
    ],
  });
  sim.delay('server01', 0, 2); // seeded jitter so that every seed is a different run
  sim.delay('server03', 0, 2);
  sim.runUntil(10_000);
  const before = sim.vipOwners(vip).length === 1;
  sim.blockMulticast('server01');
  sim.blockMulticast('server03');
  sim.runUntil(20_000);
  const split = sim.vipOwners(vip).length === 2;
  sim.unblockMulticast('server01');
  sim.unblockMulticast('server03');
  sim.runUntil(25_000);
  return before && split && sim.vipOwners(vip).length === 1;
}

function main(): void {
  const reps = 5;
  const two = median(Array.from({ length: reps }, () => throughput(1, 24 * 3600)));
  const fifty = median(Array.from({ length: reps }, () => throughput(50, 600)));
  const runs: number[] = [];
  let passed = 0;
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    passed = 0;
    for (let seed = 1; seed <= 1000; seed++) if (splitBrainRun(seed)) passed++;
    runs.push((performance.now() - start) / 1000);
  }
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log('chaos bench:sim (median of 5)');
  console.log(
    `  2 routers, 1 group, 24 h simulated:    ${fmt(two)} x real time (target >= 10,000)`,
  );
  console.log(`  100 routers, 50 groups, 10 min simulated: ${fmt(fifty)} x real time`);
  console.log(
    `  1,000 split-brain runs:                ${median(runs).toFixed(2)} s (target < 10 s), ${passed}/1000 showed split brain and healed`,
  );
  if (passed !== 1000) process.exitCode = 1;
}

main();
