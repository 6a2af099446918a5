/**
 * Environment variable that names the mount point of the node's CNI configuration directory.
 * @internal
 */
export const CLEANUP_CONF_DIR_ENV = 'MULTUS_CLEANUP_CONF_DIR';

/**
 * Environment variable that names the mount point of the node's CNI plugin directory.
 * @internal
 */
export const CLEANUP_BIN_DIR_ENV = 'MULTUS_CLEANUP_BIN_DIR';

/**
 * The node clean-up script (POSIX `sh`: busybox ash and dash run it alike).
 *
 * It reads the two directories from `MULTUS_CLEANUP_CONF_DIR` and `MULTUS_CLEANUP_BIN_DIR` (the
 * mount points of the node's CNI directories) and takes one argument:
 *
 * - `clean`: removes Multus's files, logs each removal, then idles until TERM or INT (exit 0).
 *   Exits 1 without idling when something could not be removed, so the pod crash-loops visibly
 *   and the next start tries again.
 * - `check`: removes nothing; exits 0 when the node is clean, else lists what is left and exits 1
 *   (the readiness probe: "every pod ready" means "every node clean").
 *
 * What it removes, and nothing else (https://github.com/k8snetworkplumbingwg/multus-cni/issues/1105: a leftover `00-multus.conf`
 * sends every pod start on the node to a `multus-shim` that answers "connection refused"):
 *
 * - in the configuration directory, every entry whose name contains `multus` that is a file or a
 *   symbolic link: `00-multus.conf` (what the thick daemon writes), `00-multus.conflist`,
 *   `multus.kubeconfig` and `00-multus.conf.cilium_bak` (the same Multus config, renamed by a Cilium
 *   running with `cni.exclusive: true`; containerd ignores the suffix, but the file is Multus's and
 *   would be confusing evidence on a node that no longer runs Multus);
 * - the directory `multus.d` in the configuration directory, with its contents;
 * - `multus-shim` in the plugin directory (the only binary angelnu's `multus-installer` copies
 *   there). A `multus` binary (the thin plugin, which bjw-s-labs' chart copies) is left alone:
 *   another installation may own it, and without a config that names it nothing runs it. The
 *   reference plugins (`macvlan`, `static`, ...) are left too: the primary CNI may depend on them.
 *
 * Other directories whose names contain `multus` are reported and left alone. Symbolic links are
 * removed as links (`[ -L ]` is tested first, `rm` never follows a link it is given, and `rm -r`
 * never descends through one), so nothing outside the two directories is ever touched. Names are
 * always quoted, so white space or a leading `-` in a name changes nothing.
 *
 * The idle loop traps TERM: the script runs as PID 1 of its container, where signals without a
 * handler are ignored, and without the trap every pod would wait out its whole grace period. The
 * trap is set before the script says it idles, and whenever the signal lands (before the `sleep`
 * starts, before its pid is known, or during `wait`) the pending `sleep` is stopped and the script
 * exits 0, so no process outlives it. The `sleep` is stopped with KILL: a TERM that lands between
 * `fork` and `exec` is taken by the forked shell's inherited trap and lost, and the `sleep` would
 * live on.
 *
 * @internal
 */
export const NODE_CLEANUP_SCRIPT = `set -u
mode="\${1:-clean}"
conf="\${${CLEANUP_CONF_DIR_ENV}:-}"
bin="\${${CLEANUP_BIN_DIR_ENV}:-}"
case "$mode" in clean|check) ;; *) echo "multus-node-cleanup: unknown mode '$mode' (clean or check)" >&2; exit 2 ;; esac
for dir in "$conf" "$bin"; do
  if [ -z "$dir" ] || [ -L "$dir" ] || [ ! -d "$dir" ]; then
    echo "multus-node-cleanup: '$dir' is not a directory; set ${CLEANUP_CONF_DIR_ENV} and ${CLEANUP_BIN_DIR_ENV} to the mounted CNI directories" >&2
    exit 2
  fi
done
failed=0
left=0
take() {
  if [ "$mode" = check ]; then
    echo "multus-node-cleanup: left on this node: $1"
    left=1
  elif rm -f $2 -- "$1"; then
    echo "multus-node-cleanup: removed $1"
  else
    echo "multus-node-cleanup: could not remove $1" >&2
    failed=1
  fi
}
for path in "$conf"/*multus*; do
  if [ -L "$path" ]; then
    take "$path" ""
  elif [ -d "$path" ]; then
    if [ "\${path##*/}" = multus.d ]; then
      take "$path" -r
    else
      echo "multus-node-cleanup: left alone (a directory, not Multus's): $path"
    fi
  elif [ -e "$path" ]; then
    take "$path" ""
  fi
done
path="$bin/multus-shim"
if [ -L "$path" ]; then
  take "$path" ""
elif [ -d "$path" ]; then
  echo "multus-node-cleanup: left alone (a directory, not Multus's): $path"
elif [ -e "$path" ]; then
  take "$path" ""
fi
if [ "$mode" = check ]; then
  [ "$left" = 0 ] && echo "multus-node-cleanup: clean"
  exit "$left"
fi
if [ "$failed" != 0 ]; then
  exit 1
fi
stopping=0
pid=
trap 'stopping=1; if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null; fi' TERM INT
echo "multus-node-cleanup: clean; idling until stopped"
while :; do
  sleep 3600 &
  pid=$!
  if [ "$stopping" = 1 ]; then break; fi
  wait "$pid"
  if [ "$stopping" = 1 ]; then break; fi
done
kill -KILL "$pid" 2>/dev/null
wait "$pid"
exit 0
`;
