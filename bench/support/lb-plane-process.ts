/**
 * The load balancer data plane in a process of its own, as `berth up` runs it beside nothing but
 * the control plane: applies the DataPlaneConfig in the JSON file named by argv[2], prints
 * `LB_PORTS {listenerArn: port}` once bound, and serves until SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { LoadBalancerDataPlane } from '../../src/lb/data-plane.js';
import type { DataPlaneConfig } from '../../src/lb/lb-config.js';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as DataPlaneConfig;
const plane = new LoadBalancerDataPlane();
const { errors } = await plane.apply(config);
if (errors.length > 0) {
  process.stderr.write(`${JSON.stringify(errors)}\n`);
  process.exit(1);
}
const ports = Object.fromEntries(config.loadBalancers.flatMap((lb) => lb.listeners).map((l) => [l.arn, plane.listenerPort(l.arn)]));
process.stdout.write(`LB_PORTS ${JSON.stringify(ports)}\n`);
process.once('SIGTERM', () => { void plane.close().finally(() => process.exit(0)); });
