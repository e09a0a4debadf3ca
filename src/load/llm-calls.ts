// The cost ledger of enrichment: one row per LLM call (datawarp.tbl_llm_calls, created by ensureSchema).
import type { LlmCall } from '../enrich/index.js';
import type { Db } from './db.js';

export type LlmCallRow = LlmCall;

export async function recordLlmCalls(
  db: Db,
  pub: string,
  period: string,
  calls: LlmCallRow[],
): Promise<void> {
  for (const c of calls) {
    await db.query(
      `INSERT INTO datawarp.tbl_llm_calls (pub, period, table_id, model, prompt_tokens, completion_tokens, cost_usd, ok, called_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now()))`,
      [
        pub,
        period,
        c.table_id,
        c.model,
        c.prompt_tokens,
        c.completion_tokens,
        c.cost_usd,
        c.ok,
        c.called_at ?? null,
      ],
    );
  }
}
