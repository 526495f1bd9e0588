/**
 * `global_defs { ... }`, as keepalived/core/global_parser.c reads it. Later keywords overwrite
 * earlier ones, as in keepalived; notification_email lists add up.
 */
import { KNOWN_GLOBAL } from './keywords';
import { dispatch } from './node-reader';
import type { Handler, NodeReader } from './node-reader';
import type { ConfNode } from './tree';
import type { GlobalDefs } from './types';

const UINT_MAX_SECONDS = Math.floor(0xffffffff / 1_000_000);

interface GlobalCtx {
  globals: GlobalDefs;
  r: NodeReader;
}

const HANDLERS: Record<string, Handler<GlobalCtx>> = {
  // Read while the includes are spliced in (include-check.ts): nothing left to do here.
  include_check: () => undefined,
  router_id: (node, { globals, r }) => {
    const v = r.value(node);
    if (v) globals.routerId = v.text;
  },
  notification_email: (node, { globals, r }) => {
    globals.notificationEmail.push(...r.words(node).map((t) => t.text));
  },
  notification_email_from: (node, { globals, r }) => {
    const v = r.value(node);
    if (v) globals.notificationEmailFrom = v.text;
  },
  smtp_server: (node, { globals, r }) => {
    const host = r.value(node);
    const port = node.args[1] ? r.unsigned(node, 1, 65535, 1) : 25;
    if (host && port !== undefined) globals.smtpServer = { host: host.text, port };
  },
  smtp_connect_timeout: (node, { globals, r }) => {
    let seconds = r.unsigned(node, 0, UINT_MAX_SECONDS);
    if (seconds === 0) {
      r.sink.warn(
        node.args[0] ?? node.name,
        'smtp_connect_timeout: must be greater than 0, keepalived uses 1',
      );
      seconds = 1;
    }
    if (seconds !== undefined) globals.smtpConnectTimeoutMs = seconds * 1000;
  },
  enable_script_security: (node, { globals, r }) => {
    r.noBlock(node);
    globals.enableScriptSecurity = true;
  },
  script_user: (node, { globals, r }) => {
    const user = r.value(node);
    const group = node.args[1]?.text;
    if (user)
      globals.scriptUser = group === undefined ? { user: user.text } : { user: user.text, group };
  },
  vrrp_version: (node, { globals, r }) => {
    const v = r.int(node, 2, 3);
    if (v === 2 || v === 3) globals.vrrpVersion = v;
  },
  vrrp_garp_master_delay: (node, { globals, r }) => {
    const seconds = r.unsigned(node, 0, UINT_MAX_SECONDS);
    if (seconds !== undefined) globals.vrrpGarpMasterDelayMs = seconds * 1000;
  },
  vrrp_garp_master_repeat: (node, { globals, r }) => {
    const repeat = r.unsigned(node, 0, 0xffffffff);
    if (repeat === 0)
      r.sink.warn(
        node.args[0] ?? node.name,
        'vrrp_garp_master_repeat: must be greater than 0, keepalived uses 1',
      );
    if (repeat !== undefined) globals.vrrpGarpMasterRepeat = Math.max(1, repeat);
  },
  vrrp_garp_master_refresh: (node, { globals, r }) => {
    const seconds = r.unsigned(node, 0, 0xffffffff);
    if (seconds !== undefined) globals.vrrpGarpMasterRefreshMs = seconds * 1000;
  },
  // keepalived ignores any value after these two flags.
  vrrp_strict: (node, { globals, r }) => {
    r.noBlock(node);
    globals.vrrpStrict = true;
  },
  vrrp_skip_check_adv_addr: (node, { globals, r }) => {
    r.noBlock(node);
    globals.vrrpSkipCheckAdvAddr = true;
  },
};

export function readGlobalDefs(node: ConfNode, globals: GlobalDefs, r: NodeReader): void {
  const block = r.block(node);
  if (block) dispatch(block, 'global_defs', HANDLERS, KNOWN_GLOBAL, { globals, r }, r.sink);
}
