/**
 * The configs of the course document (shared/seed), stored verbatim under
 * test/fixtures/keepalived/, must parse to exactly these configs with no warning at all.
 */
import path from 'node:path';
import { loadKeepalivedConf } from '../../../src/keepalived';
import { fsSource } from '../../../src/keepalived/fs-source';
import type { GlobalDefs } from '../../../src/keepalived';
import { instanceConfig } from '../../../src/vrrp/config';
import type { InstanceConfig, VrrpScriptConfig } from '../../../src/vrrp/config';

const FIXTURES = path.join(__dirname, '../../fixtures/keepalived');

function load(name: string): ReturnType<typeof loadKeepalivedConf> {
  return loadKeepalivedConf(path.join(FIXTURES, name), fsSource());
}

/** The seed's global_defs, the same in every config. */
const SEED_GLOBALS: GlobalDefs = {
  routerId: 'LVS_DEVEL',
  notificationEmail: ['acassen@firewall.loc', 'failover@firewall.loc', 'sysadmin@firewall.loc'],
  notificationEmailFrom: 'Alexandre.Cassen@firewall.loc',
  smtpServer: { host: '192.168.200.1', port: 25 },
  smtpConnectTimeoutMs: 30_000,
  enableScriptSecurity: false,
  vrrpVersion: 2,
  vrrpGarpMasterRepeat: 5,
  vrrpGarpMasterDelayMs: 5000,
  vrrpGarpMasterRefreshMs: 0,
  vrrpStrict: false,
  vrrpSkipCheckAdvAddr: false,
};

/** The seed's VI_1: VRID 51, priority 100, advert_int 1, auth PASS 1111, VIP 192.168.17.200. */
const seedInstance = (fields: Partial<InstanceConfig>): InstanceConfig =>
  instanceConfig({
    name: 'VI_1',
    interface: 'eth0',
    vrid: 51,
    version: 2,
    priority: 100,
    advertIntervalMs: 1000,
    auth: { type: 'PASS', password: '1111' },
    vips: [{ address: '192.168.17.200', prefixLength: 32 }],
    preempt: true,
    preemptDelayMs: 0,
    unicastPeers: [],
    trackScripts: [],
    notify: {},
    garpMasterRepeat: 5,
    garpMasterDelayMs: 5000,
    garpMasterRefreshMs: 0,
    v3Checksum: 'pseudo-header',
    ...fields,
  });

const CHECK_NGINX: VrrpScriptConfig = {
  name: 'check_nginx',
  script: '/etc/keepalived/check_nginx.sh',
  intervalMs: 3000,
  timeoutMs: 3000,
  fall: 1,
  rise: 1,
  weight: 0,
};

describe('seed fixtures', () => {
  test.each<[string, InstanceConfig, Record<string, VrrpScriptConfig>]>([
    [
      'seed-sample.conf',
      seedInstance({
        initialState: 'MASTER',
        vips: ['192.168.200.16', '192.168.200.17', '192.168.200.18'].map((address) => ({
          address,
          prefixLength: 32,
        })),
      }),
      {},
    ],
    ['seed-master.conf', seedInstance({ initialState: 'MASTER' }), {}],
    ['seed-backup.conf', seedInstance({ initialState: 'BACKUP' }), {}],
    [
      'seed-master-check-nginx.conf',
      seedInstance({
        initialState: 'MASTER',
        trackScripts: [{ name: 'check_nginx', weight: 0, script: CHECK_NGINX }],
      }),
      { check_nginx: CHECK_NGINX },
    ],
    [
      'seed-backup-check-nginx.conf',
      seedInstance({
        initialState: 'BACKUP',
        trackScripts: [{ name: 'check_nginx', weight: 0, script: CHECK_NGINX }],
      }),
      { check_nginx: CHECK_NGINX },
    ],
    [
      'seed-master-unicast.conf',
      seedInstance({
        initialState: 'MASTER',
        unicastSrcIp: '192.168.17.102',
        unicastPeers: ['192.168.17.101'],
      }),
      {},
    ],
    [
      'seed-backup-unicast.conf',
      seedInstance({
        initialState: 'BACKUP',
        unicastSrcIp: '192.168.17.101',
        unicastPeers: ['192.168.17.102'],
      }),
      {},
    ],
    ['seed-master-nopreempt.conf', seedInstance({ initialState: 'BACKUP', preempt: false }), {}],
    ['seed-backup-nopreempt.conf', seedInstance({ initialState: 'BACKUP', preempt: false }), {}],
  ])('%s', (file, instance, scripts) => {
    const result = load(file);
    expect(result.diagnostics).toEqual([]);
    expect(result.config).toStrictEqual({
      globalDefs: SEED_GLOBALS,
      scripts,
      instances: [instance],
      instanceOptions: { VI_1: { smtpAlert: false, dontTrackPrimary: false, trackInterfaces: [] } },
      syncGroups: [],
    });
  });

  test('the track_script reference is the vrrp_script object itself', () => {
    const { config } = load('seed-master-check-nginx.conf');
    expect(config.instances[0]?.trackScripts[0]?.script).toBe(config.scripts.check_nginx);
  });
});
