//! Sandboxed engine construction, compilation, and the per-thread engine cache.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Weak};


use rhai::module_resolvers::DummyModuleResolver;
use rhai::{Caches, Engine, EvalAltResult, ImmutableString, OptimizationLevel, Scope, AST};

use crate::error::RuleError;
use crate::native::ir::{Cond, NativePlan, TopLevelStep};
use crate::native::lower;
use crate::eval_state::{self, RegexMap};
use crate::{actions, bounds, builtins, dsl, helpers, view, RuleSetData, RuleInfo, RuleOptions};

/// Rule sets cached per thread; hot reload swaps rule sets, so old ones must age out.
const MAX_CACHED_RULESETS: usize = 4;

/// A sandboxed engine with the DSL, views, actions and helpers registered.
pub(crate) fn build_engine(opts: &RuleOptions) -> Engine {
    let mut e = Engine::new();
    e.set_optimization_level(OptimizationLevel::Full)
        .set_max_operations(opts.max_operations_per_rule)
        .set_max_call_levels(opts.max_call_depth)
        .set_max_string_size(opts.max_string_size)
        .set_max_array_size(opts.max_array_size)
        .set_max_map_size(opts.max_map_size)
        .set_module_resolver(DummyModuleResolver::new())
        .disable_symbol("eval")
        .disable_symbol("import");
    // Script output belongs to the rule's trace; a library must never write to stdout.
    e.on_print(capture);
    e.on_debug(|s, _, _| capture(s));
    view::register(&mut e);
    actions::register(&mut e);
    helpers::register(&mut e);
    dsl::register(&mut e, opts);
    bounds::register(&mut e, opts);
    builtins::register(&mut e);
    e
}

fn capture(line: &str) {
    eval_state::with(|s| s.capture_output(line));
}

/// What compiling a rule set produces.
pub(crate) struct Compiled {
    pub ast: AST,
    pub rules: Vec<RuleInfo>,
    pub regexes: RegexMap,
}

/// Compiles each file separately (so positions are per file), checks it, then joins them.
pub(crate) fn compile(engine: &Engine, sources: &[(String, String)]) -> Result<Compiled, RuleError> {
    let mut out = Compiled { ast: AST::empty(), rules: Vec::new(), regexes: RegexMap::new() };
    let mut seen = HashMap::new();
    for (file, src) in sources {
        let mut ast = engine.compile(src).map_err(|e| {
            let pos = e.position();
            RuleError::Syntax {
                file: file.clone(),
                line: pos.line().unwrap_or(0),
                column: pos.position().unwrap_or(0),
                message: e.err_type().to_string(),
            }
        })?;
        ast.set_source(file.as_str());
        dsl::inspect(&ast, file, &mut out.rules, &mut seen, &mut out.regexes)?;
        out.ast.combine(ast);
    }
    Ok(out)
}

/// One thread's compiled copy of a rule set and the state reused between its runs.
pub(crate) struct Runner {
    engine: Engine,
    ast: AST,
    scope: Scope<'static>,
    /// Function-resolution caches kept across runs: the engine and AST never change, so
    /// resolutions stay valid and each call site is resolved once per thread, not per ticket.
    caches: Caches,
    source: Option<ImmutableString>,
    /// Native fast paths for rules (built from this thread's AST).
    pub plan: Arc<NativePlan>,
}

impl Runner {
    fn new(inner: &RuleSetData) -> Result<Runner, RuleError> {
        let engine = build_engine(&inner.options);
        let ast = compile(&engine, &inner.sources)?.ast;
        let plan = Arc::new(lower::build(&ast, &inner.rules, &inner.options, &inner.regexes));
        let source = ast.source().map(ImmutableString::from);
        Ok(Runner { engine, ast, scope: Scope::new(), caches: Caches::new(), source, plan })
    }

