import { Model, snakeCaseMappers } from 'objection';

/**
 * The base of every objection model of Parley: camelCase properties on snake_case columns
 * (`conversationId` ↔ `conversation_id`), as the knex migrations name them.
 */
export class SnakeCaseModel extends Model {
  static override get columnNameMappers() {
    return snakeCaseMappers();
  }
}
