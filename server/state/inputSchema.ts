import { schema, t } from '@colyseus/schema';
import type { InputLayout } from '../../shared/game/input.ts';

/**
 * The input channel's flat schema for a game's declared input layout (shared/game/input.ts), in
 * its field order (delta-encoded by the SDK: an unchanged field costs nothing). The SDK learns it
 * from the join handshake, so the client never declares it.
 */
export function inputSchemaOf(layout: InputLayout, name: string) {
  const fields: Record<string, ReturnType<typeof t.uint8>> = {};
  for (const [field, decl] of Object.entries(layout)) fields[field] = t[decl.type]() as ReturnType<typeof t.uint8>;
  return schema(fields, name);
}