    /// Runs the whole script once with `setup` filling the (cleared) scope.
    pub(crate) fn run(&mut self, setup: impl FnOnce(&mut Scope<'static>)) -> Result<(), Box<EvalAltResult>> {
        self.scope.clear();
        setup(&mut self.scope);
        let mut global = self.engine.new_global_runtime_state();
        global.source.clone_from(&self.source);
        global.lib.push(self.ast.shared_lib().clone());
        let r = match &self.plan.driver {
            // Only rules and literal constants: native rules skip the interpreter entirely and
            // the others run one statement at a time with the same scope and global state.
            Some(steps) => {
                let stmts = self.ast.statements();
                let mut r = Ok(());
                for step in steps {
                    let stmt = match *step {
                        TopLevelStep::Native(i) => match eval_state::with(|s| dsl::native_rule(s, i, global.num_operations)) {
                            Some(done) => {
                                r = done;
                                if r.is_err() {
                                    break;
                                }
                                // As a rule run by Rhai does: top-level code after it gets a fresh budget.
                                global.num_operations = 0;
                                continue;
                            }
                            None => self.plan.rules[i].stmt,
                        },
                        TopLevelStep::Interpreted(i) => i,
                    };
                    #[allow(deprecated)]
                    let one = self.engine.eval_statements_raw(&mut global, &mut self.caches, &mut self.scope, &stmts[stmt..=stmt]);
                    if let Err(e) = one {
                        r = Err(e);
                        break;
                    }
                }
                r
            }
            // Same as `Engine::run_ast_with_scope`, but with caches that outlive the run.
            None => {
                #[allow(deprecated)]
                let r = self.engine.eval_statements_raw(&mut global, &mut self.caches, &mut self.scope, self.ast.statements());
                r.map(drop)
            }
        };
        if self.caches.fn_resolution_caches_len() > 1 {
            self.caches.rewind_fn_resolution_caches(1);
        }
        r
    }
}

struct Cached {
    id: u64,
    owner: Weak<RuleSetData>,
    runner: Runner,
    last_used: u64,
}

thread_local! {
    static ENGINES: RefCell<(u64, Vec<Cached>)> = const { RefCell::new((0, Vec::new())) };
}

/// Runs `f` with this thread's runner (engine, AST, scope, caches, plan) for `inner`.
///
/// Each thread compiles its own AST from source instead of cloning a shared one: shared
/// `Arc`ed constants would make every thread bump the same reference counts.
pub(crate) fn with_engine<R>(inner: &Arc<RuleSetData>, f: impl FnOnce(&mut Runner) -> R) -> Result<R, RuleError> {
    let mut f = Some(f);
    let cached = ENGINES.try_with(|cell| {
        let Ok(mut guard) = cell.try_borrow_mut() else { return None };
        let (clock, list) = &mut *guard;
        *clock += 1;
        let now = *clock;
        let idx = match list.iter().position(|c| c.id == inner.id) {
            Some(i) => i,
            None => {
                list.retain(|c| c.owner.strong_count() > 0);
                if list.len() >= MAX_CACHED_RULESETS {
                    if let Some(lru) = (0..list.len()).min_by_key(|&i| list[i].last_used) {
                        list.swap_remove(lru);
                    }
                }
                let runner = match Runner::new(inner) {
                    Ok(r) => r,
                    Err(e) => return Some(Err(e)),
                };
                list.push(Cached { id: inner.id, owner: Arc::downgrade(inner), runner, last_used: now });
                list.len() - 1
            }
        };
        let c = &mut list[idx];
        c.last_used = now;
        f.take().map(|f| Ok(f(&mut c.runner)))
    });
    match (cached, f) {
        (Ok(Some(r)), _) => r,
        // Thread-local gone (thread exit) or busy: fall back to a one-off engine.
        (_, Some(f)) => Ok(f(&mut Runner::new(inner)?)),
        (_, None) => Err(RuleError::Runtime {
            rule: crate::error::TOP_LEVEL.into(),
            message: "rule engine unavailable on this thread".into(),
            line: None,
            column: None,
        }),
    }
}

/// Number of rule sets cached on the calling thread (for tests of eviction).
pub fn cached_rulesets_on_this_thread() -> usize {
    ENGINES.try_with(|c| c.try_borrow().map_or(0, |g| g.1.len())).unwrap_or(0)
}

impl crate::RuleSet {
    /// How many rules run fully natively (condition and body) on this thread, so tests can
    /// check that they exercise the native path.
    #[doc(hidden)]
    pub fn native_rules(&self) -> usize {
        let count = |r: &mut Runner| {
            r.plan.rules.iter().filter(|p| !matches!(p.cond, Cond::Interpreted) && p.body.is_some()).count()
        };
        with_engine(&self.inner, count).unwrap_or(0)
    }
}
