import type { AddressInfo, Server } from 'node:net';

/** Binds `server` (a net or http server) and resolves to where it listens; a bind error rejects. */
export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
