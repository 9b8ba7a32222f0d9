import * as ecs from '@aws-sdk/client-ecs';
import type { AccountSettingService } from '../../services/ecs/account-setting-service.js';
import type { AttributeService } from '../../services/ecs/attribute-service.js';
import type { CapacityProviderService } from '../../services/ecs/capacity-provider-service.js';
import type { ClusterService } from '../../services/ecs/cluster-service.js';
import type { ContainerInstanceService } from '../../services/ecs/container-instance-service.js';
import type { ServiceDeploymentService } from '../../services/ecs/service-deployment-service.js';
import type { ServiceService } from '../../services/ecs/service-service.js';
import type { TagService } from '../../services/ecs/tag-service.js';
import type { TaskDefinitionService } from '../../services/ecs/task-definition-service.js';
import type { TaskService } from '../../services/ecs/task-service.js';
import { type AwsService, operation as op, type Operation } from '../operation.js';

export interface EcsServices {
  clusters: ClusterService;
  taskDefinitions: TaskDefinitionService;
  tags: TagService;
  accountSettings: AccountSettingService;
  attributes: AttributeService;
  capacityProviders: CapacityProviderService;
  containerInstances: ContainerInstanceService;
  tasks: TaskService;
  services: ServiceService;
  serviceDeployments: ServiceDeploymentService;
}

/**
 * Amazon ECS on the wire: awsJson1_1 under `AmazonEC2ContainerServiceV20141113`. One thin handler
 * per operation, each typed by the SDK's own request and response shapes.
 */
