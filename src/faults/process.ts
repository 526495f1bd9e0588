/**
 * Processes of a node: kill one by name (nginx by default: the course's `killall nginx`, after
 * which a vrrp_script check_nginx releases the VIP), or stop the VRRP daemon gracefully (it
 * sends priority 0, so the backup takes over after Skew_Time instead of Master_Down_Interval).
 */
import { oneWebNode } from './explore-draw';
import { z } from 'zod';
import { InputError } from '../errors';
import { exec, inNode, sh } from './steps';
import { defineFault, type FaultStep } from './types';

/** A process name as pkill -x takes it (no shell metacharacters). */
const PROCESS_NAME = /^[A-Za-z0-9_.+-]{1,15}$/;

function processName(name: string): string {
  if (!PROCESS_NAME.test(name))
    throw new InputError(
      'FAULT_BAD_PARAMETER',
      `kill-process: '${name}' is not a process name (letters, digits, _ . + -, up to 15)`,
    );
  return name;
}

/** Checked when the file is validated, not first when the Docker plan is built. */
const processNameSchema = z.string().regex(PROCESS_NAME, {
  message: 'a process name is letters, digits, _ . + - (up to 15), as pkill -x takes it',
});

const NGINX_STOP = exec('/opt/chaos/bin/nginx-stop');
const NGINX_START = exec('/opt/chaos/bin/nginx-start');
const VRRP_START = exec('/opt/chaos/bin/vrrp-start');

function killSteps(process: string): FaultStep[] {
  const name = processName(process);
  return name === 'nginx' ? [NGINX_STOP] : [sh(`pkill -KILL -x ${name}; true`)];
}

function startSteps(process: string): FaultStep[] {
  const name = processName(process);
  if (name === 'nginx') return [NGINX_START];
  if (name === 'keepalived' || name === 'node') return [VRRP_START];
  // Anything else is supervised (the shop's loop restarts it) or stays down.
  return [];
}

export const killProcess = defineFault({
  kind: 'kill-process',
  healName: 'start-process',
  aliases: [
    {
      name: 'kill-nginx',
      healName: 'start-nginx',
      description: 'kill nginx (killall nginx); a vrrp_script check_nginx then releases the VIP',
      params: { process: 'nginx' },
    },
  ],
  summary: 'kill a process (nginx by default); heal: start it again',
  target: 'nodes',
  options: {
    process: processNameSchema.optional().describe('The process to kill (default nginx)'),
  },
  healOptions: {
    process: processNameSchema.optional().describe('kill-process: the process to start'),
  },
  normalise: (s) => ({ process: s.process ?? 'nginx' }),
  healParams: (h) => ({ process: (h.options?.process as string | undefined) ?? 'nginx' }),
  describe: (f) => `kill-process ${f.process} on ${f.nodes.join(', ')}`,
  // nginx (the default): what the client needs and what the course's track scripts check.
  explore: { effects: ['node'], draw: oneWebNode },
  docker: {
    roles: ['web'],
    how: 'SIGKILL a process by name (default nginx, via nginx-stop); heal starts nginx or VRRP again',
    apply: (u) => inNode(u, killSteps(u.process)),
    heal: (u) => inNode(u, startSteps(u.process)),
  },
  sim: {
    how: 'the process is gone: a track script checking it fails at its next run; without nginx the node answers no HTTP',
    apply: (u, sim) => u.nodes.forEach((n) => sim.killProcess(n, u.process)),
    heal: (u, sim) => u.nodes.forEach((n) => sim.startProcess(n, u.process)),
    prepare: (f) => ({ processes: f.nodes.map((node) => ({ node, name: f.process })) }),
  },
});

export const gracefulStop = defineFault({
  kind: 'graceful-stop',
  healName: 'graceful-start',
  summary: 'the VRRP daemon stops cleanly (priority 0 sent); heal: start it',
  target: 'nodes',
  vrrpTargets: true,
  options: {},
  describe: (f) => `graceful-stop ${f.nodes.join(', ')}`,
  explore: { effects: ['node'], draw: oneWebNode },
  docker: {
    roles: ['web'],
    how: 'stop VRRP gracefully (SIGTERM: priority 0 sent, VIP removed); heal: vrrp-start',
    apply: (u) => inNode(u, [exec('/opt/chaos/bin/vrrp-stop')]),
    heal: (u) => inNode(u, [VRRP_START]),
  },
  sim: {
    how: 'the daemon sends priority 0 and releases its VIPs; heal starts it again',
    apply: (u, sim) => u.nodes.forEach((n) => sim.gracefulStop(n)),
    heal: (u, sim) => u.nodes.forEach((n) => sim.startDaemon(n)),
  },
});
