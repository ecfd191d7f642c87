// Type definitions for triagekit (Node.js addon). CommonJS: `require('triagekit')`;
// ES modules: `import { Engine, Model } from 'triagekit'`.
//
// Key casing: method names and option objects are camelCase (JS conventions). Data that comes
// back from the engine (decisions, stats, options, model metadata, evaluation reports) keeps
// the snake_case keys of triagekit's JSON, so it is byte-for-byte the shape the CLI and the
// Python binding produce and can be stored or forwarded without renaming.
//
// Errors: every failure is an `Error` (a `TypeError` for INVALID_ARGUMENT) with a stable
// `code` (see `ErrorCode`) and, when known, the fields of `TriageErrorInfo` (the same in
// Rust, the CLI and Python: core's `ErrorDetails`).
//
// Hostile input (documented results):
// - wrong field types, non-object tickets, BigInt, cyclic objects, unparsable dates and
//   nesting deeper than 128 levels: INVALID_TICKET (with `field` when one field is at fault);
// - lone UTF-16 surrogates in any string: replaced by U+FFFD, the ticket is triaged;
// - `Date` values (e.g. `created_at`) are converted with `toJSON` (RFC 3339); an invalid
//   `Date` as `created_at` is INVALID_TICKET naming `created_at`;
// - a getter, `toJSON` or Proxy trap that throws (anything, `null` included): INVALID_TICKET
//   for a ticket, INVALID_ARGUMENT for options and rosters; NaN, Infinity, BigInt and invalid
//   Dates in options or rosters are INVALID_ARGUMENT naming the key;
// - options, rosters and config objects are read as own properties only (an own `__proto__`
//   key is an unknown option: INVALID_CONFIG);
// - very large texts are triaged; the model reads only its first `max_text_chars` characters.
// - a panic inside the addon becomes an Error with code INTERNAL; the process keeps running.

/** Stable error codes. */
export declare const ErrorCode: Readonly<{
  RULE_COMPILE: 'RULE_COMPILE';
  RULE_RUNTIME: 'RULE_RUNTIME';
  MODEL_FORMAT: 'MODEL_FORMAT';
  MODEL: 'MODEL';
  INVALID_TICKET: 'INVALID_TICKET';
  INVALID_ROSTER: 'INVALID_ROSTER';
  UNKNOWN_AGENT: 'UNKNOWN_AGENT';
  INVALID_CONFIG: 'INVALID_CONFIG';
  IO: 'IO';
  INVALID_ARGUMENT: 'INVALID_ARGUMENT';
  INTERNAL: 'INTERNAL';
}>;