export function ecsApi(s: EcsServices): AwsService {
  const operations: Record<string, Operation> = {
    CreateCluster: op<ecs.CreateClusterRequest, ecs.CreateClusterResponse>(ecs.CreateCluster$, (i, c) => s.clusters.create(c.scope, i)),
    DescribeClusters: op<ecs.DescribeClustersRequest, ecs.DescribeClustersResponse>(ecs.DescribeClusters$, (i, c) => s.clusters.describe(c.scope, i)),
    ListClusters: op<ecs.ListClustersRequest, ecs.ListClustersResponse>(ecs.ListClusters$, (i, c) => s.clusters.list(c.scope, i)),
    UpdateCluster: op<ecs.UpdateClusterRequest, ecs.UpdateClusterResponse>(ecs.UpdateCluster$, (i, c) => s.clusters.update(c.scope, i)),
    UpdateClusterSettings: op<ecs.UpdateClusterSettingsRequest, ecs.UpdateClusterSettingsResponse>(ecs.UpdateClusterSettings$, (i, c) => s.clusters.updateSettings(c.scope, i)),
    PutClusterCapacityProviders: op<ecs.PutClusterCapacityProvidersRequest, ecs.PutClusterCapacityProvidersResponse>(ecs.PutClusterCapacityProviders$, (i, c) => s.clusters.putCapacityProviders(c.scope, i)),
    DeleteCluster: op<ecs.DeleteClusterRequest, ecs.DeleteClusterResponse>(ecs.DeleteCluster$, (i, c) => s.clusters.delete(c.scope, i)),

    RegisterTaskDefinition: op<ecs.RegisterTaskDefinitionRequest, ecs.RegisterTaskDefinitionResponse>(ecs.RegisterTaskDefinition$, (i, c) => s.taskDefinitions.register(c.scope, c.principalArn, i)),
    DescribeTaskDefinition: op<ecs.DescribeTaskDefinitionRequest, ecs.DescribeTaskDefinitionResponse>(ecs.DescribeTaskDefinition$, (i, c) => s.taskDefinitions.describe(c.scope, i)),
    ListTaskDefinitions: op<ecs.ListTaskDefinitionsRequest, ecs.ListTaskDefinitionsResponse>(ecs.ListTaskDefinitions$, (i, c) => s.taskDefinitions.list(c.scope, i)),
    ListTaskDefinitionFamilies: op<ecs.ListTaskDefinitionFamiliesRequest, ecs.ListTaskDefinitionFamiliesResponse>(ecs.ListTaskDefinitionFamilies$, (i, c) => s.taskDefinitions.listFamilies(c.scope, i)),
    DeregisterTaskDefinition: op<ecs.DeregisterTaskDefinitionRequest, ecs.DeregisterTaskDefinitionResponse>(ecs.DeregisterTaskDefinition$, (i, c) => s.taskDefinitions.deregister(c.scope, i)),
    DeleteTaskDefinitions: op<ecs.DeleteTaskDefinitionsRequest, ecs.DeleteTaskDefinitionsResponse>(ecs.DeleteTaskDefinitions$, (i, c) => s.taskDefinitions.delete(c.scope, i)),

    TagResource: op<ecs.TagResourceRequest, ecs.TagResourceResponse>(ecs.TagResource$, (i, c) => s.tags.tag(c.scope, i)),
    UntagResource: op<ecs.UntagResourceRequest, ecs.UntagResourceResponse>(ecs.UntagResource$, (i, c) => s.tags.untag(c.scope, i)),
    ListTagsForResource: op<ecs.ListTagsForResourceRequest, ecs.ListTagsForResourceResponse>(ecs.ListTagsForResource$, (i, c) => s.tags.list(c.scope, i)),

    DescribeCapacityProviders: op<ecs.DescribeCapacityProvidersRequest, ecs.DescribeCapacityProvidersResponse>(ecs.DescribeCapacityProviders$, (i, c) => s.capacityProviders.describe(c.scope, i)),

    PutAccountSetting: op<ecs.PutAccountSettingRequest, ecs.PutAccountSettingResponse>(ecs.PutAccountSetting$, (i, c) => s.accountSettings.put(c.scope, c.principalArn, i)),
    PutAccountSettingDefault: op<ecs.PutAccountSettingDefaultRequest, ecs.PutAccountSettingDefaultResponse>(ecs.PutAccountSettingDefault$, (i, c) => s.accountSettings.putDefault(c.scope, i)),
    DeleteAccountSetting: op<ecs.DeleteAccountSettingRequest, ecs.DeleteAccountSettingResponse>(ecs.DeleteAccountSetting$, (i, c) => s.accountSettings.delete(c.scope, c.principalArn, i)),
    ListAccountSettings: op<ecs.ListAccountSettingsRequest, ecs.ListAccountSettingsResponse>(ecs.ListAccountSettings$, (i, c) => s.accountSettings.list(c.scope, c.principalArn, i)),

    RegisterContainerInstance: op<ecs.RegisterContainerInstanceRequest, ecs.RegisterContainerInstanceResponse>(ecs.RegisterContainerInstance$, (i, c) => s.containerInstances.register(c.scope, i)),
    DescribeContainerInstances: op<ecs.DescribeContainerInstancesRequest, ecs.DescribeContainerInstancesResponse>(ecs.DescribeContainerInstances$, (i, c) => s.containerInstances.describe(c.scope, i)),
    ListContainerInstances: op<ecs.ListContainerInstancesRequest, ecs.ListContainerInstancesResponse>(ecs.ListContainerInstances$, (i, c) => s.containerInstances.list(c.scope, i)),
    UpdateContainerInstancesState: op<ecs.UpdateContainerInstancesStateRequest, ecs.UpdateContainerInstancesStateResponse>(ecs.UpdateContainerInstancesState$, (i, c) => s.containerInstances.updateState(c.scope, i)),
    DeregisterContainerInstance: op<ecs.DeregisterContainerInstanceRequest, ecs.DeregisterContainerInstanceResponse>(ecs.DeregisterContainerInstance$, (i, c) => s.containerInstances.deregister(c.scope, i)),

    RunTask: op<ecs.RunTaskRequest, ecs.RunTaskResponse>(ecs.RunTask$, (i, c) => s.tasks.run(c.scope, i)),
    StartTask: op<ecs.StartTaskRequest, ecs.StartTaskResponse>(ecs.StartTask$, (i, c) => s.tasks.start(c.scope, i)),
    StopTask: op<ecs.StopTaskRequest, ecs.StopTaskResponse>(ecs.StopTask$, (i, c) => s.tasks.stop(c.scope, i)),
    DescribeTasks: op<ecs.DescribeTasksRequest, ecs.DescribeTasksResponse>(ecs.DescribeTasks$, (i, c) => s.tasks.describe(c.scope, i)),
    ListTasks: op<ecs.ListTasksRequest, ecs.ListTasksResponse>(ecs.ListTasks$, (i, c) => s.tasks.list(c.scope, i)),

    CreateService: op<ecs.CreateServiceRequest, ecs.CreateServiceResponse>(ecs.CreateService$, (i, c) => s.services.create(c.scope, c.principalArn, i)),
    UpdateService: op<ecs.UpdateServiceRequest, ecs.UpdateServiceResponse>(ecs.UpdateService$, (i, c) => s.services.update(c.scope, i)),
    DeleteService: op<ecs.DeleteServiceRequest, ecs.DeleteServiceResponse>(ecs.DeleteService$, (i, c) => s.services.delete(c.scope, i)),
    DescribeServices: op<ecs.DescribeServicesRequest, ecs.DescribeServicesResponse>(ecs.DescribeServices$, (i, c) => s.services.describe(c.scope, i)),
    ListServices: op<ecs.ListServicesRequest, ecs.ListServicesResponse>(ecs.ListServices$, (i, c) => s.services.list(c.scope, i)),
    ListServiceDeployments: op<ecs.ListServiceDeploymentsRequest, ecs.ListServiceDeploymentsResponse>(ecs.ListServiceDeployments$, (i, c) => s.serviceDeployments.list(c.scope, i)),
    DescribeServiceDeployments: op<ecs.DescribeServiceDeploymentsRequest, ecs.DescribeServiceDeploymentsResponse>(ecs.DescribeServiceDeployments$, (i, c) => s.serviceDeployments.describe(c.scope, i)),
    DescribeServiceRevisions: op<ecs.DescribeServiceRevisionsRequest, ecs.DescribeServiceRevisionsResponse>(ecs.DescribeServiceRevisions$, (i, c) => s.serviceDeployments.describeRevisions(c.scope, i)),
    StopServiceDeployment: op<ecs.StopServiceDeploymentRequest, ecs.StopServiceDeploymentResponse>(ecs.StopServiceDeployment$, (i, c) => s.serviceDeployments.stop(c.scope, i)),

    PutAttributes: op<ecs.PutAttributesRequest, ecs.PutAttributesResponse>(ecs.PutAttributes$, (i, c) => s.attributes.put(c.scope, i)),
    DeleteAttributes: op<ecs.DeleteAttributesRequest, ecs.DeleteAttributesResponse>(ecs.DeleteAttributes$, (i, c) => s.attributes.delete(c.scope, i)),
    ListAttributes: op<ecs.ListAttributesRequest, ecs.ListAttributesResponse>(ecs.ListAttributes$, (i, c) => s.attributes.list(c.scope, i)),
  };
  return {
    signingName: 'ecs',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    jsonVersion: '1.1',
    operations: new Map(Object.entries(operations)),
    validationErrorCode: 'InvalidParameterException',
  };
}
