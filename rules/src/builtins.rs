//! Checked replacements of Rhai string builtins whose single call can take long or build a
//! huge string before Rhai's size check sees the result.
//!
//! Functions registered on the engine take precedence over Rhai's standard package, so these
//! keep the names and semantics of the originals: `pad` (Rhai pushes one character at a time,
//! ~14 ms for a megabyte, and never ends with an empty padding string) and `replace` (Rhai
//! builds the whole result first: replacing each byte of a megabyte by a megabyte would
//! allocate a terabyte).

use rhai::{Engine, EvalAltResult, ImmutableString, NativeCallContext, Position, INT};

use crate::bounds;

type Res = Result<(), Box<EvalAltResult>>;

fn too_long() -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorDataTooLarge("Length of string".into(), Position::NONE))
}

/// Fails when a string of `len` bytes would pass the engine's string size limit.
fn check_len(ctx: &NativeCallContext, len: usize) -> Res {
    let max = ctx.engine().max_string_size();
    if max > 0 && len > max {
        Err(too_long())
    } else {
        Ok(())
    }
}

/// `string.pad(len, padding)`: appends `padding` (cut to fit) until `len` characters.
fn pad(ctx: &NativeCallContext, string: &mut ImmutableString, len: INT, padding: &str) -> Res {
    bounds::check_time()?;
    if len <= 0 || padding.is_empty() {
        return Ok(());
    }
    let len = usize::try_from(len).map_err(|_| too_long())?;
    check_len(ctx, len)?;
    let have = string.chars().count();
    if len <= have {
        return Ok(());
    }
    let missing = len - have;
    let per = padding.chars().count();
    let (whole, part) = (missing / per, missing % per);
    let tail: &str = padding.char_indices().nth(part).map_or(padding, |(at, _)| &padding[..at]);
    let bytes = string.len() + whole * padding.len() + if part == 0 { 0 } else { tail.len() };
    check_len(ctx, bytes)?;
    let mut out = String::with_capacity(bytes);
    out.push_str(string);
    for _ in 0..whole {
        out.push_str(padding);
    }
    if part > 0 {
        out.push_str(tail);
    }
    *string = out.into();
    Ok(())
}

/// `string.replace(find, substitute)`, refused before any work when the result would be too long.
fn replace(ctx: &NativeCallContext, string: &mut ImmutableString, find: &str, substitute: &str) -> Res {
    bounds::check_time()?;
    if string.is_empty() {
        return Ok(());
    }
    let count = if find.is_empty() { string.chars().count() + 1 } else { string.matches(find).count() };
    if count == 0 {
        return Ok(());
    }
    let bytes = (string.len() - count * find.len()).saturating_add(count.saturating_mul(substitute.len()));
    check_len(ctx, bytes)?;
    *string = string.replace(find, substitute).into();
    Ok(())
}

fn one(c: char) -> String {
    c.to_string()
}

/// Registers the checked builtins over Rhai's own.
pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("pad", |ctx: NativeCallContext, s: &mut ImmutableString, len: INT, p: &str| pad(&ctx, s, len, p));
    engine.register_fn("pad", |ctx: NativeCallContext, s: &mut ImmutableString, len: INT, c: char| {
        pad(&ctx, s, len, &one(c))
    });
    engine.register_fn("replace", |ctx: NativeCallContext, s: &mut ImmutableString, f: &str, r: &str| {
        replace(&ctx, s, f, r)
    });
    engine.register_fn("replace", |ctx: NativeCallContext, s: &mut ImmutableString, f: &str, r: char| {
        replace(&ctx, s, f, &one(r))
    });
    engine.register_fn("replace", |ctx: NativeCallContext, s: &mut ImmutableString, f: char, r: &str| {
        replace(&ctx, s, &one(f), r)
    });
    engine.register_fn("replace", |ctx: NativeCallContext, s: &mut ImmutableString, f: char, r: char| {
        replace(&ctx, s, &one(f), &one(r))
    });
}
