# The test cluster's real node: containerd + runc + a CNI bridge + kubelet + kube-proxy on this machine, next to
# kwok's fake nodes, and a local OCI registry the kubelet pulls from. Sourced by hack/testbed (it uses its
# variables and functions: CACHE, BIN, log, die, ...). Measured facts behind the choices: docs/testing.md.
#
# Everything the node writes lives under $NODE_DIR except what containerd, runc and the kubelet keep at fixed
# host paths (/run/containerd, /var/lib/kubelet, /var/log/pods, /var/lib/cni, /run/netns); node_down removes
# those, the iptables chains, the bridge and the cgroups.

NODE_NAME=${MODELDEPLOY_REAL_NODE:-modeldeploy-real}
NODE_DIR=$CACHE_ROOT/real-node
NODE_BRIDGE=mdbr0
# The real node's pods take addresses from here; kwok's fake nodes use 10.0.0.0/16.
NODE_POD_CIDR=10.88.0.0/16
# The Services' ClusterIP range, as the API server is configured with it.
SERVICE_CIDR=$(awk '/key: service-cluster-ip-range/ {getline; print $2}' "$here/testbed-config.yaml")
# A filter chain that refuses connections to ClusterIPs kube-proxy has no rule for (yet).
UNROUTED_CHAIN=MODELDEPLOY-UNROUTED
REGISTRY_PORT=${MODELDEPLOY_REGISTRY_PORT:-5000}
REGISTRY=localhost:$REGISTRY_PORT
REGISTRY_DIR=$CACHE_ROOT/registry
# Tests schedule onto the real node with this label and toleration (spec.scheduling); nothing else lands there.
NODE_LABEL=testbed.modeldeploy.io/node=real
NODE_TAINT=testbed.modeldeploy.io/real-node=true:NoSchedule
SANDBOX_IMAGE=localhost/modeldeploy-testbed/pause:1

