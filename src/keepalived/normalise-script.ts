/**
 * `vrrp_script NAME { ... }`, as keepalived/vrrp/vrrp_parser.c (vrrp_vscript_*_handler) reads it.
 * Defaults from vrrp_data.c alloc_vrrp_script() and vrrp_track.h: interval 1 s, timeout 0
 * meaning "the interval" (vrrp_scheduler.c uses `timeout ? timeout : interval`), weight 0,
 * rise 1, fall 1. In 2.2.7 interval and timeout are whole seconds.
 */
import { INSTANCE_DEFAULTS } from '../vrrp/config';
import type { VrrpScriptConfig } from '../vrrp/config';
import type { Token } from './lexer';
import { KNOWN_SCRIPT } from './keywords';
import { dispatch } from './node-reader';
import type { Handler, NodeReader } from './node-reader';
import type { ConfNode } from './tree';

const UINT_MAX_SECONDS = Math.floor(0xffffffff / 1_000_000);
const INT_MAX = 0x7fffffff;

interface ScriptDraft {
  script?: string;
  intervalMs: number;
  timeoutMs?: number;
  fall: number;
  rise: number;
  weight: number;
  user?: string;
}

interface ScriptCtx {
  draft: ScriptDraft;
  r: NodeReader;
}

/** Whole seconds >= 1; keepalived turns 0 into 1 with a complaint. */
function seconds(node: ConfNode, r: NodeReader): number | undefined {
  const value = r.unsigned(node, 0, UINT_MAX_SECONDS);
  if (value === 0) {
    r.sink.warn(
      node.args[0] ?? node.name,
      `${node.name.text}: must be greater than 0, keepalived uses 1`,
    );
    return 1;
  }
  return value;
}

const HANDLERS: Record<string, Handler<ScriptCtx>> = {
  script: (node, { draft, r }) => {
    const command = r.command(node);
    if (command !== undefined) draft.script = command;
  },
  interval: (node, { draft, r }) => {
    const s = seconds(node, r);
    if (s !== undefined) draft.intervalMs = s * 1000;
  },
  timeout: (node, { draft, r }) => {
    const s = seconds(node, r);
    if (s !== undefined) draft.timeoutMs = s * 1000;
  },
  weight: (node, { draft, r }) => {
    const weight = r.int(node, -253, 253);
    if (weight !== undefined) draft.weight = weight;
    const option = node.args[1];
    if (option?.text === 'reverse')
      r.sink.warn(option, "weight: 'reverse' is not modelled by chaos (ignored)");
    else if (option)
      r.sink.error(option, `weight: unknown option '${option.text}' (expected reverse)`);
  },
  rise: (node, { draft, r }) => {
    const rise = r.unsigned(node, 1, INT_MAX);
    if (rise !== undefined) draft.rise = rise;
  },
  fall: (node, { draft, r }) => {
    const fall = r.unsigned(node, 1, INT_MAX);
    if (fall !== undefined) draft.fall = fall;
  },
  user: (node, { draft, r }) => {
    if (r.value(node)) draft.user = node.args.map((t) => t.text).join(' ');
  },
};

/** The script, or undefined when it has no name or no command (keepalived drops it). */
export function readScript(
  node: ConfNode,
  r: NodeReader,
): { name: Token; script: VrrpScriptConfig } | undefined {
  const name = node.args[0];
  const block = r.block(node);
  if (!name) {
    r.sink.error(node.name, 'vrrp_script: missing name');
    return undefined;
  }
  const draft: ScriptDraft = {
    intervalMs: INSTANCE_DEFAULTS.scriptIntervalMs,
    fall: INSTANCE_DEFAULTS.scriptFall,
    rise: INSTANCE_DEFAULTS.scriptRise,
    weight: INSTANCE_DEFAULTS.scriptWeight,
  };
  if (block)
    dispatch(block, `vrrp_script ${name.text}`, HANDLERS, KNOWN_SCRIPT, { draft, r }, r.sink);
  if (draft.script === undefined) {
    r.sink.error(name, `vrrp_script ${name.text}: no script given`);
    return undefined;
  }
  const script: VrrpScriptConfig = {
    name: name.text,
    script: draft.script,
    intervalMs: draft.intervalMs,
    timeoutMs: draft.timeoutMs ?? draft.intervalMs,
    fall: draft.fall,
    rise: draft.rise,
    weight: draft.weight,
  };
  if (draft.user !== undefined) script.user = draft.user;
  return { name, script };
}
