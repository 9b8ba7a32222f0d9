import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { BerthProcess } from './berth-process.js';

/** An ELBv2 client (awsQuery) on a running Berth. */
export function elbv2Client(berth: BerthProcess, region = 'us-east-1'): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({
    endpoint: berth.url, region, maxAttempts: 1, credentials: { accessKeyId: berth.accessKeyId, secretAccessKey: berth.secretAccessKey },
  });
}
