import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

describe('chaos lab / fault without Docker', () => {
  const saved = process.env['DOCKER_HOST'];
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-lab-cli-'));
    process.env['DOCKER_HOST'] = `unix://${tmp}/no-docker.sock`;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env['DOCKER_HOST'];
    else process.env['DOCKER_HOST'] = saved;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('no engine: DOCKER_UNAVAILABLE says how to start one, exit 3', async () => {
    const { code, out, err } = await cli('lab', 'status');
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err).toContain('No Docker engine answers at unix://');
    expect(err).toContain('bash scripts/ensure-docker.sh');
    expect(err).toContain('(DOCKER_UNAVAILABLE)');
  });

  test('a bad lab file is exit 2 before Docker is asked', async () => {
    const file = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(file, 'name: x\nsubnet: 10.0.0.0/24\nvip: 10.0.0.5\nnodes: []\n');
    const { code, err } = await cli('lab', 'up', file);
    expect(code).toBe(2);
    expect(err).toContain(`${file}:4:8: nodes: Too small`);
    const missing = await cli('lab', 'up', path.join(tmp, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('LAB_FILE_NOT_FOUND');
  });

  test('fault --list needs no engine; unknown arguments are exit 2', async () => {
    const list = await cli('fault', '--list');
    expect(list.code).toBe(0);
    expect(list.out).toContain('block-multicast / unblock-multicast');
    expect((await cli('fault', 'power-off')).code).toBe(2);
  });
});
