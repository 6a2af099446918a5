import { IotNetwork, MultusPodAnnotation } from '../../src';
import { testChart } from '../helpers';
import { capabilityArgs, cniArgs, interfaceName, selectionElements } from './multus';

/**
 * The lab's one piece of Multus (annotation element to libcni arguments), pinned to what
 * multus-cni pkg/types/conf.go does. Runs everywhere: no root, no plugins.
 */

describe('capabilityArgs', () => {
  test('maps each element field to the capability key Multus uses, only when it is set', () => {
    // GIVEN an element with every field Multus hands on as a capability
    const element = {
      name: 'iot',
      ips: ['192.0.2.10/24'],
      mac: '02:00:5e:00:53:0b',
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      bandwidth: { ingressRate: 1000 },
      'infiniband-guid': 'c2:11:22:33:44:55:66:77',
      deviceID: '0000:01:00.1',
    };

    // WHEN / THEN
    expect(capabilityArgs(element)).toEqual({
      ips: ['192.0.2.10/24'],
      mac: '02:00:5e:00:53:0b',
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      bandwidth: { ingressRate: 1000 },
      infinibandGUID: 'c2:11:22:33:44:55:66:77',
      deviceID: '0000:01:00.1',
    });
  });

  test('an element with nothing to hand on gives no capability arguments (empty lists and strings count as unset)', () => {
    expect(capabilityArgs({ name: 'iot' })).toEqual({});
    expect(capabilityArgs({ name: 'iot', ips: [], mac: '', portMappings: [] })).toEqual({});
  });
});

test('cniArgs: the CNI_ARGS Multus passes, in its order', () => {
  expect(cniArgs({ name: 'home-assistant-0', namespace: 'home', sandboxId: 'abc', uid: 'u-1' })).toEqual([
    ['IgnoreUnknown', 'true'],
    ['K8S_POD_NAMESPACE', 'home'],
    ['K8S_POD_NAME', 'home-assistant-0'],
    ['K8S_POD_INFRA_CONTAINER_ID', 'abc'],
    ['K8S_POD_UID', 'u-1'],
  ]);
});

test('interfaceName: net<N> counting from 1, unless the element names one', () => {
  expect(interfaceName({}, 0)).toBe('net1');
  expect(interfaceName({}, 1)).toBe('net2');
  expect(interfaceName({ interface: 'iot0' }, 0)).toBe('iot0');
});

test('the annotation the library writes becomes the capability arguments the NAD declares', () => {
  // GIVEN a pod annotation for an IotNetwork with a pinned MAC and address
  const chart = testChart('kube-system');
  const iot = new IotNetwork(chart, 'iot', { subnet: '192.0.2.0/24', master: 'eth0', macCapability: true });
  const annotation = new MultusPodAnnotation(chart, 'ha', { networks: [{ network: iot, ips: ['192.0.2.10'], mac: '02:00:5e:00:53:0b' }] });

  // WHEN Multus reads it
  const [element] = selectionElements(annotation.toAnnotations()[MultusPodAnnotation.ANNOTATION_KEY]);

  // THEN libcni gets exactly ips (with the subnet's prefix) and mac, on net1
  expect(capabilityArgs(element)).toEqual({ ips: ['192.0.2.10/24'], mac: '02:00:5e:00:53:0b' });
  expect(interfaceName(element, 0)).toBe('net1');
});
