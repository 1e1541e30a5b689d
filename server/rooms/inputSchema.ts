import { ARENA_INPUT } from '../../shared/input.ts';
import { inputSchemaOf } from '../state/inputSchema.ts';

/**
 * Wire shape of one arena input on Colyseus' input channel, derived from its one declaration
 * (shared/input.ts).
 */
export const InputMessage = inputSchemaOf(ARENA_INPUT, 'PlayerInput');
