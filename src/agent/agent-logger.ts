/** Structured logging for the agent, with fixed keys (`taskArn`, `containerId`). */
export interface AgentLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const silentLogger: AgentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
