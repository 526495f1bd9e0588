import { formatDiagnostic } from '../../../src/errors';
import { memorySource, parseKeepalivedConf, tokenize } from '../../../src/keepalived';
import type { PreprocessOptions } from '../../../src/keepalived';

/** The words of each statement-line the reader produced: `word@line:col` joined by spaces. */
function lines(text: string, options: PreprocessOptions = {}): string[] {
  const byLine = new Map<number, string[]>();
  for (const t of tokenize(text, 'k.conf', options).tokens) {
    const words = byLine.get(t.lineId) ?? [];
    words.push(t.kind === 'include' ? `<${t.text}>` : t.text);
    byLine.set(t.lineId, words);
  }
  return [...byLine.values()].map((w) => w.join(' '));
}

const parse = (text: string, options: PreprocessOptions = {}) =>
  parseKeepalivedConf(text, 'k.conf', memorySource({}), options);

const messages = (text: string, options: PreprocessOptions = {}): string[] =>
  parse(text, options).diagnostics.map(formatDiagnostic);

/** A vrrp_instance whose body lines are given; interface, VRID and one VIP by default. */
const instance = (...body: string[]): string =>
  [
    'vrrp_instance VI_1 {',
    ...body.map((l) => `    ${l}`),
    '    virtual_ipaddress {',
    '        10.0.0.1/24',
    '    }',
    '}',
  ].join('\n');

describe('parameters', () => {
  test('interface $IFACE is the defined interface, not one named $IFACE', () => {
    const result = parse(`$IFACE=eth9\n${instance('interface $IFACE', 'virtual_router_id 5')}`);
    expect(result.errors).toEqual([]);
    expect(result.config.instances[0]?.interface).toBe('eth9');
  });

  test.each<[string, string, string[]]>([
    ['${NAME} inside a word', '$NET=17\nip 10.0.${NET}.1/24', ['ip 10.0.17.1/24']],
    ['$NAME before a blank, a comma, a ) or the end', '$A=x\nk $A ($A) $A,y $A', ['k x (x) x,y x']],
    ['$NAME glued to more letters is not a use', '$A=x\nk $Ab a$A', ['k $Ab ax']],
    ['an undefined name stays as written', '$A=x\nk $UNDEF', ['k $UNDEF']],
    // keepalived splits a line at braces after substitution: an undefined ${NAME} is cut up.
    ['an undefined ${NAME} is split at its braces', 'k ${UNDEF}', ['k $', '{', 'UNDEF', '}']],
    ['blanks after = are skipped; an empty value', '$A=   x y\n$E=\nk $A ${E}|', ['k x y |']],
    ['a blank before = makes it no definition', '$A =x\nk', ['$A =x', 'k']],
    [
      'values are expanded when used, not when defined (keepalived.conf(5))',
      '$BASE=10.2.${SUB}\n$SUB=0\n${BASE}.100/32\n$SUB=10\n${BASE}.100/32',
      ['10.2.0.100/32', '10.2.10.100/32'],
    ],
    ['a definition may follow a condition', '@main $P=240\n@backup $P=200\np $P', ['p 200']],
    ['a value may be a condition', '$IF_MAIN=@main\n$IF_MAIN priority 240\nx', ['x']],
    ['# cut after expansion, but not in quotes', '$H=${_HASH}\nk "a${_HASH}b" $H c', ['k a#b']],
    ['built-ins: _INSTANCE, _PWD, _BANG', 'k ${_INSTANCE} ${_PWD} "${_BANG}"', ['k backup . !']],
    ['_RANDOM takes its bounds from the options', 'k ${_RANDOM 5 9}', ['k 5']],
  ])('%s', (_name, text, expected) => {
    expect(lines(text, { configId: 'backup' })).toEqual(expected);
  });

  test('an error in an expanded value names the use and the definition', () => {
    expect(
      messages(`$PRIO=abc\n${instance('interface eth0', 'virtual_router_id 5', 'priority $PRIO')}`),
    ).toEqual([
      "k.conf:5:14: priority: invalid number 'abc' (from $PRIO at k.conf:5:14, defined at k.conf:1:7)",
    ]);
  });

  test('a nested expansion lists every use, outermost first', () => {
    const text = `$INNER=x\n$OUTER=1\${INNER}\n${instance('interface eth0', 'virtual_router_id $OUTER')}`;
    expect(messages(text)).toEqual([
      "k.conf:5:23: virtual_router_id: invalid number '1x' (from $OUTER at k.conf:5:23, defined at k.conf:2:8)",
    ]);
    const deep = `$A=\${B}\n$B=bad\n${instance('interface eth0', 'virtual_router_id $A')}`;
    expect(messages(deep)).toEqual([
      "k.conf:5:23: virtual_router_id: invalid number 'bad' (from $A at k.conf:5:23, in $B at k.conf:1:4, defined at k.conf:2:4)",
    ]);
  });

  test('text around a use keeps its own place', () => {
    const result = parse(
      `$N=x\n${instance('interface eth0', 'virtual_router_id 5')}\nvrrp_instance VI_\${N} {\n}`,
    );
    const vi = tokenize(`$N=x\nvrrp_instance VI_\${N}`, 'k.conf').tokens[1];
    expect(vi).toMatchObject({ text: 'VI_x', line: 2, col: 15, definedAt: { line: 1, col: 4 } });
    expect(result.config.instances.map((i) => i.name)).toContain('VI_1');
  });

  test('${_RANDOM MIN MAX} before more text: expanded, with a warning about keepalived', () => {
    const result = tokenize('vrrp_instance VI_${_RANDOM 7 7} {', 'k.conf');
    expect(result.tokens.map((t) => t.text)).toEqual(['vrrp_instance', 'VI_7', '{']);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'k.conf:1:18: warning: keepalived 2.2.7 garbles the text after ${_RANDOM 7 7} on a line (it moves only part of the line up); put it last on its line',
    ]);
    expect(tokenize('virtual_router_id ${_RANDOM 12 12}', 'k.conf').diagnostics).toEqual([]);
  });

  test('a definition that refers to itself is stopped and reported', () => {
    expect(messages('$A=a$A\nk $A')).toEqual([
      'k.conf:2:3: parameter $A does not stop expanding (1000 expansions on one line: does it refer to itself?)',
    ]);
  });
});

