/**
 * examples/jest, a project of its own depending on chaos by path, run with its own jest config
 * as a team would run it: its test brings up the course's lab with startLab(), powers off the
 * master and asserts the takeover with the chaos/jest matchers. No npm install: the example's
 * node_modules/chaos is linked to this checkout, as `npm install` of `file:../..` links it, and
 * jest, ts-jest and TypeScript resolve from the repository's node_modules. Needs the built
 * package (dist/: its main and types) and a Docker engine (CI=true: fails without them).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Dockerode from 'dockerode';
import { describeIfBuilt } from '../fixtures/built-cli';
import { describeWithDocker } from './requires';

const ROOT = path.join(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/jest');
const JEST = path.join(ROOT, 'node_modules/jest/bin/jest.js');

/** node_modules/chaos -> the checkout, as npm links a `file:` dependency. */
function linkChaos(): void {
  const modules = path.join(EXAMPLE, 'node_modules');
  const link = path.join(modules, 'chaos');
  fs.mkdirSync(modules, { recursive: true });
  if (fs.existsSync(link) && fs.realpathSync(link) === fs.realpathSync(ROOT)) return;
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(path.relative(modules, ROOT), link, 'dir');
}

function runJest(): Promise<{ code: number | null; out: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JEST, '--ci', '--runInBand', '--colors=false'], {
      cwd: EXAMPLE,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, pid: child.pid ?? -1 }));
  });
}

describeIfBuilt('examples/jest')('examples/jest', () => {
  describeWithDocker('examples/jest on Docker', () => {
    it("runs the example's jest suite: the takeover asserted, the lab removed", async () => {
      linkChaos();
      const run = await runJest();
      if (run.code !== 0) console.log(run.out);
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/✓ the backup takes over when the master loses power/);
      expect(run.out).toMatch(/Tests:\s+1 passed, 1 total/);
      // await using removed what the example's process created.
      const filters = JSON.stringify({ label: [`org.chaos.owner-pid=${run.pid}`] });
      const docker = new Dockerode();
      const [containers, networks] = await Promise.all([
        docker.listContainers({ all: true, filters }),
        docker.listNetworks({ filters }),
      ]);
      expect([...containers.map((c) => c.Names[0]), ...networks.map((n) => n.Name)]).toEqual([]);
    });
  });
});
