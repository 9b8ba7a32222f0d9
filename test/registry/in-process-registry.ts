import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/kit/clock.js';
import { randomIdGen } from '../../src/kit/id-gen.js';
import { BlobFiles } from '../../src/registry/blob-files.js';
import { createRegistryHandler } from '../../src/registry/registry-handler.js';
import { RegistryGc } from '../../src/registry/registry-gc.js';
import { UploadSessions } from '../../src/registry/upload-sessions.js';
import { ImagePush } from '../../src/services/ecr/image-push.js';
import { ImageService } from '../../src/services/ecr/image-service.js';
import { RegistryTokens } from '../../src/services/ecr/registry-token.js';
import { RepositoryService } from '../../src/services/ecr/repository-service.js';
import { openSqlite, type SqliteHandle } from '../../src/store/sqlite.js';
import { Stores } from '../../src/store/stores.js';
import { RawRegistry } from './registry-support.js';

const ACCESS_KEY = { id: 'AKIDINPROCESS', secret: 'in-process-secret' };

/**
 * The registry and its ECR services built in this process on a temp dir, the real SQLite store
 * and a fake clock: what a test needs to move time past grace periods and run GC on demand.
 * (A `berth up` child process runs on the system clock.)
 */
export class InProcessRegistry {
  readonly scope = { region: 'us-east-1', accountId: '000000000000' };

  private constructor(
    readonly clock: FakeClock,
    readonly dataDir: string,
    readonly url: string,
    readonly stores: Stores,
    readonly files: BlobFiles,
    readonly uploads: UploadSessions,
    readonly repositories: RepositoryService,
    readonly images: ImageService,
    readonly gc: RegistryGc,
    private readonly tokens: RegistryTokens,
    private readonly server: Server,
    private readonly sqlite: SqliteHandle,
  ) {}

  /** `makeFiles` swaps in a BlobFiles with hooks, to hold a step of a pass open. */
  static async start(makeFiles = (root: string) => new BlobFiles(root)): Promise<InProcessRegistry> {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-gc-'));
    const sqlite = await openSqlite(join(dataDir, 'berth.db'));
    const stores = new Stores(sqlite.db);
    const files = makeFiles(join(dataDir, 'registry'));
    await files.init();
    let host = '';
    const clock = new FakeClock(Date.now());
    const uploads = new UploadSessions(stores, files, clock, randomIdGen);
    const repositories = new RepositoryService(stores, clock, () => host, (ids) => uploads.discard(ids));
    const images = new ImageService(stores, repositories, clock);
    const tokens = new RegistryTokens(ACCESS_KEY.id, (id) => (id === ACCESS_KEY.id ? ACCESS_KEY.secret : undefined), clock, () => host);
    const handler = createRegistryHandler({
      accountId: '000000000000', stores, files, uploads, repositories, images, push: new ImagePush(stores, repositories, clock), tokens, clock, registryHost: () => host,
    });
    const server = createServer((req, res) => {
      handler(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    host = `127.0.0.1:${port}`;
    const gc = new RegistryGc(stores, files, uploads, clock);
    return new InProcessRegistry(clock, dataDir, `http://${host}`, stores, files, uploads, repositories, images, gc, tokens, server, sqlite);
  }

  /** A registry client with a token fresh as of the fake clock's now (they last 12 hours). */
  client(): RawRegistry {
    const { password } = this.tokens.issue(this.scope.region, ACCESS_KEY.id);
    return new RawRegistry(this.url, `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`);
  }

  blobPath(digest: string): string {
    return this.files.pathOf(digest);
  }

  /** Whether the store has a row for the blob. */
  async hasBlobRow(digest: string): Promise<boolean> {
    return (await this.stores.registryBlobs.existing([digest])).has(digest);
  }

  async close(): Promise<void> {
    await this.gc.idle();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.sqlite.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
