import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GetAuthorizationTokenRequest, GetAuthorizationTokenResponse } from '@aws-sdk/client-ecr';
import type { Scope } from '../../domain/arn.js';
import type { RegistryCredentials } from '../../domain/ecs/task-contract.js';
import { registryOfImage } from '../../domain/image-registry.js';
import type { Clock } from '../../kit/clock.js';
import type { RegistryHost } from './repository-service.js';

/** ECR's tokens last 12 hours. */
export const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;

export type TokenCheck =
  | { ok: true; region: string; accessKeyId: string }
  | { ok: false; reason: 'invalid' | 'expired' };

interface TokenClaims {
  /** Region: the registry the token opens (one per account and region, as on ECR). */
  r: string;
  /** The access key that asked for it; its secret signs the token, so rotating the key revokes it. */
  k: string;
  /** Expiry, epoch seconds. */
  e: number;
}

/**
 * The password half of ECR's `AWS:<password>` credentials, verifiable without state:
 * `base64url(claims).base64url(HMAC-SHA256(secret of the access key, claims))`.
 */
export class RegistryTokens {
  constructor(
    /** The access key tokens are issued under (the request context does not carry the caller's key). */
    private readonly issuerKeyId: string,
    private readonly secretOf: (accessKeyId: string) => string | undefined,
    private readonly clock: Clock,
    private readonly registryHost: RegistryHost,
  ) {}

  issue(region: string, accessKeyId: string): { password: string; expiresAt: number } {
    const secret = this.secretOf(accessKeyId);
    if (secret === undefined) throw new Error(`no secret for access key ${accessKeyId}`);
    const expiresAt = this.clock.now() + TOKEN_LIFETIME_MS;
    const claims = Buffer.from(JSON.stringify({ r: region, k: accessKeyId, e: Math.floor(expiresAt / 1000) } satisfies TokenClaims)).toString('base64url');
    return { password: `${claims}.${sign(secret, claims)}`, expiresAt: Math.floor(expiresAt / 1000) * 1000 };
  }

  check(password: string): TokenCheck {
    const [claimsPart, signature, extra] = password.split('.');
    if (!claimsPart || !signature || extra !== undefined) return { ok: false, reason: 'invalid' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (typeof claims?.r !== 'string' || typeof claims.k !== 'string' || typeof claims.e !== 'number') return { ok: false, reason: 'invalid' };
    const secret = this.secretOf(claims.k);
    if (secret === undefined) return { ok: false, reason: 'invalid' };
    const expected = Buffer.from(sign(secret, claimsPart));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
    if (claims.e * 1000 <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, region: claims.r, accessKeyId: claims.k };
  }

  /**
   * What an agent pulls a task's images with: a token for this registry when an image is on it
   * (as ECS's agent gets one with GetAuthorizationToken), nothing otherwise.
   */
  credentialsFor(region: string, images: readonly string[]): RegistryCredentials[] {
    const host = this.registryHost();
    if (!host || !images.some((image) => registryOfImage(image) === host)) return [];
    return [{ serveraddress: host, username: 'AWS', password: this.issue(region, this.issuerKeyId).password }];
  }

  /** GetAuthorizationToken: one authorization for this registry, whatever registryIds asked for. */
  async getAuthorizationToken(scope: Scope, _input: GetAuthorizationTokenRequest): Promise<GetAuthorizationTokenResponse> {
    const { password, expiresAt } = this.issue(scope.region, this.issuerKeyId);
    return {
      authorizationData: [{
        authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
        expiresAt: new Date(expiresAt),
        proxyEndpoint: `http://${this.registryHost()}`,
      }],
    };
  }
}

const sign = (secret: string, claims: string) => createHmac('sha256', secret).update(`berth-registry-token\n${claims}`).digest('base64url');
