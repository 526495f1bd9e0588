/**
 * `chaos run --dry-run`: the plan of the course's lab and steps, on both drivers, touching
 * nothing. Docker is made unreachable twice over: DOCKER_HOST names a socket that does not
 * exist, and the dockerode client cannot even be constructed (a real Docker run then fails at
 * once, which shows the trap works); the dry run succeeds anyway and leaves no run directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labImageTags } from '../../../src/lab/images';
import { loadScenarios } from '../../../src/run/suite';
import { planRun, type RunPlan } from '../../../src/run/plan';
import { cli } from '../cli-helpers';
import { fakeAppRoot, fakeRoot } from '../lab/fake-checkout';

const dockerClients: unknown[] = [];
jest.mock('dockerode', () =>
  jest.fn((options: unknown) => {
    dockerClients.push(options);
    throw new Error('a Docker client was constructed');
  }),
);

const ROOT = path.join(__dirname, '../../..');
const POWEROFF = path.join(ROOT, 'scenarios/poweroff-master.yaml');
const ROGUE = path.join(ROOT, 'scenarios/rogue-router.yaml');

let tmp: string;
const savedHost = process.env.DOCKER_HOST;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-dry-run-'));
  process.env.DOCKER_HOST = `unix://${path.join(tmp, 'no-such-docker.sock')}`;
});
afterAll(() => {
  if (savedHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = savedHost;
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  dockerClients.length = 0;
});

/** What the current folder's runs/ holds (a Docker run's default run directory goes there). */
const runsNow = (): string[] => (fs.existsSync('runs') ? fs.readdirSync('runs').sort() : []);

