/**
 * Statement tree -> KeepalivedConfig, with keepalived 2.2.7's defaults applied and its rules
 * checked. Every problem goes to the sink; nothing throws.
 *
 * Order matters as it does in keepalived: a vrrp_script must come before the instance that
 * tracks it (track_script is resolved while the instance is read), and the garp_master_*
 * defaults are copied from global_defs when an instance starts, while the VRRP version and strict
 * mode are applied once the whole file is read.
 */
import type { InstanceConfig, NotifyConfig, VrrpScriptConfig } from '../vrrp/config';
import type { DiagnosticSink } from './diagnostics';
import type { Token } from './lexer';
import { KNOWN_ROOT, KNOWN_SYNC_GROUP } from './keywords';
import { NodeReader, dispatch } from './node-reader';
import type { Handler } from './node-reader';
import { readGlobalDefs } from './normalise-global';
import { NOTIFY_KEYS, completeInstance, readInstance, readNotify } from './normalise-instance';
import type { InstanceDraft, SyncMembership } from './normalise-instance';
import { readScript } from './normalise-script';
import type { ConfNode } from './tree';
import { GLOBAL_DEFAULTS } from './types';
import type { GlobalDefs, KeepalivedConfig, SyncGroup } from './types';

interface SyncGroupDraft {
  nameToken: Token;
  members: Token[];
  notify: NotifyConfig;
  smtpAlert: boolean;
  trackingWeight: boolean;
}

interface SyncGroupCtx {
  g: SyncGroupDraft;
  r: NodeReader;
}

interface RootCtx {
  r: NodeReader;
  globals: GlobalDefs;
  scripts: Map<string, VrrpScriptConfig>;
  allScripts: ReadonlyMap<string, Token>;
  invalidScripts: Map<string, Token>;
  drafts: InstanceDraft[];
  syncGroups: SyncGroupDraft[];
}

export function defaultGlobals(): GlobalDefs {
  return { ...GLOBAL_DEFAULTS, notificationEmail: [] };
}

/** The single name after a block keyword (`vrrp_instance VI_1`), or an error. */
function blockName(node: ConfNode, r: NodeReader): Token | undefined {
  const [name, extra] = node.args;
  if (!name) r.sink.error(node.name, `${node.name.text}: missing name`);
  else if (extra)
    r.sink.error(
      extra,
      `${node.name.text} ${name.text}: unexpected '${extra.text}' after the name`,
    );
  return extra ? undefined : name;
}

function duplicate(kind: string, name: Token, first: Token, sink: DiagnosticSink): void {
  sink.error(
    name,
    `duplicate ${kind} '${name.text}' (first defined at ${first.file}:${first.line}:${first.col})`,
  );
}

const SYNC_GROUP_HANDLERS: Record<string, Handler<SyncGroupCtx>> = {
  group: (node, { g, r }) => {
    if (g.members.length > 0) {
      r.sink.warn(
        node.name,
        `vrrp_sync_group ${g.nameToken.text}: group list already given; keepalived ignores this one`,
      );
      return;
    }
    g.members = r.words(node);
  },
  smtp_alert: (node, { g, r }) => {
    const on = r.flag(node);
    if (on !== undefined) g.smtpAlert = on;
  },
  sync_group_tracking_weight: (node, { g, r }) => {
    r.noBlock(node);
    g.trackingWeight = true;
  },
  // Deprecated spelling of sync_group_tracking_weight.
  global_tracking: (node, { g, r }) => {
    r.noBlock(node);
    r.sink.warn(node.name, 'global_tracking is deprecated; use sync_group_tracking_weight');
    g.trackingWeight = true;
  },
  ...Object.fromEntries(
    Object.entries(NOTIFY_KEYS).map(([keyword, key]): [string, Handler<SyncGroupCtx>] => [
      keyword,
      (node, { g, r }) => readNotify(node, g.notify, key, r),
    ]),
  ),
};

const ROOT_HANDLERS: Record<string, Handler<RootCtx>> = {
  global_defs: (node, { r, globals }) => {
    if (node.args[0])
      r.sink.warn(node.args[0], `global_defs: unexpected '${node.args[0].text}' (ignored)`);
    readGlobalDefs(node, globals, r);
  },
  vrrp_script: (node, { r, scripts, invalidScripts }) => {
    const read = readScript(node, r);
    const name = node.args[0];
    if (!read) {
      if (name && !scripts.has(name.text)) invalidScripts.set(name.text, name);
      return;
    }
    const first = scripts.get(read.name.text);
    if (first) r.sink.error(read.name, `duplicate vrrp_script '${read.name.text}'`);
    else scripts.set(read.name.text, read.script);
  },
  vrrp_instance: (node, ctx) => {
    const { r, drafts } = ctx;
    const name = blockName(node, r);
    const block = r.block(node);
    if (!name || !block) return;
    const first = drafts.find((d) => d.nameToken.text === name.text);
    if (first) {
      // keepalived skips the whole second block.
      duplicate('vrrp_instance', name, first.nameToken, r.sink);
      return;
    }
    drafts.push(
      readInstance(name, block, r, {
        scriptsSoFar: ctx.scripts,
        allScripts: ctx.allScripts,
        invalidScripts: ctx.invalidScripts,
        globals: ctx.globals,
      }),
    );
  },
  vrrp_sync_group: (node, { r, syncGroups }) => {
    const name = blockName(node, r);
    const block = r.block(node);
    if (!name || !block) return;
    const first = syncGroups.find((g) => g.nameToken.text === name.text);
    if (first) {
      duplicate('vrrp_sync_group', name, first.nameToken, r.sink);
      return;
    }
    const g: SyncGroupDraft = {
      nameToken: name,
      members: [],
      notify: {},
      smtpAlert: false,
      trackingWeight: false,
    };
    dispatch(
      block,
      `vrrp_sync_group ${name.text}`,
      SYNC_GROUP_HANDLERS,
      KNOWN_SYNC_GROUP,
      { g, r },
      r.sink,
    );
    syncGroups.push(g);
  },
};

