import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteFile } from '../../../../server/store/db/nodeSqlite.ts';

/**
 * Contract of the node:sqlite adapter with Kysely's SqliteDialect: what the dialect relies on
 * (readers return rows, writers report changes and insert ids, parameters bind in order,
 * booleans bind, transactions commit and roll back, two processes' writers wait for each other).
 */
interface T { items: { id: number; name: string; flag: number | null } }

const dir = mkdtempSync(path.join(tmpdir(), 'arena-sqlite-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(file = 'c.sqlite') {
  return new Kysely<T>({ dialect: new SqliteDialect({ database: openSqliteFile(path.join(dir, file)) }) });
}

describe('node:sqlite under Kysely', () => {
  it('reads, writes, binds parameters and booleans, returns insert ids and affected rows', async () => {
    const db = open();
    await db.schema.createTable('items').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').addColumn('flag', 'integer').execute();
    const ins = await db.insertInto('items').values({ id: 7, name: 'a', flag: true as unknown as number }).executeTakeFirst();
    expect(ins.insertId).toBe(7n);
    const ret = await db.insertInto('items').values({ id: 8, name: "b'; drop table items; --", flag: null }).returning(['id', 'name']).executeTakeFirst();
    expect(ret).toEqual({ id: 8, name: "b'; drop table items; --" });
    const upd = await db.updateTable('items').set({ flag: 0 }).where('id', '>', 0).executeTakeFirst();
    expect(upd.numUpdatedRows).toBe(2n);
    const rows = await db.selectFrom('items').selectAll().where('name', 'in', ['a', "b'; drop table items; --"]).orderBy('id').execute();
    expect(rows.map((r) => [r.id, r.flag])).toEqual([[7, 0], [8, 0]]);
    const streamed: number[] = [];
    for await (const r of db.selectFrom('items').select('id').orderBy('id').stream()) streamed.push(r.id);
    expect(streamed).toEqual([7, 8]);
    await db.destroy();
  });

  it('commits and rolls back transactions, and serialises concurrent ones on one connection', async () => {
    const db = open();
    await expect(db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id: 9, name: 'gone', flag: null }).execute();
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await db.selectFrom('items').select('id').where('id', '=', 9).executeTakeFirst()).toBeUndefined();
    await Promise.all([10, 11, 12].map((id) => db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id, name: 'x', flag: null }).execute();
      await sql`select 1`.execute(tx);
    })));
    const count = await db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(5);
    await db.destroy();
  });

  it('two connections to one file: a writer waits for the other (BEGIN IMMEDIATE + busy timeout)', async () => {
    const a = open('two.sqlite');
    const b = open('two.sqlite');
    await a.schema.createTable('items').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').addColumn('flag', 'integer').execute();
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const first = a.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id: 1, name: 'a', flag: null }).execute();
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    setTimeout(release, 100);
    // node:sqlite is synchronous: b's BEGIN blocks this thread until the busy timeout, so a's
    // transaction cannot finish meanwhile; b must fail cleanly rather than corrupt anything.
    await first;
    await b.insertInto('items').values({ id: 2, name: 'b', flag: null }).execute();
    expect((await a.selectFrom('items').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual([1, 2]);
    await a.destroy();
    await b.destroy();
  });
});
