/**
 * The one place this project reads a schema class's field layout: schema 5 keeps it on the class
 * as `Symbol.metadata`, field by index (test/server/adapters/schemaMetadata.test.ts fails when an
 * upgrade moves it).
 */

export interface SchemaField {
  name: string;
  index: number;
  /** A primitive's name (`uint8`, `string`…), `{ quantized: { bits, … } }`, or a child type. */
  type: unknown;
  /** The field's view tag when it is sent only through per-client views (`.view()`); absent otherwise. */
  tag?: number;
}

/** The fields of a schema class in index order; undefined when it carries no schema metadata. */
export function schemaFields(schemaClass: unknown): SchemaField[] | undefined {
  const metadata = (schemaClass as { [Symbol.metadata]?: Record<string, SchemaField> } | undefined)?.[Symbol.metadata];
  if (metadata === undefined || metadata === null) return undefined;
  return Object.keys(metadata).filter((k) => /^\d+$/.test(k)).map((k) => metadata[k]!).sort((a, b) => a.index - b.index);
}
