/**
 * Faults on real containers, measured on the wire. `loss` without netem: the lab `loss`
 * (test/fixtures/labs/loss.yaml: VRRPv3, server01 advertising every 0.1 s) comes up with
 * `chaos lab up`; tcpdump in server03's namespace sees what arrives there (ingress is captured
 * before netfilter, so nothing on server03 hides a packet from it); `chaos fault loss server01
 * -o rate=0.5 -o protocol=vrrp` drops half of server01's adverts at random with iptables'
 * statistic match, `chaos heal loss server01` removes the rule again. The share of server01's
 * adverts that reach server03 is counted per phase: all before, about half during, all after,
 * and server01's iptables holds no chaos rule once healed. `direction=in` on server03 drops about
 * half of what arrives there (its capture against its INPUT rule's counter); `direction=both`
 * puts a rule in each chain and one heal (twice: idempotent) clears both.
 *
 * Needs a Docker engine (requires.ts): with CI=true a missing one fails the suite; elsewhere the
 * suite is skipped with a printed reason.
 */
import { execFileSync } from 'node:child_process';
import Dockerode from 'dockerode';
import { DockerLab, systemLabDeps } from '../../src/lab/docker-lab';
import { startCapture, stopCapture } from './captures';
import { ROOT, chaos } from './cli';
import { describeWithDocker } from './requires';

const LAB_FILE = 'test/fixtures/labs/loss.yaml';
const MASTER = '10.219.0.102';
const PCAP = '/tmp/loss-e2e.pcap';
const PCAP_IN = '/tmp/loss-in-e2e.pcap';
/** Each phase: 8 s of 0.1 s adverts, about 80 of server01's. */
const PHASE_MS = 8000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function ok(...args: string[]): Promise<string> {
  const r = await chaos(args);
  if (r.code !== 0) throw new Error(`chaos ${args.join(' ')}: exit ${r.code}\n${r.out}\n${r.err}`);
  return r.out;
}

describeWithDocker('faults on Docker, measured on the wire', () => {
  const lab = new DockerLab(systemLabDeps(new Dockerode()));

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    await ok('lab', 'up', LAB_FILE);
  }, 600_000);

  afterAll(async () => {
    await chaos(['lab', 'down', '--lab', 'loss']);
  }, 120_000);

  test('loss: iptables statistic drops about the rate of the VRRP sent; heal removes it', async () => {
    const started = await lab.attach('loss');
    await startCapture(started, 'server03', PCAP);
    await sleep(1000);
    const marks: number[] = [Date.now() / 1000];
    await sleep(PHASE_MS);
    marks.push(Date.now() / 1000);
    const faultOut = await ok(
      'fault',
      'loss',
      'server01',
      '-o',
      'rate=0.5',
      '-o',
      'protocol=vrrp',
      '--lab',
      'loss',
    );
    expect(faultOut).toMatch(/^loss server01: done/m);
    const rules = await started.exec('server01', ['iptables', '-S', 'OUTPUT']);
    expect(rules.stdout).toMatch(
      /-p vrrp -m statistic --mode random --probability 0\.5\d* -m comment --comment chaos-loss -j DROP/,
    );
    marks.push(Date.now() / 1000);
    await sleep(PHASE_MS);
    marks.push(Date.now() / 1000);
    await ok('heal', 'loss', 'server01', '--lab', 'loss');
    const after = await started.exec('server01', ['iptables-save']);
    expect(after.stdout).not.toMatch(/chaos-loss/);
    marks.push(Date.now() / 1000);
    await sleep(PHASE_MS);
    marks.push(Date.now() / 1000);
    const fromMaster = (await stopCapture(started, 'server03', PCAP)).filter(
      (o) => o.src === MASTER,
    );
    const count = (from: number, to: number): number =>
      fromMaster.filter((o) => o.time >= from && o.time < to).length;
    const expected = PHASE_MS / 100;
    const [before, during, healed] = [
      count(marks[0]!, marks[1]!),
      count(marks[2]!, marks[3]!),
      count(marks[4]!, marks[5]!),
    ];
    // Before and after: every advert (a few at the phase edges aside).
    expect(before).toBeGreaterThanOrEqual(expected * 0.9);
    expect(healed).toBeGreaterThanOrEqual(expected * 0.9);
    // During: the binomial's ±4 sigma around half of about 80 adverts is 0.28 .. 0.72.
    expect(during / expected).toBeGreaterThan(0.28);
    expect(during / expected).toBeLessThan(0.72);
    process.stdout.write(
      `loss e2e: server01 adverts at server03 per ${PHASE_MS} ms: before ${before}, during ${during}, after ${healed} (expected ${expected})\n`,
    );
  }, 120_000);

  test('loss in and both: INPUT drops about the rate of what arrives; one heal clears both chains', async () => {
    const started = await lab.attach('loss');
    // server03's capture sees every advert that reaches it (ingress before netfilter); its
    // INPUT rule's counter says how many of those it dropped.
    await startCapture(started, 'server03', PCAP_IN);
    await sleep(500);
    await ok(
      'fault',
      'loss',
      'server03',
      '-o',
      'rate=0.5',
      '-o',
      'direction=in',
      '-o',
      'protocol=vrrp',
      '--lab',
      'loss',
    );
    const from = Date.now() / 1000;
    await sleep(PHASE_MS);
    const counters = await started.exec('server03', ['iptables', '-L', 'INPUT', '-v', '-x', '-n']);
    const to = Date.now() / 1000;
    await ok('heal', 'loss', 'server03', '--lab', 'loss');
    const dropped = Number(/^\s*(\d+)\s+\d+\s+DROP\s.*chaos-loss/m.exec(counters.stdout)?.[1]);
    const arrived = (await stopCapture(started, 'server03', PCAP_IN)).filter(
      (o) => o.src === MASTER && o.time >= from && o.time < to,
    ).length;
    // The counter runs from the fault (just before `from`) to the read (just before `to`).
    expect(arrived).toBeGreaterThanOrEqual((PHASE_MS / 100) * 0.9);
    expect(dropped / arrived).toBeGreaterThan(0.28);
    expect(dropped / arrived).toBeLessThan(0.72);
    process.stdout.write(
      `loss in e2e: server03 dropped ${dropped} of ${arrived} adverts that arrived\n`,
    );
    expect((await started.exec('server03', ['iptables-save'])).stdout).not.toMatch(/chaos-loss/);

    // both: a rule in each chain; `chaos heal loss` without options clears both.
    await ok(
      'fault',
      'loss',
      'server01',
      '-o',
      'rate=0.2',
      '-o',
      'direction=both',
      '--lab',
      'loss',
    );
    const both = (await started.exec('server01', ['iptables-save'])).stdout;
    expect(both).toMatch(/-A INPUT .*--probability 0\.2\d* .*chaos-loss -j DROP/);
    expect(both).toMatch(/-A OUTPUT .*--probability 0\.2\d* .*chaos-loss -j DROP/);
    await ok('heal', 'loss', 'server01', '--lab', 'loss');
    // A second heal changes nothing (idempotent).
    await ok('heal', 'loss', 'server01', '--lab', 'loss');
    expect((await started.exec('server01', ['iptables-save'])).stdout).not.toMatch(/chaos-loss/);
  }, 120_000);
});
