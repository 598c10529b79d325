import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileConfig, formatProblem, parseConfigText, type Config, type ConfigEnv } from '../../src/config/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const env = { hostname: 'node-a' };

/** Compiles and insists on a config with no problems at all. */
function clean(raw: unknown, e: ConfigEnv = env): Config {
  const { config, problems } = compileConfig(raw, e);
  if (config === undefined || problems.length > 0) throw new Error(problems.map(formatProblem).join('\n'));
  return config;
}

test('config/defaults.yaml loads to exactly the built-in defaults with no problems', async (t) => {
  const text = await readFile(`${root}config/defaults.yaml`, 'utf8');
  const fromFile = parseConfigText(text, env, 'config/defaults.yaml');
  t.deepEqual(fromFile.problems.map(formatProblem), []);
  t.deepEqual(fromFile.config, clean({}));
});

test('the built-in defaults carry contiv code defaults and ipnet defaults', (t) => {
  const c = clean(undefined);
  t.like(c, {
    nodeName: 'node-a', useTAPInterfaces: true, interfaceMode: 'tap', tapInterfaceVersion: 2,
    tcpChecksumOffloadDisabled: true, mtuSize: 0, mainVRFID: 0, podVRFID: 1, scanIPNeighbors: true,
    ipNeighborScanInterval: 1, ipNeighborStaleThreshold: 4, natExternalTraffic: true, interfaceRxMode: 'default',
  });
  t.deepEqual(c.ipamConfig, {
    useExternalIPAM: false, contivCIDR: undefined, serviceCIDR: '10.96.0.0/12', nodeInterconnectDHCP: false,
    podSubnetCIDR: '10.1.0.0/16', podSubnetOneNodePrefixLen: 24, vppHostSubnetCIDR: '172.30.0.0/16',
    vppHostSubnetOneNodePrefixLen: 24, nodeInterconnectCIDR: undefined, vxlanCIDR: '192.168.30.0/24', defaultGateway: undefined,
  });
  t.deepEqual(c.store, { type: 'embedded', endpoints: ['http://127.0.0.1:2379'], path: '/var/lib/ipnet/store.json' });
  t.deepEqual(c.vppBridge, { endpoint: 'embedded', requestTimeoutMs: 5000 });
  t.deepEqual(c.http, { address: '127.0.0.1', port: 9999 });
  t.deepEqual(c.cni, { socket: '/var/run/ipnet/cni.sock' });
  t.deepEqual(c.controller, {
    startupResyncDeadlineMs: 30_000, delayAfterErrorHealingMs: 5_000, enablePeriodicHealing: false,
    periodicHealingIntervalMs: 30_000, eventHistoryLimit: 1000,
  });
});

test('config/contiv-example.yaml validates cleanly and carries the deployment values', async (t) => {
  const text = await readFile(`${root}config/contiv-example.yaml`, 'utf8');
  const { config, problems } = parseConfigText(text, { NODE_NAME: 'k8s-worker1', hostname: 'h' });
  t.deepEqual(problems.map(formatProblem), []);
  t.like(config, {
    nodeName: 'k8s-worker1', tapv2RxRingSize: 256, tapv2TxRingSize: 256, mtuSize: 1450, stnVersion: 2,
    ipamConfig: { nodeInterconnectCIDR: '192.168.16.0/24', podSubnetCIDR: '10.1.0.0/16', vxlanCIDR: '192.168.30.0/24' },
    store: { type: 'etcd' }, http: { address: '0.0.0.0', port: 9999 },
    controller: { periodicHealingIntervalMs: 30_000 },
  });
});

test('keys match case-insensitively, as contiv decodes them', (t) => {
  const c = clean({ STNVersion: 2, USETAPINTERFACES: false, IpamConfig: { PODSUBNETCIDR: '10.7.0.0/16' }, HTTP: { Port: 8080 } });
  t.is(c.stnVersion, 2);
  t.is(c.useTAPInterfaces, false);
  t.is(c.interfaceMode, 'veth');
  t.is(c.ipamConfig.podSubnetCIDR, '10.7.0.0/16');
  t.is(c.http.port, 8080);
});

