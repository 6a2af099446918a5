// The lab's CNI runtime: one ADD or DEL of one network for one pod, executed by libcni, the
// library containerd and Multus use to run delegate plugins. libcni does the parts of the CNI spec
// the lab must not reimplement: conflist chaining with prevResult, the name and cniVersion of the
// list injected into each plugin, runtimeConfig holding only the capability arguments a plugin
// declares, and the result cache that hands DEL the ADD result.
//
// Multus calls libcni in the same two ways (pkg/multus/multus.go confAdd/conflistAdd and
// confDel/conflistDel): AddNetwork/DelNetwork for a single plugin configuration,
// AddNetworkList/DelNetworkList for a conflist.
//
// It reads one request (JSON) on stdin and writes one reply (JSON) on stdout; it exits non-zero
// only when it cannot read the request. It runs in the node's network namespace (the caller starts
// it with `ip netns exec`), where the plugins look their master interface up.
//
// Built by the lab from this file alone against Debian's golang-github-appc-cni-dev
// (GO111MODULE=off GOPATH=/usr/share/gocode go build).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/types"
	"github.com/containernetworking/cni/pkg/version"
)

type request struct {
	Command     string          `json:"command"` // ADD or DEL
	Config      json.RawMessage `json:"config"`  // the NAD's spec.config
	ContainerID string          `json:"containerId"`
	NetNS       string          `json:"netns"` // path, e.g. /var/run/netns/<name>
	IfName      string          `json:"ifName"`
	// CNI_ARGS pairs, in order (Multus: IgnoreUnknown, K8S_POD_NAMESPACE, ...).
	Args [][2]string `json:"args"`
	// Capability arguments; libcni hands each plugin only the keys it declares.
	CapabilityArgs map[string]interface{} `json:"capabilityArgs"`
	CNIPath        []string               `json:"cniPath"`
	CacheDir       string                 `json:"cacheDir"`
	// Refuse capability arguments that no plugin of the network declares, before running any
	// plugin (the NPWG multi-net spec asks this of a runtime; libcni alone drops them silently).
	StrictCapabilities bool `json:"strictCapabilities"`
	TimeoutMs          int  `json:"timeoutMs"`
}

type invocation struct {
	Plugin  string          `json:"plugin"`
	Command string          `json:"command"`
	Stdin   json.RawMessage `json:"stdin"`
}

type failure struct {
	// The plugin that failed, or "runtime" when nothing was executed.
	Plugin  string `json:"plugin"`
	Code    uint   `json:"code"`
	Msg     string `json:"msg"`
	Details string `json:"details,omitempty"`
}

type reply struct {
	Result      json.RawMessage `json:"result,omitempty"`
	Error       *failure        `json:"error,omitempty"`
	Invocations []invocation    `json:"invocations"`
}

// recorder is libcni's default executor, noting what each plugin was given on stdin.
type recorder struct {
	raw   invoke.RawExec
	calls []invocation
}

func (r *recorder) ExecPlugin(ctx context.Context, pluginPath string, stdin []byte, environ []string) ([]byte, error) {
	command := ""
	for _, e := range environ {
		if strings.HasPrefix(e, "CNI_COMMAND=") {
			command = strings.TrimPrefix(e, "CNI_COMMAND=")
		}
	}
	r.calls = append(r.calls, invocation{Plugin: filepath.Base(pluginPath), Command: command, Stdin: append(json.RawMessage(nil), stdin...)})
	return r.raw.ExecPlugin(ctx, pluginPath, stdin, environ)
}

func (r *recorder) FindInPath(plugin string, paths []string) (string, error) {
	return invoke.FindInPath(plugin, paths)
}