/** One of the `ErrorCode` values. */
export type ErrorCodeName = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Fields of a triagekit error (thrown, or in a batch slot's `error`). */
export interface TriageErrorInfo {
  code: ErrorCodeName;
  message: string;
  /** Rule file, when known (`<string>` for rule text). */
  file?: string;
  /** 1-based line in `file`, when known. */
  line?: number;
  /** 1-based column in `file`, when known. */
  column?: number;
  /** The rule that failed at run time. */
  rule?: string;
  /** The ticket field (INVALID_TICKET), training option (MODEL) or missing data column at fault. */
  field?: string;
  /** The agent an operation named (UNKNOWN_AGENT). */
  agent?: string;
  /** The file on disk that could not be read or parsed (IO, data files). */
  path?: string;
  /** 1-based CSV row or JSON Lines line in `path`. */
  row?: number;
}

/** What a thrown triagekit error looks like. */
export interface TriageError extends Error, TriageErrorInfo {}

/**
 * A support ticket. Put custom data under `fields` (`ticket.fields["x"]` in rules); at run
 * time unknown top-level keys are kept too, but the type leaves them out so a typo such as
 * `subjct` is caught. Any interface of your own with these (optional) keys is assignable.
 */
export interface Ticket {
  /** Numbers are accepted and kept as text. */
  id?: string | number | null;
  subject?: string | null;
  body?: string | null;
  requester?: string | null;
  /** `email`, `chat`, `phone`, `web`, ... */
  channel?: string | null;
  /** RFC 3339 text or a `Date`. */
  created_at?: string | Date | null;
  /** ITIL impact: 1..3, '1'..'3' or 'high' | 'medium' | 'low'. */
  impact?: number | string | null;
  /** ITIL urgency: 1..3, '1'..'3' or 'high' | 'medium' | 'low'. */
  urgency?: number | string | null;
  /** An array of strings, or one string. */
  tags?: readonly string[] | string | null;
  /** Custom fields (`ticket.fields["x"]` in rules). */
  fields?: Readonly<Record<string, unknown>> | null;
}

/** One rule's part in a decision. */
export interface RuleTrace {
  rule: string;
  matched: boolean;
  actions: { field: string; value: string }[];
  error: string | null;
  output: string[];
}

/** One model head's prediction in a trace. */
export interface ModelTrace {
  head: string;
  label: string;
  confidence: number;
  /** `[label, probability]`, best first. */
  top: [string, number][];
}

/** One n-gram of the text and how much it moved the predicted label's decision value. */
export interface Contributor {
  /** As the pipeline saw it (lowercased); a bigram is two tokens joined by a space. */
  ngram: string;
  /** `word`: the token's unigram plus its char n-grams; `bigram`: two adjacent tokens. */
  kind: 'word' | 'bigram';
  contribution: number;
  /** The part of `contribution` from the word's char n-grams (0 for bigrams). */
  from_chars: number;
}

/** Why one head predicted `label`: `bias + sum of all contributions (listed + rest) == score`. */
export interface HeadExplanation {
  head: string;
  label: string;
  confidence: number;
  /** Decision value of `label`. */
  score: number;
  bias: number;
  /** Up to k n-grams that raised the score, largest first. */
  supporting: Contributor[];
  /** Up to k n-grams that lowered it, most negative first. */
  opposing: Contributor[];
  /** Sum of the contributions not listed. */
  rest: number;
}

/** How an agent is picked among a group's eligible agents. */
export type Strategy = 'round-robin' | 'least-loaded' | 'skills-based' | 'manual';

/** The assignment step of a decision. */
export interface AssignmentTrace {
  /** The group routed to. */
  group: string;
  /** The strategy used, or null when the group has no agents. */
  strategy: Strategy | null;
  /** The agent picked, if any. */
  agent: string | null;
  /** Whether the agent's load was incremented (false for a dry run). */
  committed: boolean;
  /** Every member of the group considered, in roster order. */
  candidates: { agent: string; eligible: boolean; reason: string }[];
  /** One sentence explaining the outcome. */
  explanation: string;
}

/** Why a decision came out as it did. */
export interface Trace {
  rules_version: string;
  model_version: string | null;
  roster_version: string;
  model: ModelTrace[];
  /** Per head, present only when the `explain` option (engine or call) is above 0. */
  model_explanation?: HeadExplanation[];
  rules: RuleTrace[];
  stopped_by: string | null;
  /** Decided field -> `rule:<name>`, `model`, `default` or `review`. */
  sources: Record<string, string>;
  /** Candidates considered and the pick. */
  assignment: AssignmentTrace;
  elapsed_us: number;
}

/** The outcome of triaging one ticket, without its trace (`trace: false`). */
export interface UntracedDecision {
  ticket_id: string;
  category: string | null;
  priority: string | null;
  group: string | null;
  agent: string | null;
  tags: string[];
  needs_review: boolean;
  review_reason: string | null;
  confidence: number | null;
}

/** The outcome of triaging one ticket (snake_case, as triagekit's JSON), with its trace. */
export interface Decision extends UntracedDecision {
  trace: Trace;
}

/** A `triageBatch` slot: a decision, or the error of that ticket alone. */
export type BatchResult<D extends UntracedDecision = Decision> = D | { error: TriageErrorInfo };

/** Engine options (camelCase here; snake_case keys are accepted too). */
export interface EngineOptions {
  /** Model confidence below which the category is not trusted and the ticket goes to review (0..1). */
  reviewThreshold?: number;
  /** Per-category thresholds overriding `reviewThreshold`. */
  classThresholds?: Record<string, number>;
  /** Group receiving tickets that need review (default `triage-review`). */
  reviewQueue?: string;
  /** Group used when neither rules nor model pick one. */
  defaultGroup?: string | null;
  /** Count assignments against agents' loads (default true); false is a dry run. */
  commit?: boolean;
  /** Labels per model head reported to rules and trace (default 3). */
  topK?: number;
  /** A rule raising an error fails the triage (RULE_RUNTIME) instead of being recorded. */
  strictRules?: boolean;
  /**
   * A fixed "now" (RFC 3339 string or `Date`) for tickets without `created_at`: `now()` in
   * rules, `within_hours` and agents' working hours. Unset reads the clock once per ticket.
   */
  now?: string | Date | null;
  /** `set_agent` may name an agent who is not on the roster (default false: a rule error). */
  allowUnlistedAgents?: boolean;
  /** N-grams per model head in each trace's `model_explanation` (default 0: off). */
  explain?: number;
}

/** The options in use, as triagekit serialises them. */
export interface EngineOptionsSnapshot {
  review_threshold: number;
  class_thresholds: Record<string, number>;
  review_queue: string;
  default_group: string | null;
  commit: boolean;
  top_k: number;
  strict_rules: boolean;
  /** RFC 3339, or null when the machine's clock is read. */
  now: string | null;
  allow_unlisted_agents: boolean;
  explain: number;
}

/** A roster object (the agents.json format): agents, groups and strategies. */
export interface Roster {
  version?: string;
  groups?: Record<string, { strategy?: string }>;
  agents: {
    id: string;
    name?: string;
    groups?: string[];
    skills?: string[] | Record<string, number> | (string | { name: string; level: number })[];
    capacity: number | { max: number; per_channel?: Record<string, number> };
    /** A number, or per channel plus `total` (as `roster()` reports it). */
    load?: number | Record<string, number>;
    presence?: Presence;
    hours?: { tz: string; days: string; start: string; end: string };
  }[];
}

/** Agent presence; only online agents are assigned tickets. */
export type Presence = 'online' | 'away' | 'offline';

/** Per-call triage options. */
export interface TriageOptions {
  /** Override the engine's `commit` for this call (false = decide without taking capacity). */
  commit?: boolean;
  /** Include the trace (default true); with false the `trace` key is left out. */
  trace?: boolean;
  /** Override the engine's `explain` for this call (0 = no `model_explanation`). */
  explain?: number;
}

/** `triageBatch` options. */
export interface BatchOptions extends TriageOptions {
  /** Tickets per native call (default 256); smaller keeps each main-thread step shorter. */
  chunkSize?: number;
}

/** Engine counters (snake_case). */
export interface Stats {
  tickets_triaged: number;
  errors: number;
  review_queue: number;
  unassigned: number;
  rules: Record<string, { hits: number; errors: number }>;
  groups: Record<string, number>;
  agents: Record<string, number>;
  latency_us: { p50: number; p90: number; p99: number };
}

/** Engine construction. */
export interface EngineConfig {
  /** A rule file or folder (a missing path throws IO); text that cannot be a path (a line
   * break or one of `{ } ; "`) is compiled as rules. Give this or `rulesSource`. */
  rules?: string;
  /** Rhai rule source text, never read as a path. */
  rulesSource?: string;
  /** A `Model` or a model file path. */
  model?: Model | string | null;
  /** A roster file path or a roster object. */
  agents?: string | Roster | null;
  options?: EngineOptions;
}

/** Triages tickets: model, then rules, then assignment. Share one per process. */
export declare class Engine {
  constructor(config: EngineConfig);
  /** All paths, like the CLI: `rules` must be a file or folder. */
  static fromPaths(config: { rules: string; model?: string | null; agents?: string | null; options?: EngineOptions }): Engine;
  /** Synchronous (microseconds). Throws INVALID_TICKET, RULE_RUNTIME (strict rules), ... */
  triage(ticket: Ticket, options: TriageOptions & { trace: false }): UntracedDecision;
  triage(ticket: Ticket, options?: TriageOptions & { trace?: true }): Decision;
  triage(ticket: Ticket, options?: TriageOptions): Decision | UntracedDecision;
  /**
   * Triages off the main thread (libuv pool + rayon); results in input order, one per ticket.
   * A bad ticket fails only its own slot. The whole call decides on the rules, model, roster
   * and options in use when it starts; a reload during the batch applies to the next call.
   * Results are decoded one part per event loop turn (published on the diagnostics channel
   * `triagekit:batch-decode` as `{ batch, part, slots }`).
   */
  triageBatch(tickets: readonly Ticket[], options: BatchOptions & { trace: false }): Promise<BatchResult<UntracedDecision>[]>;
  triageBatch(tickets: readonly Ticket[], options?: BatchOptions & { trace?: true }): Promise<BatchResult<Decision>[]>;
  triageBatch(tickets: readonly Ticket[], options?: BatchOptions): Promise<BatchResult<Decision | UntracedDecision>[]>;
  /** Compiles (path or source) and swaps rules in atomically; on error the old rules stay. */
  reloadRules(rules: string | { rulesSource: string }): void;
  /** Swaps the model in (Model or path), or removes it with null. */
  setModel(model: Model | string | null): void;
  /** Replaces the roster; loads and presence restart from the new one. */
  replaceRoster(agents: string | Roster): void;
  /** Changes the options named; the others keep their values. Applies at once (`strictRules` too). */
  setOptions(options: EngineOptions): void;
  /** The options in use. */
  readonly options: EngineOptionsSnapshot;
  /** Sets an agent's open-ticket count. */
  setLoad(agent: string, load: number): void;
  setPresence(agent: string, presence: Presence): void;
  /** Frees one unit of the agent's capacity (and of `channel`'s) when one of their tickets closes. */
  ticketClosed(agent: string, channel?: string | null): void;
  stats(): Stats;
  /** Prometheus text exposition format. */
  statsPrometheus(): string;
  /** The roster in use (agents.json format) with each agent's live `load` and `presence`. */
  roster(): Roster;
  /** Versions of the rules, model and roster in use. */
  versions(): { rules: string; model: string | null; roster: string };
}

/** Labels: an array trains head `category`; an object trains one head per key. */
export type Labels = (string | number | null)[] | Record<string, (string | number | null)[]>;

/**
 * Training options; the model crate's `TrainConfig` reads them (snake_case keys work too) and
 * gives an unset one its default. A bad value, wrong type or unknown key rejects with code
 * MODEL and `field` naming the option.
 */
export interface FitOptions {
  algorithm?: 'linear' | 'naive-bayes';
  /** Same seed + same data = byte-identical model (default 42). */
  seed?: number;
  /** SVM regularisation, finite and > 0 (default 0.5). */
  c?: number;
  maxTextChars?: number;
  /** Hash buckets per feature block = 2^hashBits (8..24). */
  hashBits?: number;
  maxIter?: number;
  /** SVM stopping tolerance (default 0.1). */
  eps?: number;
  wordNgramMax?: 1 | 2;
  charNgramMin?: number;
  charNgramMax?: number;
  foldNumbers?: boolean;
  /** Numbers and codes: 'keep_with_shape' (default; codes such as job_1424 stay one token plus
   * their parts, followed by a shape token such as "4 digits"), 'keep' (no shape token) or
   * 'fold' (digits become one placeholder). */
  numbers?: 'fold' | 'keep' | 'keep_with_shape';
  /** 'balanced' (default: rare classes count more), 'none', or label -> weight. */
  classWeight?: 'balanced' | 'none' | Record<string, number>;
  /** NBSVM feature scaling: smoothing of its log-count ratios (e.g. 1); 0 (default) is off. */
  nbScaling?: number;
  /** Weight of char n-grams against words, > 0 (default 1). */
  charWeight?: number;
  /** Largest model file in MB; the least important features are dropped past it (default 5, 0 = no limit). */
  maxModelMb?: number;
  /** Share of each class held out to calibrate confidences, in [0, 1) (default 0.2). */
  calibrationHoldout?: number;
  nbAlpha?: number;
  nbMaxFeatures?: number;
  /** Creation time to record (RFC 3339). */
  created?: string;
  dataHash?: string;
  /** Start from this model's weights and keep its text pipeline (retraining from corrections);
   * a pipeline option that conflicts with it is `MODEL` with `field` naming the option. */
  warmStart?: Model | null;
  /** Pick c, numbers and char n-grams by stratified k-fold cross-validation first; the CV
   * table goes into `metadata.tuning`. */
  tune?: boolean;
  /** Seconds the tuning search may take (default 60; 0 = score the given settings only). */
  budgetS?: number;
  /** Cross-validation folds of tuning, 2..20 (default 3). */
  folds?: number;
  /** What tuning maximises (default 'accuracy'). */
  tuneMetric?: 'accuracy' | 'macro_f1';
}

/** One head's prediction. */
export interface HeadPrediction {
  label: string;
  confidence: number;
  /** `[label, probability]`, best first. */
  top: [string, number][];
}

/** Evaluation of one head (snake_case). */
export interface HeadReport {
  accuracy: number;
  macro_f1: number;
  support: number;
  skipped: number;
  per_class: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  confusion: { labels: string[]; matrix: number[][] };
}

/** Training figures of one head, in `ModelMetadata.heads`. */
export interface HeadMetrics {
  head: string;
  /** Rows with a label for this head. */
  rows: number;
  /** Distinct classes. */
  classes: number;
  /** Rows skipped because their label was empty. */
  skipped: number;
  /** Accuracy of the stored model on its own training rows. */
  train_accuracy: number;
  /** Fitted softmax temperature. */
  temperature: number;
}

/** Provenance and settings of a trained model (snake_case). */
export interface ModelMetadata {
  format_version: number;
  algorithm: 'linear' | 'naive-bayes';
  seed: number;
  /** SVM regularisation. */
  c: number;
  /** Creation time, RFC 3339 UTC. */
  created: string;
  /** Hash of the training data, or empty. */
  data_hash: string;
  /** Training rows. */
  rows: number;
  /** Character cap applied to texts. */
  max_text_chars: number;
  /** Hash bits per feature block. */
  hash_bits: number;
  /** Features kept (seen in training). */
  n_features: number;
  heads: HeadMetrics[];
  /** How `tune: true` chose the settings; null for an untuned fit. */
  tuning: TuningSummary | null;
}

/** One row of the tuning CV table (snake_case). */
export interface CandidateScore {
  /** 'default' or the changed options, e.g. 'c=1.0 char_ngrams=3-6'. */
  label: string;
  /** The options changed, as JSON text. */
  overrides: string;
  mean: number;
  std: number;
  fold_scores: number[];
  /** Not evaluated: the time budget ran out. */
  skipped: boolean;
}

/** The tuning record in the model metadata (snake_case). */
export interface TuningSummary {
  metric: 'accuracy' | 'macro_f1';
  folds: number;
  seed: number;
  budget_s: number;
  chosen: string;
  chosen_overrides: string;
  candidates: CandidateScore[];
}

/** A trained, immutable text model. */
export declare class Model {
  private constructor();
  /** Trains off the main thread. */
  static fit(texts: string[], labels: Labels, options?: FitOptions): Promise<Model>;
  /** Reads a model file (MODEL_FORMAT if it is not one, or from a newer version). */
  static load(path: string): Model;
  /** Writes the model file atomically. */
  save(path: string): void;
  /** Top-k (default 3) per head. */
  predict(text: string, options?: { k?: number }): Record<string, HeadPrediction>;
  /** Per head, the k (default 5) n-grams that raised and lowered the predicted label's score. */
  explain(text: string, k?: number): Record<string, HeadExplanation>;
  /** Probabilities of one head (default `primaryHead`), aligned with `classes(head)`. */
  predictProba(text: string, head?: string): number[];
  classes(head?: string): string[];
  readonly heads: string[];
  /** The head used when none is named: `category` if the model has it, else the first head. */
  readonly primaryHead: string;
  /** Stable id (payload hash), as in decision traces. */
  readonly version: string;
  /** Training provenance and metrics (snake_case). */
  readonly metadata: ModelMetadata;
  /** Accuracy, macro-F1, per-class figures, confusion matrix per head; off the main thread. */
  evaluate(texts: string[], labels: Labels): Promise<{ heads: Record<string, HeadReport> }>;
}

declare const triagekit: { Engine: typeof Engine; Model: typeof Model; ErrorCode: typeof ErrorCode };
export default triagekit;
