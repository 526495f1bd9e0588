/** keepalived's /tmp/keepalived.stats (keepalived 2.2.7's field names, keepalived(8) USR2). */
import { keepalivedDrops, parseKeepalivedStats } from '../../../src/keepalived/stats';

/** Two instances as keepalived 2.2.7 writes them (vrrp_print_stats's lines and indents). */
const SAMPLE = [
  'VRRP Instance: VI_1',
  '  Advertisements:',
  '    Received: 1204',
  '    Sent: 0',
  '  Became master: 0',
  '  Released master: 0',
  '  Packet Errors:',
  '    Length: 167',
  '    TTL: 168',
  '    Invalid Type: 0',
  '    Advertisement Interval: 2',
  '    Address List: 0',
  '  Authentication Errors:',
  '    Invalid Type: 0',
  '    Type Mismatch: 5',
  '    Failure: 167',
  '  Priority Zero:',
  '    Received: 1',
  '    Sent: 0',
  'VRRP Instance: VI_OTHER',
  '  Advertisements:',
  '    Received: 0',
  '    Sent: 40',
  '  Became master: 1',
  '  Released master: 0',
  '',
].join('\n');

describe('keepalived statistics', () => {
  test('each instance, its counters by section path', () => {
    const [vi1, other] = parseKeepalivedStats(SAMPLE);
    expect(vi1?.instance).toBe('VI_1');
    expect(vi1?.counters).toEqual({
      'Advertisements/Received': 1204,
      'Advertisements/Sent': 0,
      'Became master': 0,
      'Released master': 0,
      'Packet Errors/Length': 167,
      'Packet Errors/TTL': 168,
      'Packet Errors/Invalid Type': 0,
      'Packet Errors/Advertisement Interval': 2,
      'Packet Errors/Address List': 0,
      'Authentication Errors/Invalid Type': 0,
      'Authentication Errors/Type Mismatch': 5,
      'Authentication Errors/Failure': 167,
      'Priority Zero/Received': 1,
      'Priority Zero/Sent': 0,
    });
    expect(other).toEqual({
      instance: 'VI_OTHER',
      counters: {
        'Advertisements/Received': 0,
        'Advertisements/Sent': 40,
        'Became master': 1,
        'Released master': 0,
      },
    });
  });

  test('mapped to our drop reasons (the two auth type counters add up)', () => {
    const [vi1] = parseKeepalivedStats(SAMPLE);
    expect(keepalivedDrops(vi1!)).toEqual({
      length: 167,
      ttl: 168,
      type: 0,
      interval: 2,
      'address-list': 0,
      'auth-type': 5,
      auth: 167,
    });
  });

  test('no file, no instances; garbage lines are skipped', () => {
    expect(parseKeepalivedStats('')).toEqual([]);
    expect(parseKeepalivedStats('hello\n  TTL: 3\n')).toEqual([]);
  });
});
