/**
 * The tables, as Kysely sees them. Each resource keeps its queryable keys as columns and the rest
 * of its AWS shape as a JSON document (`doc`), so new AWS fields need no migration.
 * Timestamps are epoch milliseconds. Every row is scoped by region, as resources are on AWS.
 */
import type { Generated } from 'kysely';

export interface Database {
  clusters: ClustersTable;
  task_definitions: TaskDefinitionsTable;
  task_definition_families: TaskDefinitionFamiliesTable;
  tags: TagsTable;
  account_settings: AccountSettingsTable;
  attributes: AttributesTable;
  container_instances: ContainerInstancesTable;
  tasks: TasksTable;
  services: ServicesTable;
  service_task_stops: ServiceTaskStopsTable;
  service_deployments: ServiceDeploymentsTable;
  service_revisions: ServiceRevisionsTable;
  ecr_repositories: EcrRepositoriesTable;
  ecr_images: EcrImagesTable;
  ecr_image_tags: EcrImageTagsTable;
  registry_blobs: RegistryBlobsTable;
  registry_blob_links: RegistryBlobLinksTable;
  registry_uploads: RegistryUploadsTable;
  elbv2_load_balancers: Elbv2LoadBalancersTable;
  elbv2_target_groups: Elbv2TargetGroupsTable;
  elbv2_listeners: Elbv2ListenersTable;
  elbv2_rules: Elbv2RulesTable;
  elbv2_targets: Elbv2TargetsTable;
  elbv2_target_group_links: Elbv2TargetGroupLinksTable;
}

export interface ClustersTable {
  region: string;
  name: string;
  status: string;
  doc: string;
  created_at: number;
}

export interface TaskDefinitionsTable {
  region: string;
  family: string;
  revision: number;
  status: string;
  doc: string;
  registered_at: number;
  deregistered_at: number | null;
  delete_requested_at: number | null;
}

/** The last revision handed out per family: revisions are never reused, even after deletion. */
export interface TaskDefinitionFamiliesTable {
  region: string;
  family: string;
  last_revision: number;
}

export interface TagsTable {
  resource_arn: string;
  key: string;
  value: string;
}

export interface AccountSettingsTable {
  region: string;
  principal_arn: string;
  name: string;
  value: string;
}

export interface AttributesTable {
  region: string;
  cluster: string;
  target_type: string;
  target_id: string;
  name: string;
  value: string | null;
}

export interface ContainerInstancesTable {
  region: string;
  cluster: string;
  id: string;
  ec2_instance_id: string;
  status: string;
  /** 1 for Berth-managed (Fargate) capacity, which users never see listed. */
  managed: number;
  registered_at: number;
  last_seen_at: number;
  version: number;
  doc: string;
}

export interface TasksTable {
  region: string;
  cluster: string;
  id: string;
  /** The instance the task was placed on (managed capacity included); '' before placement. */
  container_instance_id: string;
  last_status: string;
  desired_status: string;
  launch_type: string;
  task_group: string;
  started_by: string;
  family: string;
  created_at: number;
  stopped_at: number | null;
  version: number;
  doc: string;
}

export interface ServicesTable {
  region: string;
  cluster: string;
  name: string;
  /** ACTIVE, DRAINING (deleted, tasks stopping) or INACTIVE. */
  status: string;
  launch_type: string;
  scheduling_strategy: string;
  created_at: number;
  updated_at: number;
  /** Bumped on every write; writers compare it to detect a concurrent change. */
  version: number;
  doc: string;
}

/** An outbox: one row per service task that stopped, consumed once by the service controller. */
export interface ServiceTaskStopsTable {
  seq: Generated<number>;
  region: string;
  cluster: string;
  service: string;
  task_id: string;
}

export interface ServiceDeploymentsTable {
  region: string;
  cluster: string;
  service: string;
  id: string;
  status: string;
  created_at: number;
  doc: string;
}

export interface ServiceRevisionsTable {
  region: string;
  cluster: string;
  service: string;
  id: string;
  doc: string;
}

export interface EcrRepositoriesTable {
  region: string;
  name: string;
  created_at: number;
  doc: string;
}

/** One row per manifest digest in a repository; `manifest` is the bytes the client sent (UTF-8 JSON). */
export interface EcrImagesTable {
  region: string;
  repository: string;
  digest: string;
  media_type: string;
  size: number;
  pushed_at: number;
  last_pulled_at: number | null;
  manifest: string;
  doc: string;
}

export interface EcrImageTagsTable {
  region: string;
  repository: string;
  tag: string;
  digest: string;
}

/** A blob on disk, shared by every repository that links it (content-addressed, so stored once). */
export interface RegistryBlobsTable {
  digest: string;
  size: number;
  created_at: number;
}

/** Which blobs a repository may serve: pushed or mounted into it. */
export interface RegistryBlobLinksTable {
  region: string;
  repository: string;
  digest: string;
  /** Last push, mount or HEAD of it here: garbage collection spares links younger than its grace. */
  linked_at: number;
}

export interface RegistryUploadsTable {
  id: string;
  region: string;
  repository: string;
  /** Bytes received so far (the upload file's committed length). */
  size: number;
  created_at: number;
  /** Last bytes received (or the start): sessions idle too long are swept. */
  updated_at: number;
}

export interface Elbv2LoadBalancersTable {
  arn: string;
  region: string;
  name: string;
  type: string;
  created_at: number;
  doc: string;
}

export interface Elbv2TargetGroupsTable {
  arn: string;
  region: string;
  name: string;
  created_at: number;
  doc: string;
}

export interface Elbv2ListenersTable {
  arn: string;
  region: string;
  load_balancer_arn: string;
  port: number;
  doc: string;
}

/** `priority` is NULL for a listener's default rule. */
export interface Elbv2RulesTable {
  arn: string;
  region: string;
  listener_arn: string;
  priority: number | null;
  doc: string;
}

/** A registered target and the health last recorded for it; `drain_until` set once deregistered. */
export interface Elbv2TargetsTable {
  target_group_arn: string;
  id: string;
  port: number;
  availability_zone: string | null;
  state: string;
  reason: string | null;
  description: string | null;
  registered_at: number;
  drain_until: number | null;
}

/** Which target groups a listener (default actions) or rule forwards to, and on which load balancer. */
export interface Elbv2TargetGroupLinksTable {
  resource_arn: string;
  target_group_arn: string;
  load_balancer_arn: string;
}
