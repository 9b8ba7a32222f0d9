import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A registry on loopback that has no images: `/v2/` answers, every manifest is unknown. Engines
 * pull from 127.0.0.0/8 over plain HTTP without configuration, so "not found" is tested offline.
 */
export async function startEmptyRegistry(): Promise<{ host: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    if (req.url === '/v2/') {
      res.end('{}');
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
