# The Home Assistant setup of the README, in Python: the twin of main.ts, line for line.
# test/python/python.test.ts synthesizes both and holds their output byte-identical.
from cdk8s import App, Chart, Size
from cdk8s_multus import (
    AppTemplateImage, AppTemplatePersistence, AppTemplatePort, AppTemplateRelease, AppTemplateSecurityContext,
    CniPaths, ContainerResources, DhcpRange, IotNetwork, MultusChart, MultusInstall, NetworkSelection,
)

app = App()
system = Chart(app, "multus", namespace="kube-system")

# Multus through Flux, on nodes whose containerd reads /etc/cni/net.d and /opt/cni/bin.
MultusInstall(system, "multus",
    cni_paths=CniPaths.STANDARD,
    chart=MultusChart.angelnu(),
    resources=ContainerResources(memory_limit=Size.mebibytes(512)),
)

# The IoT LAN; the router leases .150 to .249, so no pod may claim an address there.
iot = IotNetwork(system, "iot",
    subnet="192.168.20.0/24",
    master="eth0",
    gateway="192.168.20.1",
    dhcp_range=DhcpRange(start="192.168.20.150", end="192.168.20.249"),
    mac_capability=True,
)

home = Chart(app, "home-automation", namespace="home-automation")

# Home Assistant at .100, with its Zigbee stick: one pod, replaced with Recreate.
AppTemplateRelease(home, "home-assistant",
    image=AppTemplateImage(repository="ghcr.io/home-operations/home-assistant", tag="2025.11.3"),
    ports=[AppTemplatePort(name="http", port=8123)],
    env={"TZ": "Europe/Berlin"},
    persistence={
        "config": AppTemplatePersistence.persistent_volume_claim(size=Size.gibibytes(5)),
        "zigbee": AppTemplatePersistence.device("/dev/serial/by-id/usb-ITead_Sonoff_Zigbee_3.0_USB_Dongle_Plus-if00-port0"),
    },
    security_context=AppTemplateSecurityContext(privileged=True),
    node_selector={"kubernetes.io/hostname": "node-1"},
    networks=[NetworkSelection(network=iot, ips=["192.168.20.100"], mac="02:42:c0:a8:14:64")],
)

# ESPHome at .101, next to the devices it flashes and pings.
AppTemplateRelease(home, "esphome",
    image=AppTemplateImage(repository="ghcr.io/esphome/esphome", tag="2025.11.2"),
    ports=[AppTemplatePort(name="http", port=6052)],
    env={"ESPHOME_DASHBOARD_USE_PING": "true"},
    persistence={"config": AppTemplatePersistence.persistent_volume_claim(size=Size.gibibytes(2))},
    networks=[NetworkSelection(network=iot, ips=["192.168.20.101"])],
)

app.synth()
