import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabDaemon } from './daemon';
import { exec } from './exec';
import { MDNS_GROUP, MDNS_PORT } from './udp';

/**
 * Real mDNS for the lab: avahi-daemon in an "IoT device" namespace publishing a service, and a
 * DNS-SD browse query (a PTR question for `<service>.local`) sent to 224.0.0.251:5353 from a pod.
 */

/** A DNS-SD service the device publishes (avahi static service file). */
export interface PublishedService {
  /** The instance name, e.g. `Lab Bulb`. */
  readonly name: string;
  /** The service type, e.g. `_hap._tcp` (HomeKit accessories, which Home Assistant discovers). */
  readonly type: string;
  readonly port: number;
  readonly txt: readonly string[];
}

/**
 * Starts avahi-daemon in namespace `netns` publishing `service` on `interfaceName`, and resolves
 * once the service is established (avahi probed the names and announced them).
 *
 * avahi runs without D-Bus (`enable-dbus=no`), as root, without chroot, in a mount namespace of its
 * own (`unshare -m`, private propagation) where a tmpfs is its `/run` (for `/run/avahi-daemon`) and
 * `dir/services` is mounted over `/etc/avahi/services`, the directory it reads static services
 * from: nothing on the host is read or written but `dir`.
 */
export async function startAvahi(netns: string, dir: string, hostName: string, interfaceName: string, service: PublishedService): Promise<LabDaemon> {
  const services = join(dir, 'services');
  mkdirSync(services, { recursive: true });
  const conf = join(dir, 'avahi-daemon.conf');
  writeFileSync(conf, [
    '[server]',
    `host-name=${hostName}`,
    'domain-name=local',
    'use-ipv4=yes',
    'use-ipv6=no',
    `allow-interfaces=${interfaceName}`,
    'enable-dbus=no',
    '[wide-area]',
    'enable-wide-area=no',
    '[publish]',
    'publish-hinfo=no',
    'publish-workstation=no',
    'publish-aaaa-on-ipv4=no',
    '[reflector]',
    'enable-reflector=no',
    '',
  ].join('\n'));
  writeFileSync(join(services, 'lab.service'), [
    '<?xml version="1.0" standalone="no"?>',
    '<!DOCTYPE service-group SYSTEM "avahi-service.dtd">',
    '<service-group>',
    `  <name>${xml(service.name)}</name>`,
    '  <service>',
    `    <type>${xml(service.type)}</type>`,
    `    <port>${service.port}</port>`,
    ...service.txt.map((t) => `    <txt-record>${xml(t)}</txt-record>`),
    '  </service>',
    '</service-group>',
    '',
  ].join('\n'));
  const script = 'mount -t tmpfs lab-avahi-run /run && mount --bind "$0" /etc/avahi/services && exec avahi-daemon -f "$1" --no-drop-root --no-chroot --no-rlimits --no-proc-title';
  const avahi = LabDaemon.start('avahi-daemon', netns, 'unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, services, conf]);
  await avahi.waitFor(/Service ".*" \(.*\) successfully established/, 10_000);
  return avahi;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A resource record of an mDNS answer. */
export interface MdnsRecord {
  readonly section: 'answer' | 'additional';
  readonly name: string;
  readonly type: 'PTR' | 'SRV' | 'TXT' | 'A' | string;
  /** PTR: the name; SRV: `port target`; TXT: the strings joined by `;`; A: the address. */
  readonly data: string;
}

/** What a browse query brought back. */
export interface MdnsAnswer {
  /** The address the response came from. */
  readonly from: string;
  readonly records: readonly MdnsRecord[];
}

// The querier, run in the pod: binds 0.0.0.0:5353 (as Home Assistant's zeroconf does), joins the
// mDNS group on the interface the kernel routes 224.0.0.251 to, sends a PTR question every 300 ms,
// and prints the first response (QR bit set) that answers it, decoded; exits 3 when none came.
const QUERIER = `
const dgram = require('node:dgram');
const [service, group, port, waitMs] = process.argv.slice(1);
const TYPES = { 1: 'A', 12: 'PTR', 16: 'TXT', 33: 'SRV' };
function encodeName(name) {
  const parts = name.split('.').filter((p) => p !== '');
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([Buffer.byteLength(p)]), Buffer.from(p)])), Buffer.from([0])]);
}
function readName(buf, offset) {
  const labels = [];
  let jumped = false, end = offset, hops = 0;
  for (;;) {
    const len = buf[offset];
    if (len === undefined) throw new Error('name runs past the message');
    if ((len & 0xc0) === 0xc0) {
      if (++hops > 20) throw new Error('compression loop');
      if (!jumped) end = offset + 2;
      offset = ((len & 0x3f) << 8) | buf[offset + 1];
      jumped = true;
      continue;
    }
    if (len === 0) { if (!jumped) end = offset + 1; break; }
    labels.push(buf.toString('utf8', offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  return { name: labels.join('.'), end };
}
function decode(buf) {
  const flags = buf.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let offset = 12;
  for (let i = 0; i < counts[0]; i++) offset = readName(buf, offset).end + 4;
  const records = [];
  const sections = [['answer', counts[1]], ['authority', counts[2]], ['additional', counts[3]]];
  for (const [section, count] of sections) {
    for (let i = 0; i < count; i++) {
      const { name, end } = readName(buf, offset);
      const type = buf.readUInt16BE(end);
      const rdlength = buf.readUInt16BE(end + 8);
      const rdata = end + 10;
      let data = '';
      if (type === 12) data = readName(buf, rdata).name;
      else if (type === 33) data = buf.readUInt16BE(rdata + 4) + ' ' + readName(buf, rdata + 6).name;
      else if (type === 1) data = [...buf.subarray(rdata, rdata + 4)].join('.');
      else if (type === 16) {
        const strings = [];
        for (let o = rdata; o < rdata + rdlength; o += 1 + buf[o]) strings.push(buf.toString('utf8', o + 1, o + 1 + buf[o]));
        data = strings.join(';');
      }
      if (section !== 'authority') records.push({ section, name, type: TYPES[type] ?? String(type), data });
      offset = rdata + rdlength;
    }
  }
  return { response: (flags & 0x8000) !== 0, records };
}
const question = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), encodeName(service), Buffer.from([0, 12, 0, 1])]);
const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
setTimeout(() => process.exit(3), Number(waitMs));
socket.on('message', (msg, rinfo) => {
  let decoded;
  try { decoded = decode(msg); } catch { return; }
  if (!decoded.response) return;
  if (!decoded.records.some((r) => r.section === 'answer' && r.type === 'PTR' && r.name.toLowerCase() === service.toLowerCase())) return;
  process.stdout.write(JSON.stringify({ from: rinfo.address, records: decoded.records }) + '\\n');
  process.exit(0);
});
socket.bind(Number(port), () => {
  socket.addMembership(group);
  const send = () => socket.send(question, Number(port), group, () => setTimeout(send, 300));
  send();
});
`;

/**
 * Sends a DNS-SD browse query for `service` (e.g. `_hap._tcp.local`) from namespace `netns` and
 * resolves with the first response that answers it, or undefined when none came within `waitMs`.
 * The query leaves through whatever interface the namespace routes 224.0.0.251 to.
 */
export async function browse(netns: string, service: string, waitMs = 3000): Promise<MdnsAnswer | undefined> {
  const result = await exec('ip', ['netns', 'exec', netns, process.execPath, '-e', QUERIER, service, MDNS_GROUP, String(MDNS_PORT), String(waitMs)], {
    timeoutMs: waitMs + 3000,
  });
  if (result.code === 3) return undefined;
  if (result.code !== 0) throw new Error(`mDNS query in ${netns} exited ${result.code ?? result.signal}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as MdnsAnswer;
}