describe.each(['docker', 'sim'] as const)('chaos run --dry-run --driver %s', (driver) => {
  test('prints the lab, the steps with their targets and deadlines, the bounds; touches nothing', async () => {
    const before = runsNow();
    const out = path.join(tmp, `out-${driver}`);
    const r = await cli('run', POWEROFF, '--dry-run', '--driver', driver, '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(dockerClients).toEqual([]);
    expect(fs.existsSync(out)).toBe(false);
    expect(runsNow()).toEqual(before);
    expect(r.out).toContain(
      `on the ${driver} driver, seed 1, in the order they would run; nothing is started, built`,
    );
    expect(r.out).toMatch(/3 +fault power-off server01 +\[server01\] +by 5 s/);
    expect(r.out).toMatch(
      /4 +expect VIP 192\.168\.17\.200 owned by server03 alone within 5 s +\[server03\] +by 10 s/,
    );
    expect(r.out).toContain(
      'server03: priority 100, advert 1 s, Master_Down_Interval 3.609375 s, preempt',
    );
    expect(r.out).toContain('slo: max downtime 4 s, availability 99.99 %, 12 incidents a year');
    if (driver === 'docker') {
      expect(r.out).toContain('lab seed: network chaos-seed, subnet 192.168.17.0/24');
      expect(r.out).toMatch(/server01 +web +192\.168\.17\.102 +chaos +chaos-seed-server01/);
      expect(r.out).toMatch(/^images/m);
    } else {
      expect(r.out).toContain('images: none (the simulator builds and starts nothing)');
      expect(r.out).not.toContain('chaos-seed-');
    }
  });
});

test('the trap is real: a Docker run (not dry) constructs a client and fails, exit 3', async () => {
  const r = await cli('run', POWEROFF, '--out', path.join(tmp, 'real'));
  expect(dockerClients.length).toBeGreaterThan(0);
  expect(r.code).toBe(3);
});

test('--json: the plan as data, deadlines summed from the steady state', async () => {
  const r = await cli('run', POWEROFF, ROGUE, '--dry-run', '--json');
  expect(r.code).toBe(0);
  const plan = JSON.parse(r.out) as RunPlan;
  expect(plan.driver).toBe('docker');
  const [poweroff, rogue] = plan.scenarios;
  expect(poweroff?.steps.map((s) => [s.kind, s.targets, s.withinMs, s.byMs])).toEqual([
    ['wait', [], null, 5000],
    ['expect', ['server01'], null, 5000],
    ['fault', ['server01'], null, 5000],
    ['expect', ['server03'], 5000, 10000],
    ['expect', ['server01', 'server03'], null, 10000],
    ['expect', [], null, 10000],
    ['heal', ['server01'], null, 10000],
    ['wait', [], null, 20000],
    ['expect', ['server01'], null, 20000],
    ['expect', ['server03'], null, 20000],
  ]);
  expect(poweroff?.bounds).toMatchObject({ masterDownMs: 3609.375, advertMs: 1000 });
  expect(poweroff?.lab.network).toBe('chaos-seed');
  // The rogue routers its faults bring are containers too, of the web image.
  expect(rogue?.lab.nodes.slice(4).map((n) => [n.name, n.role, n.address, n.container])).toEqual([
    ['rogue-guess', 'brought by a fault', '192.168.17.66', 'chaos-seed-rogue-guess'],
    ['rogue', 'brought by a fault', '192.168.17.67', 'chaos-seed-rogue'],
  ]);
});

test('what the driver refuses is in the plan, and the exit is 2 as the run would be', async () => {
  const file = path.join(tmp, 'pause.yaml');
  fs.writeFileSync(file, 'name: pause\nsteps:\n  - fault: pause\n    node: server01\n');
  const r = await cli('run', file, '--dry-run', '--driver', 'sim');
  expect(r.code).toBe(2);
  expect(r.out).toContain('refused: step 1: pause: the simulator cannot freeze a node');
  expect(r.out).toContain('the sim driver refuses 1 step(s)');
  expect((await cli('run', file, '--dry-run', '--driver', 'docker')).code).toBe(0);
});

test('an invalid file stops the dry run as it stops the run: exit 2, file:line:col', async () => {
  const file = path.join(tmp, 'bad.yaml');
  fs.writeFileSync(file, 'name: bad\nsteps:\n  - wait: soon\n');
  const r = await cli('run', file, '--dry-run');
  expect(r.code).toBe(2);
  expect(r.err).toContain(`${file}:3:11:`);
});

describe('image tags without an engine', () => {
  test('each image is chaos/NAME:12 hex of its inputs; a web input changes only the web tag', () => {
    const root = fakeAppRoot();
    const first = labImageTags(root);
    expect(first.web).toMatch(/^chaos\/web:[0-9a-f]{12}$/);
    expect(first.mysql).toMatch(/^chaos\/mysql:[0-9a-f]{12}$/);
    expect(first.prober).toMatch(/^chaos\/prober:[0-9a-f]{12}$/);
    expect(labImageTags(root)).toEqual(first);
    fs.appendFileSync(path.join(root, 'docker/web/Dockerfile'), 'RUN true\n');
    const second = labImageTags(root);
    expect(second.web).not.toBe(first.web);
    expect({ ...second, web: '' }).toEqual({ ...first, web: '' });
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('without dist/ the tags cannot be known: DIST_MISSING', () => {
    const root = fakeRoot('FROM x\n', false);
    expect(() => labImageTags(root)).toThrow(/DIST_MISSING/);
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("the plan puts each role's image on its containers", () => {
    const plan = planRun({
      driver: 'docker',
      seed: 1,
      scenarios: loadScenarios([ROGUE]),
      images: {
        kind: 'tags',
        web: 'chaos/web:aaa',
        mysql: 'chaos/mysql:bbb',
        prober: 'chaos/prober:ccc',
      },
      refusals: () => [],
    });
    expect(plan.scenarios[0]?.lab.nodes.map((n) => [n.name, n.image])).toEqual([
      ['server01', 'chaos/web:aaa'],
      ['server03', 'chaos/web:aaa'],
      ['server02', 'chaos/mysql:bbb'],
      ['prober', 'chaos/prober:ccc'],
      ['rogue-guess', 'chaos/web:aaa'],
      ['rogue', 'chaos/web:aaa'],
    ]);
  });
});

test('the plan lists the scenarios in the order they run: those of one lab together, the lab reused', async () => {
  const graceful = path.join(ROOT, 'scenarios/graceful-stop.yaml');
  const r = await cli('run', POWEROFF, ROGUE, graceful, '--dry-run', '--json');
  const plan = JSON.parse(r.out) as RunPlan;
  expect(plan.scenarios.map((s) => [s.name, s.sameLabAsPrevious])).toEqual([
    ['poweroff-master', false],
    ['graceful-stop', true],
    ['rogue-router', false],
  ]);
  const text = await cli('run', POWEROFF, graceful, '--dry-run');
  expect(text.out).toContain("VRID 51 (the previous scenario's: reused, VRRP restarted)");
  const sim = await cli('run', POWEROFF, graceful, '--dry-run', '--driver', 'sim');
  expect(sim.out).not.toContain('reused');
});