describe('conditional lines', () => {
  const text = [
    'global_defs {',
    '    @main   router_id main_router',
    '    @backup router_id backup_router',
    '}',
    instance(
      'interface eth0',
      'virtual_router_id 5',
      '@main priority 200',
      '@^main priority 100',
      'unicast_peer {',
      '    @^main    10.0.0.2',
      '    @^backup  10.0.0.3',
      '}',
    ),
  ].join('\n');

  test.each<[string | undefined, string | undefined, number, string[]]>([
    ['main', 'main_router', 200, ['10.0.0.3']],
    ['backup', 'backup_router', 100, ['10.0.0.2']],
    ['other', undefined, 100, ['10.0.0.2', '10.0.0.3']],
    [undefined, undefined, 100, ['10.0.0.2', '10.0.0.3']],
  ])('config id %s', (configId, routerId, priority, peers) => {
    const result = parse(text, configId === undefined ? {} : { configId });
    expect(result.errors).toEqual([]);
    expect(result.config.globalDefs.routerId).toBe(routerId);
    expect(result.config.instances[0]?.priority).toBe(priority);
    expect(result.config.instances[0]?.unicastPeers).toEqual(peers);
  });

  test('an @ID line with nothing after the id is dropped; the rest keeps its columns', () => {
    expect(lines('@main\n@main  state MASTER', { configId: 'main' })).toEqual(['state MASTER']);
    const [state] = tokenize('@main  state MASTER', 'k.conf', { configId: 'main' }).tokens;
    expect(state).toMatchObject({ text: 'state', line: 1, col: 8 });
  });

  test('the text after a brace is read again, so it may be conditional (its } too)', () => {
    const text = 'unicast_peer { @main 10.0.0.9 }';
    expect(lines(text, { configId: 'main' })).toEqual(['unicast_peer', '{', '10.0.0.9', '}']);
    expect(lines(text, { configId: 'x' })).toEqual(['unicast_peer', '{']);
  });
});

