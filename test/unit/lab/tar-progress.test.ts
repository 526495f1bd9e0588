import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProgressDisplay } from '../../../src/lab/progress';
import { tarArchive } from '../../../src/lab/tar';

describe('tar', () => {
  test('a single-file archive: 512-byte header, padded data, two zero blocks', () => {
    const tar = tarArchive([{ name: 'keepalived.conf', content: 'abc\n', mtime: 1700000000 }]);
    expect(tar.length).toBe(512 * 4);
    expect(tar.subarray(0, 15).toString()).toBe('keepalived.conf');
    expect(tar.subarray(124, 135).toString()).toBe('00000000004');
    expect(tar.subarray(257, 262).toString()).toBe('ustar');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (tar[i] ?? 0);
    expect(tar.subarray(148, 154).toString()).toBe(sum.toString(8).padStart(6, '0'));
    expect(tar.subarray(512, 516).toString()).toBe('abc\n');
    expect(() => tarArchive([{ name: 'x'.repeat(101), content: '', mtime: 0 }])).toThrow(
      RangeError,
    );
  });

  test('GNU tar reads it back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-tar-'));
    try {
      const text = 'vrrp_instance VI_1 {\n}\n'.repeat(40);
      fs.writeFileSync(
        path.join(dir, 'a.tar'),
        tarArchive([{ name: 'k.conf', content: text, mtime: 1 }]),
      );
      execFileSync('tar', ['-xf', 'a.tar'], { cwd: dir });
      expect(fs.readFileSync(path.join(dir, 'k.conf'), 'utf8')).toBe(text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('progress display', () => {
  test('plain lines with elapsed time when not a TTY', () => {
    let out = '';
    let t = 1000;
    const d = createProgressDisplay({ write: (s) => (out += s), isTTY: false, now: () => t });
    d.line('network chaos-seed');
    t = 13345;
    d.line('server01\nready');
    d.done();
    expect(out).toBe('[   0.0s] network chaos-seed\n[  12.3s] server01 ready\n');
  });

  test('one rewritten line on a TTY, cut to the width, newline at the end', () => {
    let out = '';
    const d = createProgressDisplay({
      write: (s) => (out += s),
      isTTY: true,
      now: () => 0,
      columns: 25,
    });
    d.line('short');
    d.line('a rather long progress line');
    d.done();
    expect(out).toBe('\r\x1b[2K[   0.0s] short\r\x1b[2K[   0.0s] a rather long…\n');
  });
});
