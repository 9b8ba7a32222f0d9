import { AccountSettingStore } from './account-setting-store.js';
import { AttributeStore } from './attribute-store.js';
import { ClusterStore } from './cluster-store.js';
import { ContainerInstanceStore } from './container-instance-store.js';
import { EcrImageStore } from './ecr-image-store.js';
import { EcrRepositoryStore } from './ecr-repository-store.js';
import { Elbv2ListenerStore, Elbv2RuleStore } from './elbv2-listener-store.js';
import { Elbv2LoadBalancerStore, Elbv2TargetGroupStore } from './elbv2-load-balancer-store.js';
import { Elbv2TargetStore } from './elbv2-target-store.js';
import { RegistryBlobStore } from './registry-blob-store.js';
import type { Db } from './sqlite.js';
import { ServiceHistoryStore } from './service-history-store.js';
import { ServiceStore } from './service-store.js';
import { TagStore } from './tag-store.js';
import { TaskDefinitionStore } from './task-definition-store.js';
import { TaskStore } from './task-store.js';

/**
 * Every resource store over one connection or transaction. Services take a Stores and run each
 * multi-row change inside `transaction`, which hands them the same stores bound to the transaction.
 */
export class Stores {
  readonly clusters: ClusterStore;
  readonly taskDefinitions: TaskDefinitionStore;
  readonly tags: TagStore;
  readonly accountSettings: AccountSettingStore;
  readonly attributes: AttributeStore;
  readonly containerInstances: ContainerInstanceStore;
  readonly tasks: TaskStore;
  readonly services: ServiceStore;
  readonly serviceHistory: ServiceHistoryStore;
  readonly ecrRepositories: EcrRepositoryStore;
  readonly ecrImages: EcrImageStore;
  readonly registryBlobs: RegistryBlobStore;
  readonly elbLoadBalancers: Elbv2LoadBalancerStore;
  readonly elbTargetGroups: Elbv2TargetGroupStore;
  readonly elbListeners: Elbv2ListenerStore;
  readonly elbRules: Elbv2RuleStore;
  readonly elbTargets: Elbv2TargetStore;

  constructor(private readonly db: Db) {
    this.clusters = new ClusterStore(db);
    this.taskDefinitions = new TaskDefinitionStore(db);
    this.tags = new TagStore(db);
    this.accountSettings = new AccountSettingStore(db);
    this.attributes = new AttributeStore(db);
    this.containerInstances = new ContainerInstanceStore(db);
    this.tasks = new TaskStore(db);
    this.services = new ServiceStore(db);
    this.serviceHistory = new ServiceHistoryStore(db);
    this.ecrRepositories = new EcrRepositoryStore(db);
    this.ecrImages = new EcrImageStore(db);
    this.registryBlobs = new RegistryBlobStore(db);
    this.elbLoadBalancers = new Elbv2LoadBalancerStore(db);
    this.elbTargetGroups = new Elbv2TargetGroupStore(db);
    this.elbListeners = new Elbv2ListenerStore(db);
    this.elbRules = new Elbv2RuleStore(db);
    this.elbTargets = new Elbv2TargetStore(db);
  }

  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Stores(trx)));
  }
}