# Debian packages fetched into the cache, unpacked with dpkg-deb, never installed: containerd 2.x (Kubernetes
# 1.36's kubelet wants containerd 2; bookworm has 1.6) runs on bookworm's libc; sid's runc needs a newer glibc.
fetch_debian_packages() {
  have containerd && have containerd-shim-runc-v2 && have ctr && have runc && [ -x "$BIN/cni/bridge" ] && return
  local apt=$CACHE/apt-node
  log "fetching containerd ($CONTAINERD_DEBIAN_SUITE), runc and the CNI plugins ($NODE_DEBIAN_SUITE) from Debian"
  debian_apt "$apt" "$CONTAINERD_DEBIAN_SUITE" "$NODE_DEBIAN_SUITE"
  rm -rf "$apt/extract" && mkdir -p "$apt/extract"
  (cd "$apt" && apt-get "${DEBIAN_APT_OPTS[@]}" -qq download "containerd/$CONTAINERD_DEBIAN_SUITE" \
      "runc/$NODE_DEBIAN_SUITE" "containernetworking-plugins/$NODE_DEBIAN_SUITE")
  local deb
  for deb in "$apt"/*.deb; do dpkg-deb -x "$deb" "$apt/extract"; done
  install -m 0755 "$apt/extract/usr/bin/containerd" "$apt/extract/usr/bin/containerd-shim-runc-v2" \
    "$apt/extract/usr/bin/ctr" "$apt/extract/usr/sbin/runc" "$BIN/"
  mkdir -p "$BIN/cni"
  install -m 0755 "$apt/extract/usr/lib/cni/bridge" "$apt/extract/usr/lib/cni/host-local" \
    "$apt/extract/usr/lib/cni/loopback" "$BIN/cni/"
  rm -f "$apt"/*.deb
  local version
  version=$("$BIN/containerd" --version)
  [[ $version == *" v2."* || $version == *" 2."* ]] || die "expected containerd 2.x, got: $version"
}

# The sandbox image, from hack/pause, as a one-layer OCI archive that containerd imports (nothing to pull).
build_pause() {
  [ -f "$BIN/pause.oci.tar" ] && return
  go_env
  log "building the sandbox (pause) image from hack/pause"
  local tmp
  tmp=$(mktemp -d)
  (cd "$here/pause" && go build -trimpath -ldflags '-s -w' -o "$tmp/rootfs/pause" .)
  "$here/images" pack-rootfs "$tmp/rootfs" "$SANDBOX_IMAGE" "$BIN/pause.oci.tar" /pause
  rm -rf "$tmp"
}

# CNCF Distribution's registry, the reference OCI registry implementation, from the Go module proxy.
build_registry() {
  have registry && return
  go_env
  log "building the OCI registry (distribution $DISTRIBUTION_VERSION) from the Go module proxy"
  GOBIN=$BIN go install -trimpath "github.com/distribution/distribution/v3/cmd/registry@$DISTRIBUTION_VERSION"
}

node_build() {
  fetch_debian_packages
  build_pause
  build_registry
  for tool in iptables iptables-save ip mount; do
    command -v "$tool" >/dev/null || die "$tool is needed for the real node (Debian packages iptables, iproute2)"
  done
}

# This machine's address: the source address of its default route, else its first address.
node_ip() {
  local ip
  ip=$(ip -4 -o route get 192.0.2.250 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
  [ -n "$ip" ] || ip=$(hostname -I 2>/dev/null | awk '{print $1}')
  echo "$ip"
}
node_pid() { local f=$NODE_DIR/$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

# Starts a node process in the background unless it runs, logging to $NODE_DIR/<name>.log.
node_start() {
  local name=$1; shift
  node_pid "$name" >/dev/null && return
  nohup "$@" >"$NODE_DIR/$name.log" 2>&1 &
  echo $! >"$NODE_DIR/$name.pid"
}

wait_for() {
  local what=$1 tries=$2; shift 2
  for _ in $(seq 1 "$tries"); do "$@" >/dev/null 2>&1 && return; sleep 0.5; done
  die "$what did not come up; see the logs in $NODE_DIR"
}

# Writes standard input to the file unless it holds that already: kube-proxy exits when its configuration file
# changes under it, so an `up` next to a running node must leave the files alone.
write_if_changed() {
  local content
  content=$(cat)
  [ -f "$1" ] && [ "$(cat "$1")" = "$content" ] && return 0
  printf '%s\n' "$content" >"$1"
}

# The test cluster runs no DNS server; pods ask the machine's resolver (unless that listens on loopback, which a
# pod cannot reach), which also keeps the kubelet from warning about a missing cluster DNS on every pod.
cluster_dns() {
  local resolver
  resolver=$(awk '/^nameserver/ {print $2; exit}' /etc/resolv.conf 2>/dev/null)
  [ -n "$resolver" ] && [[ $resolver != 127.* && $resolver != *:* ]] || return 0
  printf 'clusterDNS: ["%s"]\nclusterDomain: cluster.local\n' "$resolver"
}

write_node_configs() {
  local pki=$1 ip=$2
  mkdir -p "$NODE_DIR/cni/net.d" "$NODE_DIR/certs.d/$REGISTRY" "$NODE_DIR/containerd" "$NODE_DIR/kubelet"
  write_if_changed "$NODE_DIR/containerd/config.toml" <<EOF
version = 3
root = "$NODE_DIR/containerd/root"
state = "$NODE_DIR/containerd/state"
[grpc]
  address = "$NODE_DIR/containerd.sock"
[plugins.'io.containerd.cri.v1.runtime']
  # Without CAP_SYS_RESOURCE, runc cannot lower /proc/self/oom_score_adj and every sandbox fails.
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["$BIN/cni"]
    conf_dir = "$NODE_DIR/cni/net.d"
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "$BIN/runc"
      SystemdCgroup = false
[plugins.'io.containerd.cri.v1.images']
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "$SANDBOX_IMAGE"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "$NODE_DIR/certs.d"
EOF
  write_if_changed "$NODE_DIR/certs.d/$REGISTRY/hosts.toml" <<EOF
server = "http://$REGISTRY"
[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve"]
EOF
  write_if_changed "$NODE_DIR/cni/net.d/10-modeldeploy.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "modeldeploy",
  "plugins": [
    {"type": "bridge", "bridge": "$NODE_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$NODE_POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": "$NODE_DIR/cni/ipam"}},
    {"type": "loopback"}
  ]
}
EOF
  write_if_changed "$NODE_DIR/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# The host is cgroup v1, which Kubernetes 1.35+ refuses unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$NODE_DIR/containerd.sock
address: $ip
port: 10250
readOnlyPort: 0
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
failSwapOn: false
# The test machine's disk is shared with builds; the kubelet must not evict pods for it.
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
registerWithTaints:
- {key: ${NODE_TAINT%%=*}, value: "true", effect: NoSchedule}
podLogsDir: /var/log/pods
resolvConf: /etc/resolv.conf
$(cluster_dns)
EOF
  write_if_changed "$NODE_DIR/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $KUBECONFIG_FILE}
mode: iptables
hostnameOverride: $NODE_NAME
clusterCIDR: $NODE_POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Leave the host's conntrack sysctls alone.
conntrack: {maxPerCore: 0}
EOF
}

node_up() {
  node_build
  mkdir -p "$NODE_DIR"
  local ip pki=$KWOK_WORKDIR/clusters/$CLUSTER_NAME/pki
  ip=$(node_ip)
  [ -n "$ip" ] || die "could not find this machine's IP address for the real node"
  write_node_configs "$pki" "$ip"

  mkdir -p "$REGISTRY_DIR"
  write_if_changed "$NODE_DIR/registry.yaml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $REGISTRY_DIR}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$REGISTRY_PORT}
EOF
  OTEL_TRACES_EXPORTER=none node_start registry "$BIN/registry" serve "$NODE_DIR/registry.yaml"

  PATH=$BIN:$PATH node_start containerd "$BIN/containerd" --config "$NODE_DIR/containerd/config.toml"
  wait_for containerd 60 "$BIN/ctr" --address "$NODE_DIR/containerd.sock" version
  if ! ctr_node -n k8s.io images ls -q | grep -qx "$SANDBOX_IMAGE"; then
    ctr_node -n k8s.io images import "$BIN/pause.oci.tar" >/dev/null
  fi
  wait_for registry 60 curl -fs "http://$REGISTRY/v2/"

  node_start kubelet "$BIN/kubelet" --config "$NODE_DIR/kubelet/config.yaml" --kubeconfig "$KUBECONFIG_FILE" \
    --hostname-override "$NODE_NAME" --node-ip "$ip" --node-labels "$NODE_LABEL" \
    --root-dir /var/lib/kubelet --cert-dir "$NODE_DIR/kubelet/pki"
  node_start kube-proxy "$BIN/kube-proxy" --config "$NODE_DIR/kube-proxy.yaml"
  refuse_unrouted_service_addresses
  wait_for "the real node $NODE_NAME" 120 kubectl_cluster get node "$NODE_NAME"
}

# A connection to a ClusterIP that kube-proxy has not programmed yet (a Service created a moment ago) would follow
# the default route off this machine, where whatever answers there (on the CI machines, a gateway that returns
# HTTP 404 to everything) looks like a bad answer from the model. Refuse it here instead, as kube-proxy refuses
# a Service without endpoints: locally sent and forwarded packets reach the filter table after kube-proxy's DNAT,
# so only addresses it did not rewrite still fall in the Service range.
refuse_unrouted_service_addresses() {
  [ -n "$SERVICE_CIDR" ] || die "no service-cluster-ip-range in $here/testbed-config.yaml"
  iptables -N "$UNROUTED_CHAIN" 2>/dev/null || iptables -F "$UNROUTED_CHAIN"
  iptables -A "$UNROUTED_CHAIN" -d "$SERVICE_CIDR" -p tcp -j REJECT --reject-with tcp-reset
  iptables -A "$UNROUTED_CHAIN" -d "$SERVICE_CIDR" -j REJECT
  local chain
  for chain in OUTPUT FORWARD; do
    iptables -C "$chain" -j "$UNROUTED_CHAIN" 2>/dev/null || iptables -A "$chain" -j "$UNROUTED_CHAIN"
  done
}

# This machine's address on the pods' bridge (the CNI bridge plugin gives the range's first address to the
# bridge, which is the pods' gateway): where a pod on the real node reaches a server this machine runs.
node_gateway() {
  local base=${NODE_POD_CIDR%/*}
  echo "${base%.*}.$((${base##*.} + 1))"
}

ctr_node() { "$BIN/ctr" --address "$NODE_DIR/containerd.sock" "$@"; }

node_stop() {
  local name=$1 pid
  pid=$(node_pid "$name") || { rm -f "$NODE_DIR/$name.pid"; return 0; }
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$NODE_DIR/$name.pid"
}

# Stops the node and removes what it left on the host: containers, mounts, network namespaces, the bridge,
# iptables chains and cgroups. Safe to run when nothing runs.
node_down() {
  [ -d "$NODE_DIR" ] || return 0
  node_stop kube-proxy
  node_stop kubelet
  if node_pid containerd >/dev/null; then
    local task
    for task in $(ctr_node -n k8s.io tasks ls -q 2>/dev/null); do
      ctr_node -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    done
    sleep 1
    for task in $(ctr_node -n k8s.io tasks ls -q 2>/dev/null); do
      ctr_node -n k8s.io tasks delete -f "$task" >/dev/null 2>&1 || true
    done
    for task in $(ctr_node -n k8s.io containers ls -q 2>/dev/null); do
      ctr_node -n k8s.io containers delete "$task" >/dev/null 2>&1 || true
    done
  fi
  node_stop containerd
  pkill -9 -f "containerd-shim-runc-v2 .*-address $NODE_DIR/containerd.sock" 2>/dev/null || true
  node_stop registry
  # Mounts: the kubelet's pod volumes, containerd's rootfs and shm mounts, the CNI network namespaces.
  local m
  for m in $(awk '{print $5}' /proc/self/mountinfo | grep -E "^(/var/lib/kubelet|$NODE_DIR|/run/containerd|/run/netns/cni-)" | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  ip -o netns list 2>/dev/null | awk '/^cni-/ {print $1}' | while read -r ns; do ip netns delete "$ns" 2>/dev/null || true; done
  ip link show "$NODE_BRIDGE" >/dev/null 2>&1 && ip link delete "$NODE_BRIDGE"
  # kube-proxy knows its own chains; the bridge plugin's masquerade chains are CNI-*; ours is $UNROUTED_CHAIN.
  [ -x "$BIN/kube-proxy" ] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  remove_iptables_chains "CNI-|KUBE-|$UNROUTED_CHAIN"
  # cgroups the kubelet made (kubepods) in every v1 hierarchy, deepest first.
  find /sys/fs/cgroup -mindepth 2 -type d -path '*/kubepods*' 2>/dev/null | sort -r | xargs -r rmdir 2>/dev/null || true
  rm -rf /var/lib/kubelet /var/log/pods /var/log/containers /run/containerd /var/lib/cni "$NODE_DIR/cni/ipam" \
    "$NODE_DIR/containerd/state"
}

# Removes every chain named like the pattern, and every rule in it or jumping to it, from the nat, filter and
# mangle tables of iptables and ip6tables. The other rules are restored as they were.
remove_iptables_chains() {
  local pattern=$1 save table
  for save in iptables-save ip6tables-save; do
    command -v "$save" >/dev/null || continue
    for table in nat filter mangle; do
      "$save" -t "$table" 2>/dev/null | grep -Eq -- "$pattern" || continue
      "$save" -t "$table" | grep -Ev -- "^:($pattern)|^-A ($pattern)|-j ($pattern)" | "${save%-save}-restore" -T "$table"
    done
  done
}

node_status() {
  local name
  for name in containerd registry kubelet kube-proxy; do
    if node_pid "$name" >/dev/null; then echo "$name: running"; else echo "$name: stopped"; fi
  done
}
