import { tokenize } from '../../../src/keepalived/lexer';
import type { Token } from '../../../src/keepalived/lexer';

/** `text@line:col`, with kind markers: `{`/`}` as themselves, quoted words in "", includes as <path>. */
function show(tokens: Token[]): string[] {
  return tokens.map((t) => {
    const text = t.kind === 'include' ? `<${t.text}>` : t.quoted ? `"${t.text}"` : t.text;
    return `${text}@${t.line}:${t.col}`;
  });
}

describe('tokenize', () => {
  test.each<[string, string, string[]]>([
    ['keyword and value', 'priority 100', ['priority@1:1', '100@1:10']],
    ['tabs and leading spaces', '\t  state\tMASTER', ['state@1:4', 'MASTER@1:10']],
    ['! comment line', '! Configuration File for keepalived', []],
    ['# comment line', '#vrrp协议的配置', []],
    ['comment after a value', 'priority 100 # the weight', ['priority@1:1', '100@1:10']],
    ['! after a value', 'priority 100! the weight', ['priority@1:1', '100@1:10']],
    ['# inside a word ends it', 'router_id foo#bar', ['router_id@1:1', 'foo@1:11']],
    ['escaped comment characters', 'auth_pass a\\#b\\!c', ['auth_pass@1:1', 'a#b!c@1:11']],
    [
      'quoted string with spaces',
      'script "killall -0 nginx"',
      ['script@1:1', '"killall -0 nginx"@1:8'],
    ],
    [
      'quoted string keeps # { }',
      'notify "/x.sh {a} #1 !"',
      ['notify@1:1', '"/x.sh {a} #1 !"@1:8'],
    ],
    ['quote ends the word before it', 'a"b c"d', ['a@1:1', '"b c"@1:2', 'd@1:7']],
    ['empty quoted string', 'auth_pass ""', ['auth_pass@1:1', '""@1:11']],
    ['single quotes are ordinary', "script 'a b'", ['script@1:1', "'a@1:8", "b'@1:11"]],
    [
      'block on one line',
      'virtual_ipaddress { 1.2.3.4 }',
      ['virtual_ipaddress@1:1', '{@1:19', '1.2.3.4@1:21', '}@1:29'],
    ],
    [
      'braces glued to words',
      'virtual_ipaddress{1.2.3.4}',
      ['virtual_ipaddress@1:1', '{@1:18', '1.2.3.4@1:19', '}@1:26'],
    ],
    ['} glued after a value', '    192.168.17.200}', ['192.168.17.200@1:5', '}@1:19']],
    [
      '{ on its own line',
      'vrrp_instance VI_1\n{\n}',
      ['vrrp_instance@1:1', 'VI_1@1:15', '{@2:1', '}@3:1'],
    ],
    [
      'CRLF line ends',
      'state MASTER\r\npriority 100\r\n',
      ['state@1:1', 'MASTER@1:7', 'priority@2:1', '100@2:10'],
    ],
    ['blank lines keep line numbers', '\n\n  nopreempt\n', ['nopreempt@3:3']],
    [
      'include directive',
      'include /etc/keepalived/conf.d/*.conf',
      ['</etc/keepalived/conf.d/*.conf>@1:1'],
    ],
    [
      'quoted include path keeps its quotes',
      '  include "my dir/a.conf"',
      ['<"my dir/a.conf">@1:3'],
    ],
    ['include takes the rest of the line', 'include a b', ['<a b>@1:1']],
    ['include alone is a keyword', 'include', ['include@1:1']],
    ['include variants', 'includea x.conf\nincluder y.conf', ['<x.conf>@1:1', '<y.conf>@2:1']],
    ['include with a brace is not an include', 'include {', ['include@1:1', '{@1:9']],
    ['include as a value is a word', 'router_id include', ['router_id@1:1', 'include@1:11']],
  ])('%s', (_name, text, expected) => {
    const result = tokenize(text, 'k.conf');
    expect(show(result.tokens)).toEqual(expected);
    expect(result.diagnostics).toEqual([]);
  });

  test('every token carries its file', () => {
    const { tokens } = tokenize('a {\n}', 'conf/x.conf');
    expect(tokens.map((t) => [t.file, t.kind])).toEqual([
      ['conf/x.conf', 'word'],
      ['conf/x.conf', 'open'],
      ['conf/x.conf', 'close'],
    ]);
  });

  test.each<[string, string, string[], string[]]>([
    [
      'unterminated quote takes the rest of the line',
      'script "abc def',
      ['script@1:1', '"abc def"@1:8'],
      ['k.conf:1:8: unterminated quoted string (missing closing ")'],
    ],
  ])('%s', (_name, text, expected, diagnostics) => {
    const result = tokenize(text, 'k.conf');
    expect(show(result.tokens)).toEqual(expected);
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`)).toEqual(
      diagnostics,
    );
  });
});