describe('multiline definitions', () => {
  const text = [
    '$INSTANCE= \\',
    'vrrp_instance VI_${NUM} { \\',
    '    interface eth0.${NUM} \\',
    '    virtual_router_id 1${NUM} \\',
    '    @high priority 130 \\',
    '    @low priority 120 \\',
    '    virtual_ipaddress { \\',
    '        10.0.${NUM}.254/24 \\',
    '    } \\',
    '}',
    '',
    '$NUM=0',
    '$INSTANCE',
    '',
    '$NUM=1',
    '$INSTANCE',
  ].join('\n');

  test("keepalived.conf(5)'s example: two instances, each line read on expansion", () => {
    const result = parse(text, { configId: 'low' });
    expect(result.errors).toEqual([]);
    expect(
      result.config.instances.map((i) => [
        i.name,
        i.interface,
        i.vrid,
        i.priority,
        i.vips[0]?.address,
      ]),
    ).toEqual([
      ['VI_0', 'eth0.0', 10, 120, '10.0.0.254'],
      ['VI_1', 'eth0.1', 11, 120, '10.0.1.254'],
    ]);
  });

  test('an error inside it points at the use and at the definition line', () => {
    const bad = text.replace('virtual_router_id 1${NUM}', 'virtual_router_id x${NUM}');
    expect(messages(bad, { configId: 'low' })).toEqual([
      "k.conf:13:1: virtual_router_id: invalid number 'x0' (from $INSTANCE at k.conf:13:1, defined at k.conf:4:23)",
      "k.conf:16:1: virtual_router_id: invalid number 'x1' (from $INSTANCE at k.conf:16:1, defined at k.conf:4:23)",
    ]);
  });

  test('a multiline definition is only expanded where its use ends the line', () => {
    expect(lines('$M= \\\na \\\nb\n\nx $M y\nx $M')).toEqual(['x $M y', 'x a', 'b']);
  });

  test('a blank line ends the definition; a comment line does not', () => {
    expect(lines('$M= \\\na \\\n# note\nb \\\n\nc\nk $M')).toEqual(['c', 'k a', 'b']);
  });
});

describe('~SEQ and ~LST', () => {
  test.each<[string, string, string[]]>([
    [
      'start, step, end',
      '~SEQ(N, 0, 2, 4) ip 10.0.${N}.1',
      ['ip 10.0.0.1', 'ip 10.0.2.1', 'ip 10.0.4.1'],
    ],
    ['start and end, counting down', '~SEQ(N, 3, 1) n $N', ['n 3', 'n 2', 'n 1']],
    ['only end', '~SEQ(N, 2) n $N', ['n 1', 'n 2']],
    ['a negative end', '~SEQ(N, -2) n $N', ['n -1', 'n -2']],
    [
      '~SEQx in hex, hex and octal bounds',
      '~SEQx(H, 0x90, 0x10, 0xc0) fe80::${H}:1',
      ['fe80::90:1', 'fe80::a0:1', 'fe80::b0:1', 'fe80::c0:1'],
    ],
    ['parameters in the bounds', '$LAST=2\n~SEQ(N, 1, $LAST) n $N', ['n 1', 'n 2']],
    ['nested', '~SEQ(A, 1, 2) ~SEQ(B, 5, 6) x${A}${B}', ['x15', 'x16', 'x25', 'x26']],
    [
      '~LST of one variable',
      '~LST(IF, eth0, eth1) interface $IF',
      ['interface eth0', 'interface eth1'],
    ],
    [
      '~LST of sets, missing values empty',
      '~LST({IP, IP1}, {10,1},{20,4},{5}) 192.168.${IP}.${IP1}',
      ['192.168.10.1', '192.168.20.4', '192.168.5.'],
    ],
    [
      'with a multiline definition',
      '$M= \\\na${N} \\\nb${N}\n\n~SEQ(N, 1, 2) $M',
      ['a1', 'b1', 'a2', 'b2'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(lines(text)).toEqual(expected);
  });

  test('VIPs from a ~SEQ inside virtual_ipaddress', () => {
    const result = parse(
      instance('interface eth0', 'virtual_router_id 5').replace(
        '10.0.0.1/24',
        '~SEQ(N, 1, 3) 10.0.0.${N}/24',
      ),
    );
    expect(result.errors).toEqual([]);
    expect(result.config.instances[0]?.vips.map((v) => v.address)).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
    ]);
  });

  test.each<[string, string, string]>([
    [
      'a step away from the end',
      '~SEQ(I, 1, -1, 3) x',
      "k.conf:1:1: invalid ~SEQ values in '~SEQ(I, 1, -1, 3) x' (the step must lead from start to end)",
    ],
    ['no variable', '~SEQ(3) x', "k.conf:1:1: invalid ~SEQ specification '~SEQ(3) x'"],
    [
      '~SEQx below zero',
      '~SEQx(I, -1, 3) x',
      "k.conf:1:1: ~SEQx is only valid for positive numbers: '~SEQx(I, -1, 3) x'",
    ],
    [
      'too many ~LST values',
      '  ~LST(A, 1, {2, 3}) y',
      "k.conf:1:3: ~LST specification has too many values: '~LST(A, 1, {2, 3}) y'",
    ],
  ])('%s', (_name, text, message) => {
    expect(tokenize(text, 'k.conf').diagnostics.map(formatDiagnostic)).toEqual([message]);
  });

  test('an error in a copy points at the ~SEQ line, and the variable at its ~SEQ', () => {
    const text = instance('interface eth0', 'virtual_router_id 5').replace(
      '10.0.0.1/24',
      '~SEQ(N, 255, 256) 10.0.0.${N}/24',
    );
    expect(messages(text)).toEqual([
      "k.conf:5:27: virtual_ipaddress: invalid IP address '10.0.0.256/24' (from $N at k.conf:5:34, defined at k.conf:5:9)",
    ]);
  });
});

