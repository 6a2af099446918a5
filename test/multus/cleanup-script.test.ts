import { CniPaths, MultusNodeCleanup } from '../../src';
import { findKind, synth, testChart } from '../helpers';
import { file, link, listNode, makeNode, Node, removeNode, runToEnd, ScriptRun, startClean, stop } from './node-layout';

/**
 * The script exactly as the synthesized DaemonSet runs it, with the node's directories swapped for
 * a temporary layout: what is tested here is what reaches the cluster.
 */
function scriptFor(node: Node): ScriptRun {
  const chart = testChart();
  new MultusNodeCleanup(chart, 'cleanup', { cniPaths: CniPaths.K3S });
  const container = findKind(synth(chart), 'DaemonSet').spec.template.spec.containers[0];
  const [sh, dashC, script, arg0, mode] = container.command;
  expect([sh, dashC, mode]).toEqual(['sh', '-c', 'clean']);
  const mounts: Record<string, string> = Object.fromEntries(container.volumeMounts.map((m: any) => [m.name, m.mountPath]));
  const env: Record<string, string> = {};
  for (const e of container.env) {
    if (e.value === mounts['cni-conf']) env[e.name] = node.conf;
    else if (e.value === mounts['cni-bin']) env[e.name] = node.bin;
    else throw new Error(`unexpected env ${e.name}=${e.value}`);
  }
  expect(Object.keys(env)).toHaveLength(2);
  return { script, arg0, env };
}

/**
 * A node after Multus was uninstalled without a graceful stop, next to the primary CNI's files and
 * the traps: names that contain "multus" but are not Multus's files, odd names, and symbolic links
 * that point out of the CNI directories.
 */
function layOutNode(node: Node): void {
  // Multus's leftovers (removed).
  file(node, 'conf/00-multus.conf', '{"cniVersion":"0.3.1","name":"multus-cni-network","type":"multus-shim"}');
  file(node, 'conf/00-multus.conflist');
  file(node, 'conf/00-multus.conf.cilium_bak');
  file(node, 'conf/multus.kubeconfig');
  file(node, 'conf/multus.d/multus.kubeconfig');
  file(node, 'conf/multus.d/daemon-config.json');
  link(node, 'conf/multus.d/escape', 'outside/etc');
  file(node, 'conf/00 multus copy.conf');
  file(node, 'conf/-rf multus');
  link(node, 'conf/99-multus-link.conf', 'outside/etc/precious.conf');
  file(node, 'bin/multus-shim');
  // Everything else on the node (kept).
  file(node, 'conf/10-flannel.conflist');
  file(node, 'conf/05-cilium.conflist');
  file(node, 'conf/87-podman-bridge.conflist');
  file(node, 'conf/.multus-hidden');
  file(node, 'conf/multus-notes/readme.txt');
  file(node, 'bin/multus');
  file(node, 'bin/multus-shim.bak');
  for (const plugin of ['macvlan', 'static', 'tuning', 'sbr', 'host-local', 'flannel', 'cilium-cni', 'bridge', 'loopback']) {
    file(node, `bin/${plugin}`);
  }
  file(node, 'outside/etc/precious.conf');
  file(node, 'outside/etc/multus-of-someone-else.conf');
}

const KEPT = [
  'bin/',
  'bin/bridge',
  'bin/cilium-cni',
  'bin/flannel',
  'bin/host-local',
  'bin/loopback',
  'bin/macvlan',
  'bin/multus',
  'bin/multus-shim.bak',
  'bin/sbr',
  'bin/static',
  'bin/tuning',
  'conf/',
  'conf/.multus-hidden',
  'conf/05-cilium.conflist',
  'conf/10-flannel.conflist',
  'conf/87-podman-bridge.conflist',
  'conf/multus-notes/',
  'conf/multus-notes/readme.txt',
  'outside/',
  'outside/etc/',
  'outside/etc/multus-of-someone-else.conf',
  'outside/etc/precious.conf',
];

const REMOVED = [
  'bin/multus-shim',
  'conf/-rf multus',
  'conf/00 multus copy.conf',
  'conf/00-multus.conf',
  'conf/00-multus.conf.cilium_bak',
  'conf/00-multus.conflist',
  'conf/99-multus-link.conf',
  'conf/multus.d',
  'conf/multus.kubeconfig',
];

