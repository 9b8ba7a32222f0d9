/**
 * Runs a bench with its cleanup guaranteed: after a result, after a failure (its stack, then
 * whatever `onFailure` prints, such as a peer's log) and on SIGINT/SIGTERM (then exit 130).
 * Problems cleaning up fail an otherwise good run, so nothing is left behind unnoticed.
 */
export async function runBench(main: () => Promise<number>, cleanup: () => Promise<string[]>, onFailure: () => void = () => undefined): Promise<never> {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  let code = 1;
  try {
    code = await main();
  } catch (error) {
    if (interrupted) await new Promise(() => {}); // the signal handler cleans up and exits
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    onFailure();
  } finally {
    if (!interrupted) {
      const problems = await cleanup().catch((error: unknown) => [`cleanup failed: ${String(error)}`]);
      if (problems.length > 0) {
        process.stderr.write(`cleanup: ${problems.join('; ')}\n`);
        if (code === 0) code = 1;
      }
    }
  }
  process.exit(code);
}
