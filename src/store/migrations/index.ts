import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { containerInstances } from './002-container-instances.js';
import { tasks } from './003-tasks.js';
import { services } from './004-services.js';
import { ecr } from './005-ecr.js';
import { registryGc } from './006-registry-gc.js';
import { elbv2 } from './007-elbv2.js';

/** Every migration, in order. Names sort lexically; never rename or edit one that has shipped. */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-container-instances': containerInstances,
  '003-tasks': tasks,
  '004-services': services,
  '005-ecr': ecr,
  '006-registry-gc': registryGc,
  '007-elbv2': elbv2,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations };
