import * as ecr from '@aws-sdk/client-ecr';
import type { EcrTagService } from '../../services/ecr/ecr-tags.js';
import type { ImagePush } from '../../services/ecr/image-push.js';
import type { ImageService } from '../../services/ecr/image-service.js';
import type { LifecyclePreviewService } from '../../services/ecr/lifecycle-preview.js';
import type { LifecycleService } from '../../services/ecr/lifecycle-service.js';
import type { RegistryTokens } from '../../services/ecr/registry-token.js';
import type { RepositoryService } from '../../services/ecr/repository-service.js';
import { type AwsService, operation as op, type Operation } from '../operation.js';

export interface EcrServices {
  repositories: RepositoryService;
  images: ImageService;
  push: ImagePush;
  tags: EcrTagService;
  tokens: RegistryTokens;
  lifecycle: LifecycleService;
  lifecyclePreview: LifecyclePreviewService;
}

/**
 * Amazon ECR's API on the wire: awsJson1_1 under `AmazonEC2ContainerRegistry_V20150921`, signed
 * as `ecr`. Pushes and pulls go through the registry on /v2/ instead, as on AWS.
 */
export function ecrApi(s: EcrServices): AwsService {
  const operations: Record<string, Operation> = {
    CreateRepository: op<ecr.CreateRepositoryRequest, ecr.CreateRepositoryResponse>(ecr.CreateRepository$, (i, c) => s.repositories.create(c.scope, i)),
    DescribeRepositories: op<ecr.DescribeRepositoriesRequest, ecr.DescribeRepositoriesResponse>(ecr.DescribeRepositories$, (i, c) => s.repositories.describe(c.scope, i)),
    DeleteRepository: op<ecr.DeleteRepositoryRequest, ecr.DeleteRepositoryResponse>(ecr.DeleteRepository$, (i, c) => s.repositories.delete(c.scope, i)),
    PutImageTagMutability: op<ecr.PutImageTagMutabilityRequest, ecr.PutImageTagMutabilityResponse>(ecr.PutImageTagMutability$, (i, c) => s.repositories.putImageTagMutability(c.scope, i)),
    SetRepositoryPolicy: op<ecr.SetRepositoryPolicyRequest, ecr.SetRepositoryPolicyResponse>(ecr.SetRepositoryPolicy$, (i, c) => s.repositories.setPolicy(c.scope, i)),
    GetRepositoryPolicy: op<ecr.GetRepositoryPolicyRequest, ecr.GetRepositoryPolicyResponse>(ecr.GetRepositoryPolicy$, (i, c) => s.repositories.getPolicy(c.scope, i)),
    DeleteRepositoryPolicy: op<ecr.DeleteRepositoryPolicyRequest, ecr.DeleteRepositoryPolicyResponse>(ecr.DeleteRepositoryPolicy$, (i, c) => s.repositories.deletePolicy(c.scope, i)),
    DescribeRegistry: op<ecr.DescribeRegistryRequest, ecr.DescribeRegistryResponse>(ecr.DescribeRegistry$, (_i, c) => s.repositories.describeRegistry(c.scope)),

    GetAuthorizationToken: op<ecr.GetAuthorizationTokenRequest, ecr.GetAuthorizationTokenResponse>(ecr.GetAuthorizationToken$, (i, c) => s.tokens.getAuthorizationToken(c.scope, i)),

    ListImages: op<ecr.ListImagesRequest, ecr.ListImagesResponse>(ecr.ListImages$, (i, c) => s.images.list(c.scope, i)),
    DescribeImages: op<ecr.DescribeImagesRequest, ecr.DescribeImagesResponse>(ecr.DescribeImages$, (i, c) => s.images.describe(c.scope, i)),
    BatchGetImage: op<ecr.BatchGetImageRequest, ecr.BatchGetImageResponse>(ecr.BatchGetImage$, (i, c) => s.images.batchGet(c.scope, i)),
    BatchDeleteImage: op<ecr.BatchDeleteImageRequest, ecr.BatchDeleteImageResponse>(ecr.BatchDeleteImage$, (i, c) => s.images.batchDelete(c.scope, i)),
    PutImage: op<ecr.PutImageRequest, ecr.PutImageResponse>(ecr.PutImage$, (i, c) => s.push.putImage(c.scope, i)),

    PutLifecyclePolicy: op<ecr.PutLifecyclePolicyRequest, ecr.PutLifecyclePolicyResponse>(ecr.PutLifecyclePolicy$, (i, c) => s.lifecycle.put(c.scope, i)),
    GetLifecyclePolicy: op<ecr.GetLifecyclePolicyRequest, ecr.GetLifecyclePolicyResponse>(ecr.GetLifecyclePolicy$, (i, c) => s.lifecycle.get(c.scope, i)),
    StartLifecyclePolicyPreview: op<ecr.StartLifecyclePolicyPreviewRequest, ecr.StartLifecyclePolicyPreviewResponse>(ecr.StartLifecyclePolicyPreview$, (i, c) => s.lifecyclePreview.start(c.scope, i)),
    GetLifecyclePolicyPreview: op<ecr.GetLifecyclePolicyPreviewRequest, ecr.GetLifecyclePolicyPreviewResponse>(ecr.GetLifecyclePolicyPreview$, (i, c) => s.lifecyclePreview.get(c.scope, i)),
    DeleteLifecyclePolicy: op<ecr.DeleteLifecyclePolicyRequest, ecr.DeleteLifecyclePolicyResponse>(ecr.DeleteLifecyclePolicy$, (i, c) => s.lifecycle.delete(c.scope, i)),

    TagResource: op<ecr.TagResourceRequest, ecr.TagResourceResponse>(ecr.TagResource$, (i, c) => s.tags.tag(c.scope, i)),
    UntagResource: op<ecr.UntagResourceRequest, ecr.UntagResourceResponse>(ecr.UntagResource$, (i, c) => s.tags.untag(c.scope, i)),
    ListTagsForResource: op<ecr.ListTagsForResourceRequest, ecr.ListTagsForResourceResponse>(ecr.ListTagsForResource$, (i, c) => s.tags.list(c.scope, i)),
  };
  return {
    signingName: 'ecr',
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
    jsonVersion: '1.1',
    operations: new Map(Object.entries(operations)),
    // guess: ECR answers a missing required member as InvalidParameterException, as its other validation errors.
    validationErrorCode: 'InvalidParameterException',
  };
}
