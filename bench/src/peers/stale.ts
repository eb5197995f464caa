import pg from 'pg';
import { processIsGone } from '../postgres/postgres-connections.js';

/**
 * Drops what the peers suite of an earlier run left behind when it was
 * killed before closing its sides: the schemas `athena_peers_<pid>_a|b`,
 * `peers_mastra_<pid>`, `peers_llamaindex_<pid>` and the table
 * `public.peers_langchain_<pid>`, for every `<pid>` whose process is gone.
 */
export async function dropStalePeerObjects(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ kind: string; name: string; pid: string }>(
      `select 'schema' as kind, nspname as name,
              substring(nspname from '^(?:athena_peers|peers_mastra|peers_llamaindex)_([0-9]+)') as pid
         from pg_namespace
        where nspname ~ '^(athena_peers_[0-9]+_[ab]|peers_mastra_[0-9]+|peers_llamaindex_[0-9]+)$'
       union all
       select 'table', relname, substring(relname from '^peers_langchain_([0-9]+)$')
         from pg_class
        where relnamespace = 'public'::regnamespace and relkind = 'r'
          and relname ~ '^peers_langchain_[0-9]+$'`,
    );
    for (const { kind, name, pid } of rows) {
      if (!processIsGone(Number(pid))) continue;
      const id = admin.escapeIdentifier(name);
      await admin.query(
        kind === 'schema'
          ? `drop schema if exists ${id} cascade`
          : `drop table if exists public.${id}`,
      );
    }
  } finally {
    await admin.end();
  }
}
