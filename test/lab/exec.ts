import { spawn } from 'node:child_process';

/** What a finished child process left behind. */
export interface ExecResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
  /** Environment of the child (replaces, does not extend, this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory of the child. @default this process's */
  readonly cwd?: string;
  /** The child is killed (SIGKILL) after this long; every child of the lab is bounded. */
  readonly timeoutMs: number;
}

/**
 * Runs a command to completion without a shell and collects its output. Never rejects for a
 * non-zero exit (callers judge the result); rejects only when the command cannot be started.
 */
export function exec(command: string, args: readonly string[], options: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => undefined); // a child that exits before reading stdin is judged by its exit
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command and returns its stdout; throws with the command line and stderr when it fails. */
export async function execOk(command: string, args: readonly string[], options: ExecOptions): Promise<string> {
  const result = await exec(command, args, options);
  if (result.code !== 0) {
    const how = result.signal ? `was killed (${result.signal}, timeout ${options.timeoutMs} ms)` : `exited ${result.code}`;
    throw new Error(`${command} ${args.join(' ')} ${how}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
