// The lab's container runtime side of one pod: one CNI ADD or DEL of the pod, handed to the real
// Multus (multus-cni's own pkg/multus CmdAdd/CmdDel, the code path of the thin plugin) as the
// container runtime hands it to the `multus` binary. Multus then does everything itself: it reads
// the pod's k8s.v1.cni.cncf.io/networks annotation, fetches each NetworkAttachmentDefinition, turns
// every selection element into the delegate's runtime config (capability arguments) and CNI_ARGS,
// names the interfaces, runs the cluster network and every delegate through libcni, applies
// `default-route`, writes the pod's network-status annotation, and on DEL tears it all down from
// its cache.
//
// The Kubernetes API server is stood in for by client-go's fake clientset (the pod) and the
// network-attachment-definition-client's fake (the NADs): the well-kept test doubles Multus's own
// tests use, holding exactly the objects the request names. Nothing of Multus is modelled here.
//
// It reads one request (JSON) on stdin and writes one reply (JSON) on stdout; it exits non-zero
// only when it cannot read the request. It runs in the node's network namespace (the caller starts
// it with `ip netns exec`), where the plugins look their master interface up.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/version"
	nadv1 "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/apis/k8s.cni.cncf.io/v1"
	netfake "github.com/k8snetworkplumbingwg/network-attachment-definition-client/pkg/client/clientset/versioned/fake"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/record"

	"gopkg.in/k8snetworkplumbingwg/multus-cni.v4/pkg/k8sclient"
	"gopkg.in/k8snetworkplumbingwg/multus-cni.v4/pkg/multus"
)

type object struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type nad struct {
	object
	Config string `json:"config"` // spec.config, as the NAD carries it (a JSON string)
}

type request struct {
	Command string `json:"command"` // ADD or DEL
	// The pod as the API server holds it (name, namespace, annotations); its uid is derived from
	// the sandbox id, and passed in CNI_ARGS as the container runtime does.
	Pod  object `json:"pod"`
	NADs []nad  `json:"nads"`
	// Multus's own configuration (00-multus.conf: cniVersion, delegates or clusterNetwork, ...).
	// binDir and cniDir are set here from CNIPath and CacheDir.
	MultusConfig map[string]interface{} `json:"multusConfig"`
	ContainerID  string                 `json:"containerId"`
	NetNS        string                 `json:"netns"`  // path, e.g. /var/run/netns/<name>
	IfName       string                 `json:"ifName"` // what the runtime asks for: eth0
	CNIPath      []string               `json:"cniPath"`
	// Multus's cniDir: its delegate cache and libcni's result cache (/var/lib/cni/multus on a node).
	CacheDir string `json:"cacheDir"`
}

type invocation struct {
	Plugin  string          `json:"plugin"`
	Command string          `json:"command"`
	IfName  string          `json:"ifName"`
	Args    string          `json:"args"` // CNI_ARGS as the plugin got it
	Stdin   json.RawMessage `json:"stdin"`
}

type reply struct {
	Result json.RawMessage `json:"result,omitempty"`
	// Multus's error text, exactly as the runtime (and kubelet's event) would show it.
	Error       string       `json:"error,omitempty"`
	Invocations []invocation `json:"invocations"`
	// The pod's annotations after the command (Multus writes k8s.v1.cni.cncf.io/network-status).
	PodAnnotations map[string]string `json:"podAnnotations,omitempty"`
	// The Kubernetes events Multus recorded (AddedInterface, ...).
	Events []string `json:"events"`
}

// recorder is libcni's default executor, noting what each plugin was given.
type recorder struct {
	raw   invoke.RawExec
	calls []invocation
}