const overrides: ReadonlyArray<readonly [keyof Config, unknown]> = [
  ['useTAPInterfaces', false], ['tcpChecksumOffloadDisabled', false], ['scanIPNeighbors', false], ['natExternalTraffic', false],
];
for (const [key, value] of overrides) {
  test(`an explicit false overrides the true default of ${key}`, (t) => {
    t.is(clean({ [key]: value })[key], false);
  });
}

test('an explicit null keeps the default, as an omitted key does', (t) => {
  t.is(clean({ useTAPInterfaces: null, mtuSize: null }).useTAPInterfaces, true);
});

test('an empty string leaves optional subnets and the gateway unset, as templated deployments write them', (t) => {
  const { ipamConfig } = clean({ ipamConfig: { contivCIDR: '', nodeInterconnectCIDR: '', defaultGateway: '' } });
  t.like(ipamConfig, { contivCIDR: undefined, nodeInterconnectCIDR: undefined, defaultGateway: undefined, podSubnetCIDR: '10.1.0.0/16' });
  t.is(compileConfig({ ipamConfig: { podSubnetCIDR: '' } }, env).problems[0]?.key, 'ipamConfig.podSubnetCIDR');
});

test('ContivCIDR 10.128.0.0/14 is dissected into the spec example subnets', (t) => {
  const { ipamConfig } = clean({ ipamConfig: { contivCIDR: '10.128.0.0/14' } });
  t.deepEqual(ipamConfig, {
    useExternalIPAM: false, contivCIDR: '10.128.0.0/14', serviceCIDR: '10.96.0.0/12', nodeInterconnectDHCP: false,
    podSubnetCIDR: '10.128.0.0/16', podSubnetOneNodePrefixLen: 25, vppHostSubnetCIDR: '10.129.0.0/16',
    vppHostSubnetOneNodePrefixLen: 25, nodeInterconnectCIDR: '10.130.0.0/23', vxlanCIDR: '10.130.2.0/23', defaultGateway: undefined,
  });
});

test('ContivCIDR with DHCP leaves the node interconnect unset, a configured one wins', (t) => {
  t.is(clean({ ipamConfig: { contivCIDR: '10.128.0.0/14', nodeInterconnectDHCP: true } }).ipamConfig.nodeInterconnectCIDR, undefined);
  t.is(clean({ ipamConfig: { contivCIDR: '10.128.0.0/14', nodeInterconnectCIDR: '192.168.16.0/24' } }).ipamConfig.nodeInterconnectCIDR, '192.168.16.0/24');
});

test('ContivCIDR with host bits set is normalised before dissection', (t) => {
  const { config, problems } = compileConfig({ ipamConfig: { contivCIDR: '10.129.5.5/14' } }, env);
  t.is(config?.ipamConfig.podSubnetCIDR, '10.128.0.0/16');
  t.is(config?.ipamConfig.contivCIDR, '10.128.0.0/14');
  t.deepEqual(problems.map(formatProblem), ['warning: ipamConfig.contivCIDR = "10.129.5.5/14": host bits set; normalised to 10.128.0.0/14']);
});

test('the compiled config is deep-frozen: assignments throw in strict mode', (t) => {
  const c = clean({ nodeConfig: [{ nodeName: 'node-a', mainVPPInterface: { interfaceName: 'GbE0', ip: '192.168.16.10/24' } }] });
  const loose = c as unknown as Record<string, unknown> & { ipamConfig: Record<string, unknown>; store: { endpoints: string[] } };
  t.throws(() => { loose.nodeName = 'x'; }, { instanceOf: TypeError });
  t.throws(() => { loose.ipamConfig.podSubnetCIDR = '10.9.0.0/16'; }, { instanceOf: TypeError });
  t.throws(() => { loose.store.endpoints.push('http://x:1'); }, { instanceOf: TypeError });
  t.true(Object.isFrozen(c.thisNodeConfig?.mainVPPInterface));
  t.is(c.nodeName, 'node-a');
});