describe('the node clean-up script', () => {
  let node: Node;
  beforeEach(() => { node = makeNode(); });
  afterEach(() => removeNode(node));

  test('removes exactly Multus\'s files, logs each removal, then idles until TERM', async () => {
    // GIVEN
    layOutNode(node);
    const run = scriptFor(node);

    // WHEN
    const started = await startClean(run);
    const remaining = listNode(node);
    const stopped = started.exited === undefined ? await stop(started.child, 'SIGTERM') : undefined;

    // THEN
    expect(started.exited).toBeUndefined();
    expect(started.stderr).toBe('');
    expect(remaining).toEqual(KEPT);
    const removedLines = started.stdout.split('\n').filter((l) => l.includes(': removed ')).map((l) => l.replace(/^.*: removed /, ''));
    expect(removedLines.map((p) => p.slice(node.root.length + 1)).sort()).toEqual(REMOVED);
    expect(started.stdout).toContain(`left alone (a directory, not Multus's): ${node.conf}/multus-notes`);
    expect(stopped).toEqual({ code: 0, signal: null });
  });

  test('check mode lists what is left and fails, removes nothing, and passes once the node is clean', async () => {
    // GIVEN
    layOutNode(node);
    const run = scriptFor(node);
    const before = listNode(node);

    // WHEN
    const dirty = runToEnd(run, 'check');
    const untouched = listNode(node);
    const started = await startClean(run);
    await stop(started.child, 'SIGTERM');
    const clean = runToEnd(run, 'check');

    // THEN
    expect(dirty.status).toBe(1);
    expect(untouched).toEqual(before);
    for (const p of REMOVED) expect(dirty.stdout).toContain(`left on this node: ${node.root}/${p}\n`);
    expect(clean.status).toBe(0);
    expect(clean.stderr).toBe('');
    expect(clean.stdout).not.toContain('left on this node');
    expect(clean.stdout.endsWith('multus-node-cleanup: clean\n')).toBe(true);
  });

  test('a multus.d that is a link is unlinked, and what it points at stays', async () => {
    // GIVEN
    file(node, 'outside/multus.d/multus.kubeconfig');
    file(node, 'outside/real-shim');
    link(node, 'conf/multus.d', 'outside/multus.d');
    link(node, 'bin/multus-shim', 'outside/real-shim');

    // WHEN
    const started = await startClean(scriptFor(node));
    await stop(started.child, 'SIGTERM');

    // THEN
    expect(listNode(node)).toEqual(['bin/', 'conf/', 'outside/', 'outside/multus.d/', 'outside/multus.d/multus.kubeconfig', 'outside/real-shim']);
  });

  test('a node that never ran Multus is left as it is', async () => {
    // GIVEN
    file(node, 'conf/10-flannel.conflist');
    file(node, 'bin/flannel');
    const before = listNode(node);

    // WHEN
    const started = await startClean(scriptFor(node));
    await stop(started.child, 'SIGTERM');

    // THEN
    expect(listNode(node)).toEqual(before);
    expect(started.stdout).toBe('multus-node-cleanup: clean; idling until stopped\n');
  });

  test('a directory named multus-shim in the plugin directory is not Multus\'s and stays', async () => {
    // GIVEN
    file(node, 'bin/multus-shim/keep');

    // WHEN
    const check = runToEnd(scriptFor(node), 'check');

    // THEN
    expect(check.status).toBe(0);
    expect(check.stdout).toContain(`left alone (a directory, not Multus's): ${node.bin}/multus-shim`);
    expect(listNode(node)).toContain('bin/multus-shim/keep');
  });

  test.each([
    ['the configuration directory is missing', (n: Node) => ({ conf: `${n.root}/absent` })],
    ['the configuration directory is a link', (n: Node) => { link(n, 'conf-link', 'conf'); return { conf: `${n.root}/conf-link` }; }],
    ['the plugin directory is empty', () => ({ bin: '' })],
  ])('refuses to start when %s, and touches nothing', (_what, change) => {
    // GIVEN
    layOutNode(node);
    const run = scriptFor(node);
    const override = change(node) as { conf?: string; bin?: string };
    const confEnv = Object.keys(run.env).find((name) => run.env[name] === node.conf)!;
    const binEnv = Object.keys(run.env).find((name) => run.env[name] === node.bin)!;
    const env = { ...run.env };
    if (override.conf !== undefined) env[confEnv] = override.conf;
    if (override.bin !== undefined) env[binEnv] = override.bin;
    const before = listNode(node);

    // WHEN
    const result = runToEnd({ ...run, env }, 'clean');

    // THEN
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('is not a directory');
    expect(listNode(node)).toEqual(before);
  });

  test('an unknown mode is refused before anything is touched', () => {
    // GIVEN a node with Multus's files
    layOutNode(node);
    const before = listNode(node);
    // WHEN the script is run in a mode it does not know
    const result = runToEnd(scriptFor(node), 'purge');
    // THEN it fails (status 2), and the node is as it was
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown mode 'purge'");
    expect(listNode(node)).toEqual(before);
  });
});
