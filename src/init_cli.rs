//! `nianbao init`: a skeleton report, or next year's begun from last year's (`--from`).

use crate::{print_diagnostics, print_json, print_operational, read_input, DiagFormat, FormatArg};
use nianbao::error::{Class, Error};
use nianbao::template::Format;
use std::path::PathBuf;

pub(crate) const INIT_HELP: &str =
    "With --from LAST.json (`-` reads standard input), the report for the year after LAST's:
agency and title kept (the year moved on), the prose's headings kept (paragraphs too with
--keep-prose), the tables zeroed except what follows from last year: 二、上年结转 = last
year's 四、结转下年度继续办理 per column (四 the same until the year's figures are entered),
2021 现行有效件数, 2019 上一年项目数量. A 2019-format report becomes a 2021-format one for a
year from 2021 on; each cell one format has and the other lacks is named in a warning.
`date` is the placeholder \"YYYY-MM-DD\": validate warns until it is replaced.

EXIT STATUS:
    0  the report was printed on standard output (warnings allowed)
    1  LAST.json has errors (listed, with their places); nothing was printed
    2  LAST.json unreadable, or bad arguments";

/// The arguments of `init`.
#[derive(clap::Args)]
pub(crate) struct InitArgs {
    /// The statute format; default by the year (2019 for 2019–2020, else 2021)
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The report's year; with --from, default: LAST's year + 1
    #[arg(long)]
    year: Option<i64>,
    /// The reporting body; with --from, default: LAST's
    #[arg(long)]
    agency: Option<String>,
    /// Last year's report (JSON; `-` reads standard input): begin the next year's from it
    #[arg(long, value_name = "LAST.json")]
    from: Option<PathBuf>,
    /// With --from: keep last year's paragraphs, not only its headings
    #[arg(long, requires = "from")]
    keep_prose: bool,
}

/// Prints the skeleton, or next year's report, on standard output; returns the exit status.
pub(crate) fn run(args: &InitArgs, how: DiagFormat) -> u8 {
    let format = args.format.map(|f| match f {
        FormatArg::F2019 => Format::F2019,
        FormatArg::F2021 => Format::F2021,
    });
    if let Some(y) = args.year {
        if !(2008..=2100).contains(&y) {
            let e = Error::new(Class::Argument, "--year must be between 2008 and 2100");
            print_operational("init", &e, how);
            return 2;
        }
    }
    let Some(from) = &args.from else {
        let f = format.unwrap_or(args.year.map_or(Format::F2021, Format::for_year));
        let skeleton = nianbao::init::skeleton(f, args.year, args.agency.as_deref());
        return print_json(&nianbao::init::with_date_placeholder(skeleton));
    };
    let name = crate::display_name(from);
    let bytes = match read_input(from) {
        Ok(b) => b,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let opts = nianbao::next_year::Options {
        year: args.year,
        format,
        agency: args.agency.as_deref(),
        keep_prose: args.keep_prose,
    };
    match nianbao::next_year::next_year(&bytes, &opts) {
        Ok(next) => {
            print_diagnostics(&name, Some(&bytes), &next.notes, how);
            print_json(&next.report)
        }
        Err(nianbao::next_year::FromError::Rejected(diags)) => {
            print_diagnostics(&name, Some(&bytes), &diags, how);
            1
        }
        Err(nianbao::next_year::FromError::Failed(e)) => {
            print_operational(&name, &e, how);
            2
        }
    }
}
