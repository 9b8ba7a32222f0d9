import { Command } from 'commander';
import { addAgentCommand } from './agent-command.js';
import { addUpCommand } from './up-command.js';

const program = new Command('berth').description('A self-hosted container orchestrator that speaks Amazon ECS');
addUpCommand(program);
addAgentCommand(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`berth: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
