/**
 * `chaos explore --replay DIR` on Docker through the built CLI: the simulator explores the
 * wrong-password fixture (server03's auth_pass differs, so each drops the other's adverts and
 * both become master), then the finding's scenario runs on real containers and the split brain
 * happens there too: reproduced, exit 1, with the Docker evidence beside it. Needs a Docker
 * engine: with CI=true a missing engine fails the test; elsewhere it skips with a reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replaySchema } from '../../src/explore/replay';
import { ROOT, chaos } from './cli';
import { describeWithDocker } from './requires';

describeWithDocker('chaos explore --replay on Docker', () => {
  test('the simulator finds two masters with mismatched passwords; Docker reproduces it', async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-explore-replay-'));
    try {
      const found = await chaos([
        'explore',
        'test/fixtures/explore/wrong-pass.yaml',
        '--runs',
        '1',
        '--out',
        dir,
      ]);
      expect(found.code).toBe(1);
      const replayed = await chaos(['explore', '--replay', dir, '--only', 'single-master-1']);
      if (replayed.code !== 1)
        throw new Error(`exit ${replayed.code}\n${replayed.out}\n${replayed.err}`);
      const doc = replaySchema.parse(
        JSON.parse(fs.readFileSync(path.join(dir, 'replay-docker.json'), 'utf8')),
      );
      expect(doc.driver).toBe('docker');
      expect(doc.counts).toEqual({ reproduced: 1, 'not-reproduced': 0, refused: 0, error: 0 });
      const [f] = doc.findings;
      // The check saw both nodes holding the VIP (the wire may not yet show the overlap of
      // their adverts in so short a run).
      expect(f?.observed).toMatch(
        /split brain on VIP 192\.168\.17\.200, but owners: server01, server03/,
      );
      // The Docker evidence of the run: the captures it was judged from.
      const pcaps = fs.readdirSync(path.join(dir, f!.runDir!, 'pcaps'));
      expect(pcaps.some((p) => p.startsWith('server03-'))).toBe(true);
      expect(fs.readFileSync(path.join(dir, 'replay-docker.md'), 'utf8')).toContain(
        '| reproduced |',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
