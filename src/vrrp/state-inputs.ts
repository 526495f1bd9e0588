/**
 * The state machine's other inputs: start, timer expiry, a track script's result, the
 * interface going up or down (FAULT), and shutdown.
 */
import type { RouterState, ScriptStatus, TimerName, VrrpEffect } from './router-state';
import {
  PRIORITY_OWNER,
  PRIORITY_STOP,
  computePriority,
  faulty,
  masterDownInterval,
} from './router-state';
import { skewTimeMs } from './timers';
import {
  becomeBackup,
  becomeMaster,
  clearTimer,
  clearVrrpTimers,
  count,
  leaveMaster,
  sendAdvert,
  setTimer,
  transition,
} from './state-effects';

export function onStart(st: RouterState, now: number, fx: VrrpEffect[]): void {
  if (st.state !== 'INIT' && st.state !== 'STOPPED') return;
  st.state = 'INIT';
  // Track scripts run at once and then every interval.
  for (const t of st.config.trackScripts) setTimer(st, `script:${t.name}`, now, fx);
  if (faulty(st)) {
    transition(st, 'FAULT', 'fault', fx);
    return;
  }
  // keepalived 2.2.7 (vrrp_init_state) starts every instance in BACKUP; RFC 5798 6.4.1 makes
  // the address owner master at once and everyone else wait Master_Down_Interval.
  //  - `state MASTER` with priority 255: master after 1 us (the timer path);
  //  - `state MASTER` below 255: one interval plus the minimum skew, "to ensure there is no
  //    other master";
  //  - `state BACKUP` (whatever the priority): the full Master_Down_Interval.
  let wait = masterDownInterval(st);
  if (st.config.initialState === 'MASTER') {
    wait =
      st.config.priority === PRIORITY_OWNER
        ? 0.001
        : st.masterAdverIntervalMs + skewTimeMs(st.config.version, 255, st.masterAdverIntervalMs);
  }
  becomeBackup(st, now, 'startup', fx, undefined, wait);
}

export function onTimer(st: RouterState, timer: TimerName, now: number, fx: VrrpEffect[]): void {
  const due = st.timers[timer];
  if (due === undefined || now < due) return; // stale or early: ignore
  delete st.timers[timer];
  if (timer.startsWith('script:')) {
    const name = timer.slice('script:'.length);
    const ref = st.config.trackScripts.find((t) => t.name === name);
    if (!ref || st.state === 'STOPPED') return;
    const s = st.scripts[name];
    if (s && !s.running) {
      st.scripts[name] = { ...s, running: true };
      fx.push({
        kind: 'run-script',
        name,
        command: ref.script.script,
        timeoutMs: ref.script.timeoutMs,
      });
    }
    setTimer(st, timer, now + ref.script.intervalMs, fx);
    return;
  }
  switch (timer) {
    case 'master-down':
      if (st.state === 'BACKUP') becomeMaster(st, now, 'master-down-timer', fx);
      return;
    case 'advert':
      if (st.state !== 'MASTER') return;
      sendAdvert(st, st.effectivePriority, fx);
      setTimer(st, 'advert', now + st.config.advertIntervalMs, fx);
      return;
    case 'garp-delay':
      // keepalived: a second burst of gratuitous ARPs garp_master_delay after becoming master.
      if (st.state === 'MASTER')
        fx.push({ kind: 'garp', vips: st.config.vips, count: st.config.garpMasterRepeat });
      return;
    case 'garp-refresh':
      if (st.state !== 'MASTER') return;
      fx.push({ kind: 'garp', vips: st.config.vips, count: 1 });
      setTimer(st, 'garp-refresh', now + st.config.garpMasterRefreshMs, fx);
      return;
  }
}

export function onScriptResult(
  st: RouterState,
  name: string,
  ok: boolean,
  now: number,
  fx: VrrpEffect[],
): void {
  const s = st.scripts[name];
  const ref = st.config.trackScripts.find((t) => t.name === name);
  if (!s || !ref) return;
  const wanted = ok ? 'ok' : 'failed';
  let next: ScriptStatus;
  if (s.status === 'init') {
    next = { status: wanted, streak: 0, running: false };
  } else if (s.status === wanted) {
    next = { status: s.status, streak: 0, running: false };
  } else {
    const streak = s.streak + 1;
    const needed = s.status === 'ok' ? ref.script.fall : ref.script.rise;
    next =
      streak >= needed
        ? { status: wanted, streak: 0, running: false }
        : { status: s.status, streak, running: false };
  }
  st.scripts[name] = next;
  if (next.status === s.status) return;
  count(st, ok ? 'script-ok' : 'script-failed');
  if (st.state === 'STOPPED') return;
  const before = st.effectivePriority;
  const beforeDown = masterDownInterval(st);
  st.effectivePriority = computePriority(st);
  if (st.effectivePriority !== before) {
    fx.push({ kind: 'priority-change', from: before, to: st.effectivePriority });
    // keepalived (vrrp_set_effective_priority): no advert at once (a master sends the new
    // priority with its next advert); a backup shifts its running Master_Down_Timer by the
    // change of Master_Down_Interval.
    const due = st.timers['master-down'];
    if (st.state === 'BACKUP' && due !== undefined) {
      setTimer(st, 'master-down', Math.max(now, due + masterDownInterval(st) - beforeDown), fx);
    }
  }
  reconcileFault(st, now, fx);
}

/** Enter or leave FAULT after an interface or a weight-0 script changed. */
export function reconcileFault(st: RouterState, now: number, fx: VrrpEffect[]): void {
  if (st.state === 'INIT' || st.state === 'STOPPED') return;
  const bad = faulty(st);
  if (bad && st.state !== 'FAULT') {
    if (st.state === 'MASTER') {
      // keepalived (vrrp_state_leave_master to FAULT): a priority-0 advert, and a second one
      // from vrrp_restore_interface, when the interface still works; then the VIPs go.
      if (st.interfaceUp) {
        sendAdvert(st, PRIORITY_STOP, fx);
        sendAdvert(st, PRIORITY_STOP, fx);
      }
      leaveMaster(st, fx);
    }
    clearVrrpTimers(st, fx);
    st.masterAddress = undefined;
    transition(st, 'FAULT', 'fault', fx);
    return;
  }
  if (!bad && st.state === 'FAULT') {
    // keepalived (vrrp_state_leave_fault): an owner configured MASTER goes MASTER at once;
    // everyone else (a non-owner `state MASTER` too) goes BACKUP with the configured interval
    // and the full Master_Down_Interval.
    st.masterAdverIntervalMs = st.config.advertIntervalMs;
    if (st.config.priority === PRIORITY_OWNER && st.config.initialState === 'MASTER') {
      becomeMaster(st, now, 'fault-cleared', fx);
    } else {
      becomeBackup(st, now, 'fault-cleared', fx);
    }
  }
}

export function onShutdown(st: RouterState, fx: VrrpEffect[]): void {
  if (st.state === 'STOPPED') return;
  if (st.state === 'MASTER') {
    // RFC 5798 6.4.3 / keepalived: send an advert with priority 0, then release the VIPs.
    sendAdvert(st, PRIORITY_STOP, fx);
    leaveMaster(st, fx);
  }
  clearVrrpTimers(st, fx);
  for (const t of st.config.trackScripts) clearTimer(st, `script:${t.name}`, fx);
  st.masterAddress = undefined;
  transition(st, 'STOPPED', 'shutdown', fx);
}
