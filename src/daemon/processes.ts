/**
 * Child processes whose start-up cost is paid before a takeover needs them.
 *
 * Spawning from the daemon costs about 3.5 ms per process in the web image (Node's spawn forks
 * the whole daemon and waits for the exec), and a takeover used to spawn `ip addr add` and then
 * the arpings one after the other: the first gratuitous ARP left 6.4 ms after the decision,
 * where keepalived (netlink and a packet socket in-process) takes 0.1 ms. Measured in the web
 * image, trigger to first GARP on the wire (tcpdump), medians of 8: spawned ip + spawned arping
 * 6.4 ms; resident `ip -batch` + armed arping 2.0 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A child with stdin and stderr piped. Node leaves them null when the spawn fails (EMFILE...),
 * and emits 'error' on the next tick: so 'error' is listened to first and the pipes with `?.`. */
type Piped = ChildProcess;

/** A command refused before it reached the process: it would change the batch's meaning. */
function assertBatchWord(word: string): void {
  if (word === '' || /[\s"'#\\]/.test(word))
    throw new Error(`ip batch: refusing argument ${JSON.stringify(word)}`);
}

interface BatchRequest {
  readonly commandLine: number;
  readonly sentinelLine: number;
  readonly messages: string[];
  failed: boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** The sentinel: a command that always fails, so that its failure marks the end of a command. */
const SENTINEL = 'link show dev chaos-batch-sentinel';

/**
 * One resident `ip -force -batch -`. ip prints nothing when a command succeeds and reports
 * failures on stderr (unbuffered, in order) as the message followed by "Command failed -:LINE".
 * So every command is written followed by the sentinel; the sentinel's failure line ends the
 * command, and a failure line for the command's own line number means it failed, with the lines
 * before it as the message. If ip exits or stops answering, the pending commands fail and the
 * next command starts a new one.
 */
export class IpBatch {
  private child: Piped | undefined;
  private line = 0;
  private buffered = '';
  private readonly pending: BatchRequest[] = [];

  /** Starts ip at once, so that the first command does not wait for the spawn. */
  constructor(
    private readonly command: readonly string[] = ['ip'],
    private readonly timeoutMs = 5000,
  ) {
    try {
      this.start();
    } catch {
      // spawn() itself failed (ENOMEM...): the first command tries again and reports it.
      this.child = undefined;
    }
  }

  /** Run one ip command (`['addr', 'add', ...]`); rejects with ip's message when it fails. */
  run(args: readonly string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      for (const a of args) assertBatchWord(a); // a throw here rejects
      const child = this.child ?? this.start();
      const commandLine = ++this.line;
      const sentinelLine = ++this.line;
      const request: BatchRequest = {
        commandLine,
        sentinelLine,
        messages: [],
        failed: false,
        resolve,
        reject,
        timer: setTimeout(
          () => this.abandon(`ip batch: no answer to '${args.join(' ')}' in ${this.timeoutMs} ms`),
          this.timeoutMs,
        ),
      };
      this.pending.push(request);
      child.stdin?.write(`${args.join(' ')}\n${SENTINEL}\n`);
    });
  }

  /** End the resident ip (it also ends by itself when the daemon's end of its stdin closes). */
  close(): void {
    this.abandon('ip batch closed');
  }

  private start(): Piped {
    const [file, ...prefix] = this.command;
    if (file === undefined) throw new Error('ip batch: no command');
    const child = spawn(file, [...prefix, '-force', '-batch', '-'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    this.child = child;
    this.line = 0;
    this.buffered = '';
    child.on('error', (error) => {
      if (this.child === child) this.abandon(`ip batch: ${error.message}`);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.abandon(`ip batch exited (${signal ?? `code ${code}`})`);
    });
    child.stdin?.on('error', () => undefined); // reported through 'exit'
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (this.child !== child) return;
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const text = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        this.onLine(text);
      }
    });
    return child;
  }

  /** A new ip for the next command (iproute2 caches interface indexes for its lifetime). */
  restart(): void {
    this.abandon('ip batch restarted');
    this.start();
  }

  private onLine(text: string): void {
    const head = this.pending[0];
    if (!head) return;
    const failed = /^Command failed .*:(\d+)$/.exec(text);
    if (!failed) {
      if (text.trim() !== '') head.messages.push(text.trim());
      return;
    }
    const line = Number(failed[1]);
    if (line === head.commandLine) {
      head.failed = true;
      return;
    }
    if (line !== head.sentinelLine) return;
    this.pending.shift();
    clearTimeout(head.timer);
    // The sentinel's own message ('Device "…" does not exist.') is the last one collected.
    const messages = head.messages.filter((m) => !m.includes('chaos-batch-sentinel'));
    if (head.failed) head.reject(new Error(messages.join('; ') || 'ip command failed'));
    else head.resolve();
  }

  private abandon(reason: string): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      child.kill('SIGTERM');
    }
    for (const r of this.pending.splice(0)) {
      clearTimeout(r.timer);
      r.reject(new Error(reason));
    }
  }
}

/**
 * A command started ahead of time: /bin/sh waits for one line on its stdin, then execs the
 * command, so firing it costs a pipe write and an exec instead of a spawn from the daemon. When
 * the daemon ends, the shell reads end-of-file and exits without running the command.
 */
export class ArmedCommand {
  private readonly child: Piped;
  private readonly exited: Promise<{ code: number | null; stderr: string }>;
  private fired = false;

  constructor(
    readonly file: string,
    readonly args: readonly string[],
  ) {
    this.child = spawn('/bin/sh', ['-c', 'read -r go && exec "$0" "$@"', file, ...args], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => resolve({ code: null, stderr: error.message }));
      this.child.on('close', (code) => resolve({ code, stderr }));
    });
    this.child.stdin?.on('error', () => undefined);
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => void (stderr += chunk));
  }

  /** Whether it can still be fired (not fired, and its shell has not exited). */
  get ready(): boolean {
    return (
      !this.fired &&
      this.child.pid !== undefined &&
      this.child.exitCode === null &&
      this.child.signalCode === null
    );
  }

  /** Run the command now; resolves when it exits 0, rejects with its stderr otherwise. */
  async fire(): Promise<void> {
    this.fired = true;
    this.child.stdin?.end('go\n');
    const { code, stderr } = await this.exited;
    if (code !== 0)
      throw new Error(
        `${this.file} ${this.args.join(' ')}: ${stderr.trim() || `exit code ${code}`}`,
      );
  }

  /** Let the shell exit without running the command. */
  disarm(): void {
    this.fired = true;
    this.child.stdin?.end();
  }
}
