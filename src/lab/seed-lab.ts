/**
 * The course's lab (the seed configs are in test/fixtures/keepalived/ and scenarios/configs/): two
 * web nodes with VRRP and a VIP, MySQL, a prober.
 * Pure data, shared by the simulator, the Docker lab and the scenarios.
 */
import { instanceConfig, type InstanceConfig } from '../vrrp/config';

export const SEED_LAB = {
  subnet: '192.168.17.0/24',
  gateway: '192.168.17.1',
  vip: '192.168.17.200',
  vrid: 51,
  authPass: '1111',
  nodes: {
    server01: { address: '192.168.17.102', role: 'web', initialState: 'MASTER' as const },
    server03: { address: '192.168.17.101', role: 'web', initialState: 'BACKUP' as const },
    server02: { address: '192.168.17.100', role: 'mysql' },
    prober: { address: '192.168.17.50', role: 'prober' },
  },
} as const;

export type SeedWebNode = 'server01' | 'server03';

/** The seed's vrrp_instance VI_1 for a web node, with overrides for the experiments. */
export function seedInstance(
  node: SeedWebNode,
  overrides: Partial<InstanceConfig> = {},
): InstanceConfig {
  return instanceConfig({
    name: 'VI_1',
    interface: 'eth0',
    vrid: SEED_LAB.vrid,
    priority: 100,
    advertIntervalMs: 1000,
    initialState: SEED_LAB.nodes[node].initialState,
    auth: { type: 'PASS', password: SEED_LAB.authPass },
    vips: [{ address: SEED_LAB.vip, prefixLength: 32 }],
    ...overrides,
  });
}
