/** Packet captures in lab nodes, for the end-to-end tests: started, stopped, read and decoded. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { observePcapFiles } from '../../src/capture/analyze-files';
import type { Observation } from '../../src/capture';
import { captureCommand } from '../../src/lab/capture';
import type { StartedLab } from '../../src/lab/docker-lab';

export type Advert = Extract<Observation, { kind: 'advert' }>;

/** tcpdump of VRRP in `node`'s namespace into `file` (inside the node), until stopCapture. */
export function startCapture(lab: StartedLab, node: string, file: string): Promise<void> {
  return lab.execDetached(node, captureCommand({ file, filter: 'ip proto 112' }));
}

/** Stops the node's tcpdump and decodes its file: the adverts it saw, in capture order. */
export async function stopCapture(lab: StartedLab, node: string, file: string): Promise<Advert[]> {
  await lab.exec(node, ['sh', '-c', 'pkill -INT -x tcpdump; sleep 1']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-e2e-capture-'));
  try {
    const local = path.join(dir, `${node}.pcap`);
    fs.writeFileSync(local, (await lab.readFile(node, file)) ?? Buffer.alloc(0));
    const { observations } = await observePcapFiles([local]);
    return observations.filter((o): o is Advert => o.kind === 'advert');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
