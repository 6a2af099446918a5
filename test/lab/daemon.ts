import { ChildProcess, spawn } from 'node:child_process';

/**
 * A long-running process of the lab (the LAN's DHCP server, the CNI dhcp daemon, an mDNS responder)
 * in a network namespace, with its output kept for the checks to read.
 *
 * Each one is started through `setpriv --pdeathsig KILL`, so the kernel kills it when the jest
 * worker that started it dies, even when `afterAll` never runs; `stop()` ends it otherwise
 * (TERM, then KILL), and waits until it is gone.
 */
export class LabDaemon {
  /** Starts `command args` in namespace `netns`. */
  public static start(name: string, netns: string, command: string, args: readonly string[]): LabDaemon {
    const child = spawn('ip', ['netns', 'exec', netns, 'setpriv', '--pdeathsig', 'KILL', '--', command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    return new LabDaemon(name, child);
  }

  private out = '';
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  private readonly exited: Promise<void>;
  private readonly waiters = new Set<() => void>();

  private constructor(public readonly name: string, private readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => {
      this.out += chunk.toString();
      for (const wake of this.waiters) wake();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.out += `\n${e.message}`;
        this.exit = { code: null, signal: null };
        resolve();
      });
      child.on('close', (code, signal) => {
        this.exit = { code, signal };
        for (const wake of this.waiters) wake();
        resolve();
      });
    });
  }

  /** The process id (of the daemon itself: `ip netns exec`, `setpriv`, `unshare` and `sh -c 'exec'` exec). */
  public get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything it wrote to stdout and stderr so far. */
  public get output(): string {
    return this.out;
  }

  /** Whether it is still running. */
  public get running(): boolean {
    return this.exit === undefined;
  }

  /**
   * Resolves with the first line of its output (from `from` on) that matches, or rejects after
   * `timeoutMs` or when the process exits first, with its output in the message.
   */
  public async waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.out.slice(from).split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return done(() => resolve(line));
        if (this.exit) return done(() => reject(new Error(`${this.name} exited (${this.exit!.code ?? this.exit!.signal}) before printing ${pattern}:\n${this.out}`)));
        return undefined;
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${this.name} printed no ${pattern} within ${timeoutMs} ms:\n${this.out}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Ends the process (TERM, then KILL after `graceMs`) and waits until it has exited. */
  public async stop(graceMs = 2000): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }

  /** Kills the process at once (as an OOM kill would), and waits until it has exited. */
  public async kill(): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
