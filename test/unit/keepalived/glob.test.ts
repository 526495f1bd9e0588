import {
  expandBraces,
  expandGlob,
  hasGlobMagic,
  segmentToRegExp,
} from '../../../src/keepalived/glob';
import { memorySource } from '../../../src/keepalived/source';

describe('segmentToRegExp', () => {
  test.each<[string, string, boolean]>([
    ['*.conf', 'a.conf', true],
    ['*.conf', 'a.conf.bak', false],
    ['*.conf', '.conf', true],
    ['vi_?.conf', 'vi_1.conf', true],
    ['vi_?.conf', 'vi_10.conf', false],
    ['[ab].conf', 'a.conf', true],
    ['[ab].conf', 'c.conf', false],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[!a]x', 'bx', true],
    ['[!a]x', 'ax', false],
    ['[^a]x', 'ax', false],
    ['[]a]x', ']x', true],
    ['[a-]x', '-x', true],
    ['a[b', 'a[b', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(segmentToRegExp(pattern).test(name)).toBe(expected);
  });

  test.each([
    ['a.conf', false],
    ['*.conf', true],
    ['a?', true],
    ['[ab]', true],
  ])('hasGlobMagic(%s) = %s', (pattern, expected) => {
    expect(hasGlobMagic(pattern)).toBe(expected);
  });
});

describe('expandGlob over a memory source', () => {
  const source = memorySource({
    '/etc/keepalived/keepalived.conf': '',
    '/etc/keepalived/conf.d/20-b.conf': '',
    '/etc/keepalived/conf.d/10-a.conf': '',
    '/etc/keepalived/conf.d/.hidden.conf': '',
    '/etc/keepalived/conf.d/notes.txt': '',
    '/etc/keepalived/conf.d/sub.conf/inner.conf': '',
    '/etc/keepalived/sites/a/vi.conf': '',
    '/etc/keepalived/sites/b/vi.conf': '',
    'rel/x.conf': '',
  });

  test.each<[string, string, string[]]>([
    [
      'conf.d/*.conf',
      '/etc/keepalived',
      ['/etc/keepalived/conf.d/10-a.conf', '/etc/keepalived/conf.d/20-b.conf'],
    ],
    [
      '/etc/keepalived/conf.d/*',
      '/',
      [
        '/etc/keepalived/conf.d/10-a.conf',
        '/etc/keepalived/conf.d/20-b.conf',
        '/etc/keepalived/conf.d/notes.txt',
      ],
    ],
    ['conf.d/.*.conf', '/etc/keepalived', ['/etc/keepalived/conf.d/.hidden.conf']],
    ['conf.d/?0-[a].conf', '/etc/keepalived', ['/etc/keepalived/conf.d/10-a.conf']],
    [
      'sites/*/vi.conf',
      '/etc/keepalived',
      ['/etc/keepalived/sites/a/vi.conf', '/etc/keepalived/sites/b/vi.conf'],
    ],
    ['../conf.d/1*', '/etc/keepalived/sites', ['/etc/keepalived/conf.d/10-a.conf']],
    ['conf.d/*.nothing', '/etc/keepalived', []],
    ['nodir/*.conf', '/etc/keepalived', []],
    ['rel/*.conf', '.', ['rel/x.conf']],
    ['plain.conf', '/etc/keepalived', ['/etc/keepalived/plain.conf']],
  ])('%s from %s', (pattern, baseDir, expected) => {
    expect(source.glob(pattern, baseDir)).toEqual(expected);
  });

  test('a directory matched by the last segment is left out', () => {
    expect(
      expandGlob('conf.d/sub*', '/etc/keepalived', () => [{ name: 'sub.conf', isDir: true }]),
    ).toEqual([]);
  });
});

describe('expandBraces', () => {
  test.each<[string, string[]]>([
    ['a.conf', ['a.conf']],
    ['{a,b}.conf', ['a.conf', 'b.conf']],
    ['x/{a,b{1,2}}/y', ['x/a/y', 'x/b1/y', 'x/b2/y']],
    ['{,cat,dog}.conf', ['.conf', 'cat.conf', 'dog.conf']],
    ['{}.conf', ['{}.conf']],
    ['{a.conf', ['{a.conf']],
  ])('%s', (pattern, expected) => {
    expect(expandBraces(pattern)).toEqual(expected);
  });
});
