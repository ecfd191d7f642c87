// Compile-time checks of index.d.ts (`npm run test:types`: tsc --noEmit --strict). Each
// `@ts-expect-error` line must be rejected; tsc fails if one of them compiles.
import { Engine, Model, ErrorCode } from 'triagekit';
import type { AssignmentTrace, BatchResult, Decision, ModelMetadata, Ticket, TuningSummary, UntracedDecision } from 'triagekit';

declare const engine: Engine;
declare const model: Model;

// A service's own ticket interface (no index signature) is accepted as it is.
interface HelpdeskTicket {
  id: string;
  subject: string;
  body?: string;
  created_at: Date;
  fields: { account: string; seats: number };
}
declare const mine: HelpdeskTicket;
engine.triage(mine);
const list: readonly HelpdeskTicket[] = [mine];
void engine.triageBatch(list);
const tickets: readonly Ticket[] = [{ id: 1, subject: 'x', tags: ['a'] }];
void engine.triageBatch(tickets, { commit: false });

// @ts-expect-error a misspelled key is not a Ticket field
engine.triage({ subjct: 'x' });
// @ts-expect-error custom data goes under `fields`
engine.triage({ id: '1', account: 'acme' });
// @ts-expect-error wrong field type
engine.triage({ subject: 5 });

// The trace is there unless `trace: false` was asked for.
const traced: Decision = engine.triage(mine);
const version: string = traced.trace.rules_version;
const assignment: AssignmentTrace = engine.triage(mine, { trace: true }).trace.assignment;
const agent: string | null = assignment.agent;
const candidates: boolean[] = assignment.candidates.map((c) => c.eligible);
const untraced: UntracedDecision = engine.triage(mine, { trace: false });
// @ts-expect-error no trace with trace: false
void untraced.trace;
declare const maybe: boolean;
const either = engine.triage(mine, { trace: maybe });
// @ts-expect-error with an unknown `trace` flag the trace may be missing
void either.trace.rules_version;
// @ts-expect-error not a strategy
const strategy: AssignmentTrace['strategy'] = 'random';

async function batches(): Promise<void> {
  const slots: BatchResult[] = await engine.triageBatch(tickets);
  for (const slot of slots) {
    if ('error' in slot) {
      const code: (typeof ErrorCode)[keyof typeof ErrorCode] = slot.error.code;
      void code;
    } else {
      const rules: string = slot.trace.rules_version;
      void rules;
    }
  }
  const bare = await engine.triageBatch(tickets, { trace: false });
  const first = bare[0];
  // @ts-expect-error no trace in a trace: false batch
  if (first && !('error' in first)) void first.trace;
}

// Model metadata is typed.
const metadata: ModelMetadata = model.metadata;
const rows: number = metadata.rows + metadata.heads[0].rows;
// Tuning options and the CV table are typed.
const tuning: TuningSummary | null = metadata.tuning;
const chosen: string | undefined = tuning?.candidates.find((c) => !c.skipped)?.label;
void Model.fit(['a'], ['x'], { tune: true, budgetS: 10, folds: 3, tuneMetric: 'macro_f1' });
// @ts-expect-error: not a tuning metric
void Model.fit(['a'], ['x'], { tune: true, tuneMetric: 'auc' });
// @ts-expect-error unknown metadata key
void metadata.nope;
// @ts-expect-error the algorithm is one of two names
const algorithm: 'svm' = metadata.algorithm;

// Explanations are typed, in Model.explain and in the trace.
const why = model.explain('printer broken', 3);
const kind: 'word' | 'bigram' = why.category.supporting[0].kind;
const explained: number | undefined = engine.triage({ subject: 'x' }, { explain: 2 }).trace.model_explanation?.[0].score;
// @ts-expect-error k is a number
model.explain('x', '3');

void [version, agent, candidates, strategy, rows, algorithm, batches, kind, explained];