test('the node name comes from the file, else NODE_NAME, else the hostname', (t) => {
  t.is(clean({ nodeName: 'from-file' }, { NODE_NAME: 'from-env', hostname: 'h' }).nodeName, 'from-file');
  t.is(clean({}, { NODE_NAME: 'from-env', hostname: 'h' }).nodeName, 'from-env');
  t.is(clean({}, { NODE_NAME: '', hostname: 'h' }).nodeName, 'h');
});

test('this node\'s nodeConfig entry is picked out and interface addresses keep their host part', (t) => {
  const c = clean({ nodeConfig: [
    { nodeName: 'node-b', gateway: '10.0.0.1' },
    { nodeName: 'node-a', mainVPPInterface: { interfaceName: 'GbE0', ip: '192.168.16.10/24' }, gateway: '192.168.16.1',
      otherVPPInterfaces: [{ interfaceName: 'GbE1', useDHCP: true }], natExternalTraffic: false },
  ] });
  t.deepEqual(c.thisNodeConfig, {
    nodeName: 'node-a', mainVPPInterface: { interfaceName: 'GbE0', ip: '192.168.16.10/24', useDHCP: false },
    otherVPPInterfaces: [{ interfaceName: 'GbE1', ip: undefined, useDHCP: true }], stealInterface: '',
    gateway: '192.168.16.1', natExternalTraffic: false,
  });
  t.is(c.nodeConfig.length, 2);
});

const transports: ReadonlyArray<readonly [unknown, boolean]> = [[{}, false], [{ useNoOverlay: true }, true], [{ nodeToNodeTransport: 'nooverlay' }, true], [{ nodeToNodeTransport: 'VXLAN' }, false]];
for (const [raw, noOverlay] of transports) {
  test(`interconnect ${JSON.stringify(raw)} compiles to useNoOverlay ${String(noOverlay)}`, (t) => {
    t.is(clean(raw).useNoOverlay, noOverlay);
  });
}

test('rx modes are read case-insensitively and empty means default', (t) => {
  t.is(clean({ interfaceRxMode: 'Polling' }).interfaceRxMode, 'polling');
  t.is(clean({ interfaceRxMode: '' }).interfaceRxMode, 'default');
});

test('an unknown top-level key is a warning naming the closest known key', (t) => {
  const { config, problems } = compileConfig({ stnVersoin: 2, useTapInterface: true }, env);
  t.truthy(config);
  t.deepEqual(problems.map(formatProblem), [
    'warning: stnVersoin = 2: unknown key, ignored (closest known key: "stnVersion")',
    'warning: useTapInterface = true: unknown key, ignored (closest known key: "useTAPInterfaces")',
  ]);
});

test('YAML 1.1 booleans and a parse error with its line and column become problems', (t) => {
  t.is(parseConfigText('useTAPInterfaces: no\n', env).config?.useTAPInterfaces, false);
  const { config, problems } = parseConfigText('mtuSize: 1450\nipamConfig:\n  podSubnetCIDR: "10.1.0.0/16\n', env, 'x.yaml');
  t.is(config, undefined);
  t.is(problems[0]?.key, 'x.yaml');
  t.regex(problems[0]?.reason ?? '', /^line \d+, column \d+: /);
});

test('the same key written twice in YAML is a parse error', (t) => {
  const { config, problems } = parseConfigText('mtuSize: 1450\nmtuSize: 1500\n', env);
  t.is(config, undefined);
  t.regex(formatProblem(problems[0]!), /^error: <file>: line 2, column 1: .*unique/);
});

test('an empty file compiles to the defaults', (t) => {
  t.deepEqual(parseConfigText('', env), { config: clean({}), problems: [] });
});
