import { spawn } from 'node:child_process';
import { exec } from './exec';

/**
 * UDP exchanges between namespaces (there is no `ping` here, and UDP is what mDNS speaks anyway).
 * Each side is a short `node -e` script run with `ip netns exec`; every process is bounded.
 */

/** The mDNS group and port: what Home Assistant's discovery (zeroconf, HomeKit) uses. */
export const MDNS_GROUP = '224.0.0.251';
export const MDNS_PORT = 5353;

/** A datagram one side received. */
export interface Received {
  readonly message: string;
  /** The sender's address as the receiver saw it. */
  readonly from: string;
}

// Receiver: binds, joins the group on the given interface address when asked, prints "ready", then
// prints the first datagram as JSON (answering it when asked) and exits; exits 3 when none came.
const RECEIVER = `
const dgram = require('node:dgram');
const [address, port, group, reply, waitMs] = process.argv.slice(1);
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
setTimeout(() => process.exit(3), Number(waitMs));
socket.on('message', (msg, rinfo) => {
  process.stdout.write(JSON.stringify({ message: msg.toString(), from: rinfo.address }) + '\\n');
  if (reply === 'reply') socket.send('pong:' + msg.toString(), rinfo.port, rinfo.address, () => process.exit(0));
  else process.exit(0);
});
socket.bind(Number(port), group === '-' ? address : undefined, () => {
  if (group !== '-') socket.addMembership(group, address);
  process.stdout.write('ready\\n');
});
`;

// Sender: sends a datagram from the given address every 100 ms (the first may wait on ARP) and,
// when asked, prints the first answer as JSON and exits; exits 3 when none came.
const SENDER = `
const dgram = require('node:dgram');
const [address, to, port, message, expectReply, count] = process.argv.slice(1);
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  process.stdout.write(JSON.stringify({ message: msg.toString(), from: rinfo.address }) + '\\n');
  process.exit(0);
});
socket.bind(0, address, () => {
  socket.setMulticastInterface(address);
  let sent = 0;
  const send = () => {
    if (sent++ >= Number(count)) {
      if (expectReply === 'reply') setTimeout(() => process.exit(3), 200); else socket.close();
      return;
    }
    socket.send(message, Number(port), to, () => setTimeout(send, 100));
  };
  send();
});
`;

const WAIT_MS = 3000;

/** Starts a receiver in `ns` and resolves once it is listening; `done` resolves with what it got. */
function startReceiver(ns: string, address: string, port: number, group: string | undefined, reply: boolean) {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', RECEIVER, address, String(port), group ?? '-', reply ? 'reply' : 'no-reply', String(WAIT_MS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: WAIT_MS + 2000,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void;
  let failReady: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Received | undefined>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      failReady(new Error(`receiver in ${ns} on ${address} exited ${code} before listening: ${stderr.trim()}`));
      if (code === 0) resolve(JSON.parse(stdout.split('\n')[1]));
      else if (code === 3) resolve(undefined);
      else reject(new Error(`receiver in ${ns} on ${address} exited ${code}: ${stderr.trim()}`));
    });
  });
  // Callers await `ready` first; when it fails, `done` is never awaited (and vice versa).
  ready.catch(() => undefined);
  done.catch(() => undefined);
  return { ready, done };
}

async function send(ns: string, address: string, to: string, port: number, message: string, expectReply: boolean, count: number) {
  const result = await exec('ip', ['netns', 'exec', ns, process.execPath, '-e', SENDER, address, to, String(port), message, expectReply ? 'reply' : 'no-reply', String(count)], {
    timeoutMs: WAIT_MS + 2000,
  });
  if (result.code === 3) return undefined;
  if (result.code !== 0) throw new Error(`sender in ${ns} from ${address} to ${to} exited ${result.code}: ${result.stderr.trim()}`);
  return expectReply ? (JSON.parse(result.stdout) as Received) : undefined;
}

/** The outcome of a request/answer exchange. */
export interface Exchange {
  /** What the answering side received, or undefined when nothing arrived. */
  readonly request?: Received;
  /** What came back to the asking side, or undefined when nothing did. */
  readonly answer?: Received;
}

/**
 * Sends a unicast datagram from `fromAddress` in `fromNs` to `toAddress` in `toNs` and waits for the
 * answer: both directions must work for a device on the LAN to talk to the pod.
 */
export async function unicastExchange(fromNs: string, fromAddress: string, toNs: string, toAddress: string, port = 40000): Promise<Exchange> {
  const receiver = startReceiver(toNs, toAddress, port, undefined, true);
  await receiver.ready;
  const answer = await send(fromNs, fromAddress, toAddress, port, `hello from ${fromAddress}`, true, 10);
  return { request: await receiver.done, answer };
}

/**
 * Sends a datagram to the mDNS group out of `fromAddress` in `fromNs`; resolves with what each
 * listener (a namespace and its interface address, which joins the group) received.
 */
export async function multicast(fromNs: string, fromAddress: string, listeners: ReadonlyArray<{ ns: string; address: string }>): Promise<Array<Received | undefined>> {
  const receivers = listeners.map((l) => startReceiver(l.ns, l.address, MDNS_PORT, MDNS_GROUP, false));
  await Promise.all(receivers.map((r) => r.ready));
  await send(fromNs, fromAddress, MDNS_GROUP, MDNS_PORT, `mdns from ${fromAddress}`, false, 5);
  return Promise.all(receivers.map((r) => r.done));
}