func (r *recorder) Decode(jsonBytes []byte) (version.PluginInfo, error) {
	var decoder version.PluginDecoder
	return decoder.Decode(jsonBytes)
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintf(os.Stderr, "cannot read the request: %v\n", err)
		os.Exit(2)
	}
	exec := &recorder{raw: invoke.RawExec{Stderr: os.Stderr}}
	out := reply{}
	result, fail := run(req, exec)
	out.Invocations = exec.calls
	if out.Invocations == nil {
		out.Invocations = []invocation{}
	}
	if fail != nil {
		out.Error = fail
	} else if result != nil {
		out.Result = result
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

func run(req request, exec *recorder) (json.RawMessage, *failure) {
	list, single, err := parse(req.Config)
	if err != nil {
		return nil, &failure{Plugin: "runtime", Code: 1, Msg: err.Error()}
	}
	rt := &libcni.RuntimeConf{
		ContainerID:    req.ContainerID,
		NetNS:          req.NetNS,
		IfName:         req.IfName,
		Args:           req.Args,
		CapabilityArgs: req.CapabilityArgs,
	}
	if req.StrictCapabilities && req.Command == "ADD" {
		if missing := undeclared(list, req.CapabilityArgs); len(missing) > 0 {
			return nil, &failure{
				Plugin:  "runtime",
				Code:    1,
				Msg:     fmt.Sprintf("network %s was asked for %s but no plugin declares the capability", list.Name, strings.Join(missing, ", ")),
				Details: `NPWG multi-net spec: declare "capabilities" on a plugin of the network`,
			}
		}
	}
	timeout := time.Duration(req.TimeoutMs) * time.Millisecond
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cni := libcni.NewCNIConfigWithCacheDir(req.CNIPath, req.CacheDir, exec)

	var result types.Result
	switch req.Command {
	case "ADD":
		if single != nil {
			result, err = cni.AddNetwork(ctx, single, rt)
		} else {
			result, err = cni.AddNetworkList(ctx, list, rt)
		}
	case "DEL":
		if single != nil {
			err = cni.DelNetwork(ctx, single, rt)
		} else {
			err = cni.DelNetworkList(ctx, list, rt)
		}
	default:
		return nil, &failure{Plugin: "runtime", Code: 1, Msg: fmt.Sprintf("unknown command %q", req.Command)}
	}
	if err != nil {
		return nil, pluginFailure(err, exec)
	}
	if result == nil {
		return nil, nil
	}
	// The result in the version of the network, as the last plugin printed it.
	bytes, err := json.Marshal(result)
	if err != nil {
		return nil, &failure{Plugin: "runtime", Code: 1, Msg: fmt.Sprintf("cannot encode the result: %v", err)}
	}
	return bytes, nil
}

// parse reads a configuration the way Multus does (pkg/types/conf.go LoadDelegateNetConf): with
// a "type" it is a single plugin, otherwise a conflist. The list form of a single plugin is only
// used to look at its capabilities.
func parse(config []byte) (*libcni.NetworkConfigList, *libcni.NetworkConfig, error) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(config, &probe); err != nil {
		return nil, nil, err
	}
	if probe.Type != "" {
		single, err := libcni.ConfFromBytes(config)
		if err != nil {
			return nil, nil, err
		}
		list, err := libcni.ConfListFromConf(single)
		if err != nil {
			return nil, nil, err
		}
		return list, single, nil
	}
	list, err := libcni.ConfListFromBytes(config)
	return list, nil, err
}

// undeclared names the capability arguments that no plugin of the list declares, as parsed by libcni.
func undeclared(list *libcni.NetworkConfigList, args map[string]interface{}) []string {
	missing := []string{}
	for key := range args {
		declared := false
		for _, plugin := range list.Plugins {
			if plugin.Network.Capabilities[key] {
				declared = true
			}
		}
		if !declared {
			missing = append(missing, fmt.Sprintf("%q", key))
		}
	}
	sort.Strings(missing)
	return missing
}

// pluginFailure turns libcni's error into the plugin's CNI error: the last plugin executed is the
// one that failed (libcni stops at the first failure).
func pluginFailure(err error, exec *recorder) *failure {
	plugin := "runtime"
	if n := len(exec.calls); n > 0 {
		plugin = exec.calls[n-1].Plugin
	}
	var cniErr *types.Error
	if errors.As(err, &cniErr) {
		return &failure{Plugin: plugin, Code: cniErr.Code, Msg: cniErr.Msg, Details: cniErr.Details}
	}
	return &failure{Plugin: plugin, Code: 999, Msg: err.Error()}
}
