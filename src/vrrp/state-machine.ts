/**
 * The VRRP state machine (RFC 3768 section 6.4, RFC 5798 section 6.4) as keepalived 2.2.7
 * runs it, as a pure function:
 *
 *   step(state, input) -> [nextState, effects]
 *
 * Nothing here touches a clock, a socket or a process. Time comes in with every input
 * (`now`, milliseconds); timers, packets to send, VIP changes, gratuitous ARPs, script runs
 * and notifications go out as effects (plain data) that a driver (the daemon, the simulator)
 * carries out. The driver delivers `timer` inputs when a timer it was asked to set expires;
 * a timer input that no longer matches the state's deadline is stale and ignored.
 *
 * Where keepalived and the RFCs differ, the comment at that place says so.
 */
import { vridOctet } from './ipv4';
import { onScriptResult, onShutdown, onStart, onTimer, reconcileFault } from './state-inputs';
import { onPacket } from './state-receive';
import type { RouterState, StepResult, VrrpEffect, VrrpInput } from './router-state';

export type {
  DropReason,
  RouterState,
  ScriptStatus,
  StepResult,
  TimerName,
  TransitionReason,
  VrrpEffect,
  VrrpInput,
  VrrpStateName,
} from './router-state';
export {
  PRIORITY_OWNER,
  PRIORITY_STOP,
  initialState,
  masterDownInterval,
  skewTime,
} from './router-state';

/** One step. The input state is not modified. */
export function step(state: RouterState, input: VrrpInput): StepResult {
  if (input.kind === 'packet' && otherVrid(input.datagram, state.config.vrid)) {
    // Fast path: on a shared LAN most adverts belong to other groups. keepalived looks the
    // VRID up before any check and skips unknown ones silently; we leave the state as it is
    // and report the drop as an effect, which the driver counts.
    return [state, OTHER_VRID];
  }
  const st: RouterState = {
    ...state,
    timers: { ...state.timers },
    scripts: { ...state.scripts },
    counters: { ...state.counters },
  };
  const fx: VrrpEffect[] = [];
  switch (input.kind) {
    case 'start':
      onStart(st, input.now, fx);
      break;
    case 'timer':
      onTimer(st, input.timer, input.now, fx);
      break;
    case 'packet':
      onPacket(st, input.datagram, input.now, fx);
      break;
    case 'script-result':
      onScriptResult(st, input.name, input.ok, input.now, fx);
      break;
    case 'interface':
      st.interfaceUp = input.up;
      reconcileFault(st, input.now, fx);
      break;
    case 'shutdown':
      onShutdown(st, fx);
      break;
  }
  return [st, fx];
}

const OTHER_VRID: VrrpEffect[] = Object.freeze([
  Object.freeze({ kind: 'drop', reason: 'vrid', detail: 'VRID is not ours' }),
]) as VrrpEffect[];

/** The VRID octet of a well-formed VRRP datagram differs from ours (malformed: false). */
function otherVrid(datagram: Uint8Array, vrid: number): boolean {
  const octet = vridOctet(datagram);
  return octet !== undefined && octet !== vrid && octet !== 0;
}

/** Does this router hold the VIPs (MASTER)? */
export function holdsVips(st: RouterState): boolean {
  return st.state === 'MASTER';
}
