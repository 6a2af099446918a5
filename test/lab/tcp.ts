import { spawn } from 'node:child_process';
import { exec } from './exec';

/**
 * One TCP connection between namespaces: a server that accepts one connection and greets it, and
 * a client that connects and reads the greeting. Each side is a short `node -e` script run with
 * `ip netns exec`; every process is bounded.
 */

/** What the client saw. */
export interface TcpOutcome {
  /** The greeting read, when the connection was established. */
  readonly greeting?: string;
  /** The client's error (`ETIMEDOUT`, `ECONNREFUSED`, `ECONNRESET`, ...) when it was not. */
  readonly error?: string;
}

// Server: listens, prints "ready", greets the first connection with its peer's address and exits.
const SERVER = `
const net = require('node:net');
const [address, port, waitMs] = process.argv.slice(1);
setTimeout(() => process.exit(3), Number(waitMs));
const server = net.createServer((socket) => {
  socket.end('hello ' + socket.remoteAddress, () => process.exit(0));
});
server.listen(Number(port), address, () => process.stdout.write('ready\\n'));
`;

// Client: connects (bounded), prints what it read or the error code as JSON.
const CLIENT = `
const net = require('node:net');
const [address, port, waitMs] = process.argv.slice(1);
let data = '';
const socket = net.connect({ host: address, port: Number(port) });
const done = (out) => { process.stdout.write(JSON.stringify(out) + '\\n'); process.exit(0); };
socket.setTimeout(Number(waitMs), () => done({ error: 'ETIMEDOUT' }));
socket.on('data', (chunk) => (data += chunk));
socket.on('end', () => done({ greeting: data }));
socket.on('error', (e) => done({ error: e.code || e.message }));
`;

/**
 * Connects from `clientNs` to `address:port`, served in `serverNs`; resolves with what the client
 * saw within `waitMs`.
 */
export async function tcpConnect(clientNs: string, serverNs: string, address: string, port: number, waitMs = 3000): Promise<TcpOutcome> {
  const server = spawn('ip', ['netns', 'exec', serverNs, process.execPath, '-e', SERVER, address, String(port), String(waitMs + 1000)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: waitMs + 3000,
    killSignal: 'SIGKILL',
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('ready')) resolve();
      });
      server.on('close', (code) => reject(new Error(`the TCP server in ${serverNs} exited ${code} before listening`)));
    });
    const client = await exec('ip', ['netns', 'exec', clientNs, process.execPath, '-e', CLIENT, address, String(port), String(waitMs)], { timeoutMs: waitMs + 2000 });
    if (client.code !== 0) throw new Error(`the TCP client in ${clientNs} exited ${client.code}: ${client.stderr}`);
    return JSON.parse(client.stdout) as TcpOutcome;
  } finally {
    server.kill('SIGKILL');
  }
}