describe('include variants', () => {
  const main = (line: string): string[] =>
    parseKeepalivedConf(
      `$SUB=parts\n${line}\n`,
      '/k/main.conf',
      memorySource({
        '/k/parts/a.conf': 'global_defs {\n    router_id from_a_$SUB\n}\n',
        '/k/parts/b.conf': '! b\n',
      }),
    ).diagnostics.map(formatDiagnostic);

  test.each<[string, string[]]>([
    ['include ${SUB}/a.conf', []],
    [
      'include $SUB/a.conf',
      ['/k/main.conf:2:1: include $SUB/a.conf: file not found: /k/$SUB/a.conf'],
    ],
    ['include ${SUB}/{a,b}.conf', []],
    [
      'include none/*.conf',
      ['/k/main.conf:2:1: warning: include none/*.conf: no files match (nothing included)'],
    ],
    [
      'includew none/*.conf',
      ['/k/main.conf:2:1: includew none/*.conf: no files match (nothing included)'],
    ],
    [
      'includer none.conf',
      ['/k/main.conf:2:1: warning: includer none.conf: file not found: /k/none.conf'],
    ],
    ['includem none.conf', ['/k/main.conf:2:1: includem none.conf: file not found: /k/none.conf']],
    [
      'include parts/{a,c}.conf',
      ['/k/main.conf:2:1: warning: include parts/{a,c}.conf: file not found: /k/parts/c.conf'],
    ],
    [
      'includeb parts/{a,c}.conf',
      ['/k/main.conf:2:1: includeb parts/{a,c}.conf: file not found: /k/parts/c.conf'],
    ],
    [
      'include "parts/a.conf"',
      [
        '/k/main.conf:2:1: include "parts/a.conf": file not found: /k/"parts/a.conf" (keepalived takes the rest of the line as the path, quotes and blanks included)',
      ],
    ],
  ])('%s', (line, expected) => {
    expect(main(line)).toEqual(expected);
  });

  test('include_check makes errors of the includes after it, in that file and below', () => {
    const files = {
      '/k/main.conf': [
        'include early-*.conf',
        'global_defs {',
        '    include_check',
        '}',
        'include none-*.conf',
        'include sub/inner.conf',
        'include after-*.conf',
      ].join('\n'),
      '/k/sub/inner.conf':
        'global_defs {\n    include_check -wildcard_match\n}\ninclude x-*.conf\n',
    };
    const found = parseKeepalivedConf(files['/k/main.conf'], '/k/main.conf', memorySource(files));
    expect(found.diagnostics.map(formatDiagnostic)).toEqual([
      '/k/main.conf:1:1: warning: include early-*.conf: no files match (nothing included)',
      '/k/main.conf:5:1: include none-*.conf: no files match (nothing included)',
      '/k/main.conf:7:1: include after-*.conf: no files match (nothing included)',
      '/k/sub/inner.conf:4:1: warning: include x-*.conf: no files match (nothing included)',
    ]);
  });

  test.each<[string, string[]]>([
    ['include_check match +brace_match', []],
    [
      'include_check read readable',
      ["k.conf:1:1: include_check: duplicate include_check 'readable' (ignored)"],
    ],
    [
      'include_check +matches',
      ["k.conf:1:1: include_check: unknown include_check type 'matches' (ignored)"],
    ],
  ])('%s', (line, expected) => {
    expect(tokenize(line, 'k.conf').diagnostics).toEqual([]);
    expect(messages(`global_defs {\n${line}\n}`).map((m) => m.replace(':2:1:', ':1:1:'))).toEqual(
      expected,
    );
  });

  test('definitions carry into the included file', () => {
    const result = parseKeepalivedConf(
      '$SUB=parts\ninclude ${SUB}/a.conf\n',
      '/k/main.conf',
      memorySource({ '/k/parts/a.conf': 'global_defs {\n    router_id from_a_$SUB\n}\n' }),
    );
    expect(result.config.globalDefs.routerId).toBe('from_a_parts');
    expect(result.files).toEqual(['/k/main.conf', '/k/parts/a.conf']);
  });
});
