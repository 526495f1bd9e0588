/**
 * chaos's reader against keepalived 2.2.7 itself. test/fixtures/keepalived/oracle/ holds configs
 * exercising the config language (parameters, conditional lines, multiline definitions, ~SEQ /
 * ~LST, include variants) and what keepalived made of them, recorded by
 * scripts/keepalived-oracle.sh: NAME.verdict.txt (`keepalived -t`'s exit code and messages) and,
 * for some, NAME.dump.txt (the VRRP process's configuration dump, `-d`). No keepalived needed here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { memoryIO } from '../../../src/cli/io';
import { runCli } from '../../../src/cli/program';
import { loadKeepalivedConf } from '../../../src/keepalived';
import { fsSource } from '../../../src/keepalived/fs-source';
import type { KeepalivedConfig } from '../../../src/keepalived';

const DIR = path.join(__dirname, '../../fixtures/keepalived/oracle');
const configs = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.conf'))
  .sort();

const configId = (file: string): string | undefined =>
  /^! config-id: (\S+)$/m.exec(fs.readFileSync(file, 'utf8'))?.[1];

interface Verdict {
  exit: number;
  messages: string[];
  /** The config lines keepalived named (`(file: Line N)`), in the entry file. */
  lines: number[];
}

function verdict(name: string): Verdict {
  const [first = '', ...messages] = fs
    .readFileSync(path.join(DIR, `${name}.verdict.txt`), 'utf8')
    .trimEnd()
    .split('\n');
  const lines = messages.flatMap((m) => {
    const at = /^\((?:[^:]+: )?Line (\d+)\)/.exec(m);
    return at ? [Number(at[1])] : [];
  });
  return { exit: Number(first.replace('exit ', '')), messages, lines };
}

/** The fields of each `VRRP Instance = NAME` block of a keepalived -d dump. */
interface DumpedInstance {
  name: string;
  fields: Map<string, string>;
  vips: string[];
  peers: string[];
}

function parseDump(text: string): DumpedInstance[] {
  const instances: DumpedInstance[] = [];
  let list: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const current = instances[instances.length - 1];
    const named = /^VRRP Instance = (\S+)$/.exec(line);
    if (named?.[1]) {
      instances.push({ name: named[1], fields: new Map(), vips: [], peers: [] });
      list = undefined;
    } else if (!current) {
      continue;
    } else if (/^Virtual IP \(\d+\):$/.test(line)) {
      list = current.vips;
    } else if (line === 'Unicast Peer :') {
      list = current.peers;
    } else if (list && /^[0-9a-f.:]+(\/\d+)? /.test(line)) {
      list.push(line);
    } else {
      list = undefined;
      const field = /^([^=]+?) = (.*)$/.exec(line);
      if (field?.[1] && field[2] !== undefined) current.fields.set(field[1], field[2]);
    }
  }
  return instances;
}

/** keepalived's dump names for auth_type. */
const AUTH_NAMES = { PASS: 'SIMPLE_PASSWORD', AH: 'IPSEC_AH' } as const;

/** The dump's ` Router ID = X` line (the script writes a host-name default as "(host name)"). */
const dumpedRouterId = (text: string): string | undefined => /^ Router ID = (.*)$/m.exec(text)?.[1];

async function checkJson(file: string, id: string | undefined): Promise<KeepalivedConfig> {
  const io = memoryIO();
  const code = await runCli(['conf', 'check', '--json', file, ...(id ? ['-i', id] : [])], io);
  expect(code).toBe(0);
  return JSON.parse(io.out) as KeepalivedConfig;
}

describe('keepalived -t and chaos agree on every oracle fixture', () => {
  test('there are fixtures, good and bad', () => {
    const exits = configs.map((c) => verdict(c.replace(/\.conf$/, '')).exit);
    expect(exits.filter((e) => e === 0).length).toBeGreaterThanOrEqual(4);
    expect(exits.filter((e) => e !== 0).length).toBeGreaterThanOrEqual(3);
  });

  test.each(configs)('%s', (conf) => {
    const name = conf.replace(/\.conf$/, '');
    const file = path.join(DIR, conf);
    const v = verdict(name);
    const id = configId(file);
    const result = loadKeepalivedConf(file, fsSource(), id === undefined ? {} : { configId: id });
    if (/^! chaos-stricter:/m.test(fs.readFileSync(file, 'utf8'))) {
      // A divergence docs/keepalived.md owns up to: keepalived accepts, chaos does not.
      expect(v.exit).toBe(0);
      expect(result.errors.length).toBeGreaterThan(0);
    } else if (v.exit === 0) {
      expect(v.messages).toEqual([]);
      expect(result.errors).toEqual([]);
    } else {
      expect(result.errors.length).toBeGreaterThan(0);
      // chaos complains about a line keepalived complained about.
      const lines = result.errors.filter((e) => e.file === file).map((e) => e.line);
      if (v.lines.length > 0) expect(lines.filter((l) => v.lines.includes(l))).not.toEqual([]);
    }
  });
});

const dumps = configs
  .map((c) => c.replace(/\.conf$/, ''))
  .filter((n) => fs.existsSync(path.join(DIR, `${n}.dump.txt`)));

describe("keepalived's configuration dump matches chaos conf check --json", () => {
  test('some fixtures have dumps', () => {
    expect(dumps.length).toBeGreaterThanOrEqual(3);
  });

  test.each(dumps)('%s', async (name) => {
    const file = path.join(DIR, `${name}.conf`);
    const config = await checkJson(file, configId(file));
    const text = fs.readFileSync(path.join(DIR, `${name}.dump.txt`), 'utf8');
    const dumped = parseDump(text);
    expect(dumpedRouterId(text)).toBe(config.globalDefs.routerId ?? '(host name)');
    expect(config.instances.map((i) => i.name)).toEqual(dumped.map((d) => d.name));
    config.instances.forEach((inst, i) => {
      const d = dumped[i];
      if (!d) throw new Error(`no dump of ${inst.name}`);
      const f = (key: string): string | undefined => d.fields.get(key);
      expect({
        version: f('VRRP Version'),
        state: f('Wantstate'),
        interface: f('Interface'),
        vrid: f('Virtual Router ID'),
        priority: f('Priority'),
        advert: f('Advert interval'),
        preempt: f('Preempt'),
        auth: f('Authentication type'),
        src: /^(\S+) \(from configuration\)$/.exec(f('Using src_ip') ?? '')?.[1],
        vips: d.vips,
        peers: d.peers,
      }).toEqual({
        version: String(inst.version),
        state: inst.initialState,
        interface: inst.interface,
        vrid: String(inst.vrid),
        priority: String(inst.priority),
        advert: `${inst.advertIntervalMs / 1000} sec`,
        preempt: inst.preempt ? 'enabled' : 'disabled',
        auth: inst.auth ? AUTH_NAMES[inst.auth.type] : 'none',
        src: inst.unicastSrcIp,
        vips: inst.vips.map(
          // keepalived leaves out a /32 prefix.
          (v) =>
            `${v.address}${v.prefixLength === 32 ? '' : `/${v.prefixLength}`} dev ${v.device ?? inst.interface} scope global`,
        ),
        peers: inst.unicastPeers.map((p) => `${p} min_ttl 0 max_ttl 255`),
      });
    });
  });
});
