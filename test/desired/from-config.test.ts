/** ContivConf's derived values (ipam-and-nodes §8.4) as the node builder's input. */
import test from 'ava';
import type { Config, NodeConfig } from '../../src/config/types.js';
import { NodeAddressing as IpamAddressing } from '../../src/ipam/addressing.js';
import { localNodeInput, type NodeFacts, usesDHCP } from '../../src/desired/index.js';
import { deploymentConfig, node1 } from './scenario.js';

const facts: NodeFacts = { firstDpdkNic: 'GigabitEthernet0/8/0', hostIPs: ['10.20.0.11'] };
function withNode(entry: Partial<NodeConfig>, over: Partial<Config> = {}): Config {
  const node: NodeConfig = {
    nodeName: 'node1', mainVPPInterface: undefined, otherVPPInterfaces: [], stealInterface: '', gateway: undefined,
    natExternalTraffic: undefined, ...entry,
  };
  return deploymentConfig({ nodeConfig: [node], thisNodeConfig: node, ...over });
}

test('without a node entry the first DPDK NIC carries IPAM\'s node IP', (t) => {
  const config = deploymentConfig();
  const input = localNodeInput(config, new IpamAddressing(config.ipamConfig, 1), facts);
  t.like(input, { nicName: 'GigabitEthernet0/8/0', useDHCP: false, nicIPs: [], defaultGateway: undefined, hostIPs: ['10.20.0.11'] });
  t.deepEqual(input.addressing, node1);
});

test('a configured main interface with an IP overrides the NIC, the node IP and DHCP', (t) => {
  const config = withNode({
    mainVPPInterface: { interfaceName: 'GigabitEthernet0/9/0', ip: '192.168.16.77/24', useDHCP: false }, gateway: '192.168.16.254',
  }, { ipamConfig: { ...deploymentConfig().ipamConfig, nodeInterconnectDHCP: true } });
  t.false(usesDHCP(config));
  const input = localNodeInput(config, new IpamAddressing(config.ipamConfig, 1), facts);
  t.like(input, { nicName: 'GigabitEthernet0/9/0', useDHCP: false, nicIPs: ['192.168.16.77/24'], defaultGateway: '192.168.16.254' });
  t.is(input.addressing.nodeIP, '192.168.16.77/24');
});

test('in DHCP mode the node IP is the lease, or unknown before one', (t) => {
  const config = withNode({ mainVPPInterface: { interfaceName: 'GigabitEthernet0/8/0', ip: undefined, useDHCP: true } });
  const ipam = new IpamAddressing(config.ipamConfig, 1);
  t.true(usesDHCP(config));
  t.is(localNodeInput(config, ipam, facts).addressing.nodeIP, undefined);
  const leased = localNodeInput(config, ipam, { ...facts, dhcpLease: '10.10.10.100/24' });
  t.like(leased, { useDHCP: true, nicIPs: [], defaultGateway: undefined });
  t.is(leased.addressing.nodeIP, '10.10.10.100/24');
});

test('in STN mode the STN daemon provides the NIC IPs, gateway and routes', (t) => {
  const config = withNode({ stealInterface: 'eth1' });
  const stn = { ips: ['192.168.16.10/24'], gateway: '192.168.16.1', routes: [{ destination: '', nextHop: '192.168.16.1' }] };
  const input = localNodeInput(config, new IpamAddressing(config.ipamConfig, 1), { ...facts, stn });
  t.like(input, { nicIPs: ['192.168.16.10/24'], defaultGateway: '192.168.16.1', stnRoutes: stn.routes });
  t.is(input.addressing.nodeIP, '192.168.16.10/24');
});