func (r *recorder) ExecPlugin(ctx context.Context, pluginPath string, stdin []byte, environ []string) ([]byte, error) {
	call := invocation{Plugin: filepath.Base(pluginPath), Stdin: append(json.RawMessage(nil), stdin...)}
	for _, e := range environ {
		switch {
		case strings.HasPrefix(e, "CNI_COMMAND="):
			call.Command = strings.TrimPrefix(e, "CNI_COMMAND=")
		case strings.HasPrefix(e, "CNI_IFNAME="):
			call.IfName = strings.TrimPrefix(e, "CNI_IFNAME=")
		case strings.HasPrefix(e, "CNI_ARGS="):
			call.Args = strings.TrimPrefix(e, "CNI_ARGS=")
		}
	}
	r.calls = append(r.calls, call)
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
	out, err := run(req)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		os.Exit(2)
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

func run(req request) (*reply, error) {
	ctx := context.Background()
	uid := k8stypes.UID("uid-" + req.ContainerID)

	// The API server: the pod and the NADs, nothing else.
	pods := fake.NewSimpleClientset()
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: req.Pod.Name, Namespace: req.Pod.Namespace, UID: uid, Annotations: req.Pod.Annotations}}
	if _, err := pods.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		return nil, fmt.Errorf("fake API server: %v", err)
	}
	nads := netfake.NewSimpleClientset()
	for _, n := range req.NADs {
		obj := &nadv1.NetworkAttachmentDefinition{
			ObjectMeta: metav1.ObjectMeta{Name: n.Name, Namespace: n.Namespace, Annotations: n.Annotations},
			Spec:       nadv1.NetworkAttachmentDefinitionSpec{Config: n.Config},
		}
		if _, err := nads.K8sCniCncfIoV1().NetworkAttachmentDefinitions(n.Namespace).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return nil, fmt.Errorf("fake API server: %v", err)
		}
	}
	events := record.NewFakeRecorder(100)
	client := &k8sclient.ClientInfo{Client: pods, NetClient: nads, EventRecorder: events}

	// Multus's configuration, with its directories in the lab's.
	conf := map[string]interface{}{}
	for k, v := range req.MultusConfig {
		conf[k] = v
	}
	conf["binDir"] = req.CNIPath[0]
	conf["cniDir"] = req.CacheDir
	stdin, err := json.Marshal(conf)
	if err != nil {
		return nil, err
	}

	// The environment the container runtime gives the multus binary.
	cniArgs := strings.Join([]string{
		"IgnoreUnknown=1",
		"K8S_POD_NAMESPACE=" + pod.Namespace,
		"K8S_POD_NAME=" + pod.Name,
		"K8S_POD_INFRA_CONTAINER_ID=" + req.ContainerID,
		"K8S_POD_UID=" + string(uid),
	}, ";")
	env := map[string]string{
		"CNI_COMMAND":     req.Command,
		"CNI_CONTAINERID": req.ContainerID,
		"CNI_NETNS":       req.NetNS,
		"CNI_IFNAME":      req.IfName,
		"CNI_ARGS":        cniArgs,
		"CNI_PATH":        strings.Join(req.CNIPath, string(os.PathListSeparator)),
	}
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
	}
	args := &skel.CmdArgs{
		ContainerID: req.ContainerID,
		Netns:       req.NetNS,
		IfName:      req.IfName,
		Args:        cniArgs,
		Path:        env["CNI_PATH"],
		StdinData:   stdin,
	}

	exec := &recorder{raw: invoke.RawExec{Stderr: os.Stderr}}
	out := &reply{Invocations: []invocation{}, Events: []string{}}
	switch req.Command {
	case "ADD":
		result, err := multus.CmdAdd(args, exec, client)
		if err != nil {
			out.Error = err.Error()
		} else if result != nil {
			if out.Result, err = json.Marshal(result); err != nil {
				return nil, err
			}
		}
	case "DEL":
		if err := multus.CmdDel(args, exec, client); err != nil {
			out.Error = err.Error()
		}
	default:
		return nil, fmt.Errorf("unknown command %q", req.Command)
	}
	out.Invocations = append(out.Invocations, exec.calls...)

	if after, err := pods.CoreV1().Pods(pod.Namespace).Get(ctx, pod.Name, metav1.GetOptions{}); err == nil {
		out.PodAnnotations = after.Annotations
	}
	for drained := false; !drained; {
		select {
		case e := <-events.Events:
			out.Events = append(out.Events, e)
		default:
			drained = true
		}
	}
	return out, nil
}
