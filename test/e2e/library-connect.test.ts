/**
 * startLab() and connect() on Docker: a container the lab did not create (as a testcontainers
 * suite starts its own) joins the lab's network at a chosen address, reaches the VIP, and
 * down() disconnects it so that the lab's network goes too. Needs a Docker engine (CI=true:
 * fails without one).
 */
import Dockerode from 'dockerode';
import { startLab } from '../../src';
import { describeWithDocker } from './requires';

const docker = new Dockerode();

async function execText(container: Dockerode.Container, cmd: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  let out = '';
  stream.on('data', (b: Buffer) => (out += b.toString('latin1')));
  await new Promise((resolve) => stream.on('end', resolve));
  // Docker's multiplexed stream: drop the 8-byte frame headers' bytes that are not text.
  return out.replace(/[^\x20-\x7e\n]/g, '');
}

describeWithDocker('the library on Docker', () => {
  it('connect() puts a foreign container on the lab at an address; down() lets the network go', async () => {
    const lab = await startLab();
    const image = (await docker.listImages())
      .flatMap((i) => i.RepoTags ?? [])
      .find((t) => t.startsWith('chaos/prober:'));
    expect(image).toBeDefined();
    const foreign = await docker.createContainer({ Image: image, Cmd: ['sleep', 'infinity'] });
    try {
      await foreign.start();
      await lab.connect(foreign.id, { address: '192.168.17.60' });
      const info = await foreign.inspect();
      expect(info.NetworkSettings.Networks[lab.network.name]?.IPAddress).toBe('192.168.17.60');
      const answer = await execText(foreign, [
        'sh',
        '-c',
        `curl -s -o /dev/null -w '%{http_code}\\n' http://${lab.network.vip}/`,
      ]);
      expect(answer.trim()).toMatch(/200$/);
      await expect(lab.connect(foreign.id, { address: '192.168.17.61' })).rejects.toMatchObject({
        code: 'LAB_CONNECT_FAILED',
      });
    } finally {
      await lab.down();
      await foreign.remove({ force: true });
    }
    const networks = await docker.listNetworks({
      filters: JSON.stringify({ name: [lab.network.name] }),
    });
    expect(networks.map((n) => n.Name)).toEqual([]);
  });
});
