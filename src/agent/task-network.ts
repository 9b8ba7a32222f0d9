/**
 * awsvpc as Berth serves it: a Docker network of the task's own, reported as ECS's
 * ElasticNetworkInterface attachment. Ids are derived from the task ARN, so a restarted agent
 * reports the same attachment. Pure.
 */
import { createHash } from 'node:crypto';
import type { Attachment } from '@aws-sdk/client-ecs';

const digest = (taskArn: string): string => createHash('sha256').update(taskArn).digest('hex');

/** Docker's classic MAC for an IPv4 address: 02:42 then the address's four bytes. */
export function macForIp(ip: string): string {
  const bytes = ip.split('.').map((n) => Number(n).toString(16).padStart(2, '0'));
  return ['02', '42', ...bytes].join(':');
}

export type AttachmentStatus = 'PRECREATED' | 'ATTACHED' | 'DELETED';

export function computeEniAttachment(taskArn: string, ip: string | undefined, status: AttachmentStatus): Attachment {
  const h = digest(taskArn);
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const details = [
    { name: 'subnetId', value: 'subnet-berth' },
    { name: 'networkInterfaceId', value: `eni-${h.slice(32, 49)}` },
    ...(ip ? [{ name: 'macAddress', value: macForIp(ip) }, { name: 'privateIPv4Address', value: ip }] : []),
  ];
  return { id, type: 'ElasticNetworkInterface', status, details };
}
