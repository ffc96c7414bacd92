//! An argument list from elsewhere (an explorer link, a shard file's header, Python's
//! keywords) read by the command line's own parser, so every flag means and refuses there
//! what it means and refuses on the command line.

use std::ffi::OsString;

use clap::Parser;

use crate::args::Cli;

/// Parses `grokflow <argv…>` (without the program name). A refusal is clap's message
/// without its "error: " and usage lines: the flag and what it allows.
pub fn parse<I, T>(argv: I) -> Result<Cli, String>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let argv = std::iter::once(OsString::from("grokflow")).chain(argv.into_iter().map(Into::into));
    Cli::try_parse_from(argv).map_err(|e| {
        let rendered = e.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        first.trim_start_matches("error: ").to_owned()
    })
}