export function normaliseConfig(
  nodes: readonly ConfNode[],
  sink: DiagnosticSink,
): KeepalivedConfig {
  const allScripts = new Map<string, Token>();
  for (const node of nodes) {
    const name = node.args[0];
    if (node.name.text === 'vrrp_script' && name && !allScripts.has(name.text))
      allScripts.set(name.text, name);
  }
  const ctx: RootCtx = {
    r: new NodeReader(sink),
    globals: defaultGlobals(),
    scripts: new Map(),
    allScripts,
    invalidScripts: new Map(),
    drafts: [],
    syncGroups: [],
  };
  dispatch(nodes, 'top level', ROOT_HANDLERS, KNOWN_ROOT, ctx, sink);

  const names = ctx.drafts.map((d) => d.nameToken.text);
  const syncGroups = completeSyncGroups(ctx.syncGroups, names, sink);
  const membership = new Map(
    syncGroups.flatMap((g) =>
      g.instances.map((i): [string, SyncMembership] => [
        i,
        { group: g.name, trackingWeight: g.trackingWeight },
      ]),
    ),
  );
  const instances = ctx.drafts.map((d) =>
    completeInstance(d, ctx.globals, sink, membership.get(d.nameToken.text)),
  );
  checkVridConflicts(instances, ctx.drafts, sink);
  return {
    globalDefs: canonicalGlobals(ctx.globals),
    scripts: Object.fromEntries(ctx.scripts),
    instances,
    instanceOptions: Object.fromEntries(ctx.drafts.map((d) => [d.nameToken.text, d.options])),
    syncGroups,
  };
}

/** The same fields in a fixed order (GlobalDefs' own), whatever order the file set them in. */
function canonicalGlobals(g: GlobalDefs): GlobalDefs {
  const ordered: GlobalDefs = {
    routerId: g.routerId,
    notificationEmail: g.notificationEmail,
    notificationEmailFrom: g.notificationEmailFrom,
    smtpServer: g.smtpServer,
    smtpConnectTimeoutMs: g.smtpConnectTimeoutMs,
    enableScriptSecurity: g.enableScriptSecurity,
    scriptUser: g.scriptUser,
    vrrpVersion: g.vrrpVersion,
    vrrpGarpMasterRepeat: g.vrrpGarpMasterRepeat,
    vrrpGarpMasterDelayMs: g.vrrpGarpMasterDelayMs,
    vrrpGarpMasterRefreshMs: g.vrrpGarpMasterRefreshMs,
    vrrpStrict: g.vrrpStrict,
    vrrpSkipCheckAdvAddr: g.vrrpSkipCheckAdvAddr,
  };
  // Leave unset optional fields out rather than present as undefined.
  return Object.fromEntries(
    Object.entries(ordered).filter(([, v]) => v !== undefined),
  ) as GlobalDefs;
}

/**
 * keepalived (vrrp.c vrrp_complete_init()) refuses two instances with one VRID on one interface
 * when both multicast, or when both unicast to a common peer: their adverts would be mistaken
 * for each other's.
 */
function checkVridConflicts(
  instances: readonly InstanceConfig[],
  drafts: readonly InstanceDraft[],
  sink: DiagnosticSink,
): void {
  instances.forEach((b, j) => {
    for (const a of instances.slice(0, j)) {
      if (a.vrid === 0 || a.vrid !== b.vrid || a.interface !== b.interface) continue;
      const bothMulticast = a.unicastPeers.length === 0 && b.unicastPeers.length === 0;
      const sharedPeer = a.unicastPeers.some((p) => b.unicastPeers.includes(p));
      if (!bothMulticast && !sharedPeer) continue;
      const at = drafts[j]?.nameToken;
      if (at) {
        sink.error(
          at,
          `vrrp_instance ${b.name}: ${a.name} and ${b.name} both use VRID ${b.vrid} on interface ${b.interface}` +
            (bothMulticast ? '' : ' with a common unicast peer'),
        );
      }
    }
  });
}

function completeSyncGroups(
  drafts: readonly SyncGroupDraft[],
  instanceNames: readonly string[],
  sink: DiagnosticSink,
): SyncGroup[] {
  const memberOf = new Map<string, string>();
  return drafts.map((g) => {
    const name = g.nameToken.text;
    const members: string[] = [];
    for (const member of g.members) {
      if (!instanceNames.includes(member.text)) {
        sink.error(
          member,
          `vrrp_sync_group ${name}: vrrp_instance '${member.text}' does not exist`,
        );
      } else if (memberOf.has(member.text)) {
        sink.error(
          member,
          `vrrp_sync_group ${name}: vrrp_instance '${member.text}' is already in sync group ${memberOf.get(member.text) ?? ''}`,
        );
      } else {
        memberOf.set(member.text, name);
        members.push(member.text);
      }
    }
    if (g.members.length === 0)
      sink.error(g.nameToken, `vrrp_sync_group ${name}: no group { } of instances`);
    else if (members.length === 1 && g.members.length === 1)
      sink.warn(
        g.nameToken,
        `vrrp_sync_group ${name}: only one instance; this is probably not what you want`,
      );
    return {
      name,
      instances: members,
      notify: g.notify,
      smtpAlert: g.smtpAlert,
      trackingWeight: g.trackingWeight,
    };
  });
}
