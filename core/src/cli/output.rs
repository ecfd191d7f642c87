//! Standard output for commands whose reader may leave early (`triagekit ... | head -1`): a
//! closed pipe ends the command quietly with status 0, as it does for `cat` under `head`.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;

/// Writes formatted text to stdout; on a closed pipe the process exits 0, on any other write
/// error it reports once and exits 1 (there is no one left to read further output).
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_fmt(args).and_then(|()| stdout.flush()) {
        std::process::exit(exit_status(&error));
    }
}

/// The exit code for a failed write to stdout: success when the reader closed the pipe.
pub fn write_failed(error: &std::io::Error) -> ExitCode {
    ExitCode::from(u8::try_from(exit_status(error)).unwrap_or(1))
}

fn exit_status(error: &std::io::Error) -> i32 {
    if error.kind() == ErrorKind::BrokenPipe {
        return 0;
    }
    // Not `eprintln!`: it panics when stderr is closed too.
    let _ = writeln!(std::io::stderr(), "error: writing output: {error}");
    1
}

/// `println!` to stdout that exits quietly when the reader has gone.
macro_rules! outln {
    () => { $crate::cli::output::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::output::write(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` to stdout that exits quietly when the reader has gone.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::write(format_args!($($arg)*)) };
}

pub(crate) use {out, outln};
