import type { Attribute, Resource, VersionInfo } from '@aws-sdk/client-ecs';
import { fromDoc, toDoc } from './json-doc.js';
import { queryTemplate } from './query-template.js';
import type { ContainerInstancesTable } from './schema.js';
import type { Db } from './sqlite.js';

export type ContainerInstanceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

/** A registered container instance; what its tasks reserve is derived from the tasks, not kept here. */
export interface ContainerInstanceRecord {
  region: string;
  cluster: string;
  id: string;
  ec2InstanceId: string;
  status: ContainerInstanceStatus;
  /** Berth-managed (Fargate) capacity: placed on, never listed. */
  managed: boolean;
  registeredAt: number;
  /** When its agent was last heard from; `agentConnected` is derived from this. */
  lastSeenAt: number;
  version: number;
  body: {
    registeredResources: Resource[];
    versionInfo: VersionInfo;
    /** The attributes the agent registered (custom ones live in the attributes table). */
    attributes: Attribute[];
    /** Where the agent publishes host ports, e.g. 127.0.0.1. */
    hostIp?: string;
    statusReason?: string;
  };
}

const countLive = queryTemplate((db: Db, region: string, cluster: string) =>
  db.selectFrom('container_instances').select((eb) => eb.fn.countAll().as('n'))
    .where('region', '=', region).where('cluster', '=', cluster).where('managed', '=', 0).where('status', 'in', ['ACTIVE', 'DRAINING']));

export class ContainerInstanceStore {
  constructor(private readonly db: Db) {}

  async get(region: string, cluster: string, id: string): Promise<ContainerInstanceRecord | undefined> {
    const row = await this.db.selectFrom('container_instances').selectAll()
      .where('region', '=', region).where('cluster', '=', cluster).where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** The live (not INACTIVE) instance an agent on the same host registered before, for re-registration. */
  async findLiveByEc2InstanceId(region: string, cluster: string, ec2InstanceId: string): Promise<ContainerInstanceRecord | undefined> {
    const row = await this.db.selectFrom('container_instances').selectAll()
      .where('region', '=', region).where('cluster', '=', cluster).where('ec2_instance_id', '=', ec2InstanceId)
      .where('status', '!=', 'INACTIVE')
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** The live instance with this EC2 instance id in any region and cluster (load balancers' `instance` targets name them so). */
  async findLiveByEc2InstanceIdAnywhere(ec2InstanceId: string): Promise<ContainerInstanceRecord | undefined> {
    const row = await this.db.selectFrom('container_instances').selectAll()
      .where('ec2_instance_id', '=', ec2InstanceId).where('status', '!=', 'INACTIVE')
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async list(region: string, cluster: string, q: { managed?: boolean; statuses?: readonly ContainerInstanceStatus[]; afterId?: string | undefined; limit?: number }): Promise<ContainerInstanceRecord[]> {
    let query = this.db.selectFrom('container_instances').selectAll().where('region', '=', region).where('cluster', '=', cluster);
    if (q.managed !== undefined) query = query.where('managed', '=', q.managed ? 1 : 0);
    if (q.statuses) query = query.where('status', 'in', q.statuses);
    if (q.afterId !== undefined) query = query.where('id', '>', q.afterId);
    query = query.orderBy('id');
    if (q.limit !== undefined) query = query.limit(q.limit);
    return (await query.execute()).map(toRecord);
  }

  /** Live (ACTIVE or DRAINING) instances users registered in a cluster; managed capacity is not theirs. */
  async countLive(region: string, cluster: string): Promise<number> {
    const row = await countLive(this.db, region, cluster);
    return Number(row[0]?.n ?? 0);
  }

  async put(record: ContainerInstanceRecord): Promise<void> {
    const row: ContainerInstancesTable = {
      region: record.region,
      cluster: record.cluster,
      id: record.id,
      ec2_instance_id: record.ec2InstanceId,
      status: record.status,
      managed: record.managed ? 1 : 0,
      registered_at: record.registeredAt,
      last_seen_at: record.lastSeenAt,
      version: record.version,
      doc: toDoc(record.body),
    };
    const { region: _r, cluster: _c, id: _i, ...changes } = row;
    await this.db.insertInto('container_instances').values(row)
      .onConflict((c) => c.columns(['region', 'cluster', 'id']).doUpdateSet(changes))
      .execute();
  }

  async touch(region: string, cluster: string, id: string, at: number): Promise<void> {
    await this.db.updateTable('container_instances').set({ last_seen_at: at })
      .where('region', '=', region).where('cluster', '=', cluster).where('id', '=', id)
      .execute();
  }
}

function toRecord(row: ContainerInstancesTable): ContainerInstanceRecord {
  return {
    region: row.region,
    cluster: row.cluster,
    id: row.id,
    ec2InstanceId: row.ec2_instance_id,
    status: row.status as ContainerInstanceStatus,
    managed: Number(row.managed) === 1,
    registeredAt: Number(row.registered_at),
    lastSeenAt: Number(row.last_seen_at),
    version: Number(row.version),
    body: fromDoc<ContainerInstanceRecord['body']>(row.doc),
  };
}
