//! `nianbao render`: its arguments (shared with `batch`), where its outputs go, and the
//! render of one report.

use crate::{
    display_name, print_count, print_diagnostics, print_operational, read_input, say, write_stdout, DiagFormat,
};
use clap::ValueEnum;
use nianbao::error::{Class, Error};
use nianbao::validate::Options;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `--pdf-standard` values.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StandardArg {
    /// PDF/A-2a and PDF/UA-1 together (the default when the text allows it)
    #[value(name = "a2a-ua1")]
    A2aUa1,
    /// PDF/A-2a: archival, tagged
    A2a,
    /// PDF/A-2u: archival, Unicode text
    A2u,
    /// PDF/A-2b: archival, appearance only
    A2b,
    /// PDF/UA-1: accessible
    Ua1,
    /// Plain PDF 1.7 (still tagged)
    None,
}

/// What `--embed-fonts` embeds.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EmbedArg {
    /// Subsets of only the characters the report prints
    Subset,
    /// The whole fonts
    Full,
}

/// Said once by `render` when it writes a DOCX without embedded fonts.
const NO_EMBED_NOTE: &str = "note: the DOCX names the official fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312); on a machine without them Word and WPS substitute similar fonts and LibreOffice its defaults, so lines and pages may break differently; --embed-fonts embeds subsets of the bundled fonts with only the characters used (well under 1 MB), so it looks the same everywhere";

/// Options shared by `render` and `batch`.
#[derive(clap::Args, Clone)]
pub(crate) struct RenderArgs {
    /// Write PDF
    #[arg(long)]
    pub(crate) pdf: bool,
    /// Write DOCX
    #[arg(long)]
    pub(crate) docx: bool,
    /// Write HTML: one self-contained page for the government portal (no script, no external
    /// resource)
    #[arg(long)]
    pub(crate) html: bool,
    /// Write HTML as a fragment: only the report's <div> with its scoped styles, to paste into
    /// a CMS editor's source view (written as .html)
    #[arg(long, conflicts_with = "html")]
    pub(crate) html_fragment: bool,
    /// Archive mode: identity failures (I-1…I-4) are warnings, numbers are kept as published
    #[arg(long)]
    pub(crate) as_published: bool,
    /// The standards the PDF claims (every PDF is tagged): a2a-ua1, a2a, a2u, a2b, ua1, none;
    /// default: a2a-ua1, or a2b when the text holds a private-use character (with a warning)
    #[arg(long, value_enum, value_name = "STANDARD")]
    pdf_standard: Option<StandardArg>,
    /// Write plain PDF: the same as --pdf-standard none
    #[arg(long, conflicts_with = "pdf_standard")]
    pub(crate) no_pdfa: bool,
    #[command(flatten)]
    pub(crate) fonts: FontArgs,
    /// Embed the fonts in the DOCX (obfuscated, as Word does), so that it shows the bundled
    /// fonts where the official ones are missing: `--embed-fonts` (or `=subset`) embeds only
    /// the characters used (well under 1 MB), `--embed-fonts=full` the whole fonts (about 13 MB)
    #[arg(long, value_enum, value_name = "WHAT", num_args = 0..=1, require_equals = true, default_missing_value = "subset")]
    embed_fonts: Option<EmbedArg>,
    /// Set no gap between Chinese and Latin letters or digits (autospace is on by default in
    /// the PDF and the DOCX, about a quarter em, as Word and WPS set it); an ASCII space in
    /// the text then prints as a space
    #[arg(long)]
    pub(crate) no_autospace: bool,
    /// Say which font served each role and which characters fell back to another font
    #[arg(short, long)]
    pub(crate) verbose: bool,
}

/// Where fonts come from: shared by `render`, `batch` and `fonts`.
#[derive(clap::Args, Clone)]
pub(crate) struct FontArgs {
    /// The bundled fonts folder (default: $NIANBAO_FONTS, else found beside the program, in
    /// ../share/nianbao/fonts, or the user's data folder; `nianbao fonts` shows which)
    #[arg(long, value_name = "DIR")]
    pub(crate) fonts: Option<PathBuf>,
    /// A folder searched for fonts named with --font (repeatable)
    #[arg(long, value_name = "DIR")]
    pub(crate) font_dir: Vec<PathBuf>,
    /// Replace a role's font: ROLE=NAME or ROLE=FILE; roles: title, body, heading1, heading2,
    /// song, latin; names are matched against the fonts' name tables, Chinese names included
    #[arg(long, value_name = "ROLE=FONT")]
    pub(crate) font: Vec<nianbao::text::fonts::RoleOverride>,
}

impl FontArgs {
    pub(crate) fn config(&self) -> nianbao::text::fonts::FontConfig {
        nianbao::text::fonts::FontConfig {
            bundled: self.fonts.clone(),
            dirs: self.font_dir.clone(),
            overrides: self.font.clone(),
        }
    }
}

impl RenderArgs {
    fn pdf_standard(&self) -> nianbao::export::pdf::PdfStandard {
        use nianbao::export::pdf::PdfStandard as S;
        match (self.pdf_standard, self.no_pdfa) {
            (_, true) | (Some(StandardArg::None), _) => S::None,
            (None, false) => S::Best,
            (Some(StandardArg::A2aUa1), _) => S::A2aUa1,
            (Some(StandardArg::A2a), _) => S::A2a,
            (Some(StandardArg::A2u), _) => S::A2u,
            (Some(StandardArg::A2b), _) => S::A2b,
            (Some(StandardArg::Ua1), _) => S::Ua1,
        }
    }

    pub(crate) fn font_config(&self) -> nianbao::text::fonts::FontConfig {
        self.fonts.config()
    }

    /// Loads the fonts the job needs (none for a plain DOCX or HTML) and builds the render
    /// options.
    pub(crate) fn prepare(
        &self,
        pdf: bool,
        docx: bool,
        html: bool,
    ) -> Result<(nianbao::text::fonts::FontBook, nianbao::render::RenderOptions), Error> {
        let config = self.font_config();
        let embed = match self.embed_fonts {
            _ if !docx => nianbao::render::Embedding::None,
            None => nianbao::render::Embedding::None,
            Some(EmbedArg::Subset) => nianbao::render::Embedding::Subset,
            Some(EmbedArg::Full) => nianbao::render::Embedding::Full,
        };
        let fonts = if pdf || embed != nianbao::render::Embedding::None {
            nianbao::text::fonts::FontBook::load(&config).map_err(|e| Error::new(Class::Font, e.0))?
        } else {
            nianbao::text::fonts::FontBook::empty()
        };
        let mut docx_options = nianbao::render::docx_options(&config, &fonts, embed)?;
        docx_options.autospace = !self.no_autospace;
        let html = html.then_some(if self.html_fragment {
            nianbao::export::html::HtmlMode::Fragment
        } else {
            nianbao::export::html::HtmlMode::Document
        });
        let opts = nianbao::render::RenderOptions {
            pdf,
            docx,
            html,
            check: Options {
                as_published: self.as_published,
                ..Default::default()
            },
            pdf_options: nianbao::export::pdf::PdfOptions {
                standard: self.pdf_standard(),
            },
            docx_options,
            layout: nianbao::layout::Options {
                autospace: !self.no_autospace,
            },
        };
        Ok((fonts, opts))
    }
}

/// An output format of `render` and `batch`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OutFormat {
    Pdf,
    Docx,
    Html,
}

impl OutFormat {
    const ALL: [OutFormat; 3] = [OutFormat::Pdf, OutFormat::Docx, OutFormat::Html];

    fn ext(self) -> &'static str {
        match self {
            OutFormat::Pdf => "pdf",
            OutFormat::Docx => "docx",
            OutFormat::Html => "html",
        }
    }

    fn name(self) -> &'static str {
        match self {
            OutFormat::Pdf => "PDF",
            OutFormat::Docx => "DOCX",
            OutFormat::Html => "HTML",
        }
    }

    /// The format an `-o` extension names (`.htm` is HTML too).
    fn of_extension(ext: &str) -> Option<OutFormat> {
        match ext {
            "pdf" => Some(OutFormat::Pdf),
            "docx" => Some(OutFormat::Docx),
            "html" | "htm" => Some(OutFormat::Html),
            _ => None,
        }
    }
}

/// The formats asked for on the command line, in [`OutFormat::ALL`] order.
fn wanted(args: &RenderArgs) -> Vec<OutFormat> {
    let html = args.html || args.html_fragment;
    OutFormat::ALL
        .into_iter()
        .zip([args.pdf, args.docx, html])
        .filter_map(|(f, on)| on.then_some(f))
        .collect()
}

/// Where each requested format goes.
enum Target {
    /// Standard output: exactly one format.
    Stdout(OutFormat),
    /// A character device or named pipe (`/dev/stdout`, a FIFO): one format, written into it.
    Stream(PathBuf, OutFormat),
    Files(Vec<(OutFormat, PathBuf)>),
}

/// The output paths of `render`. An `-o` extension (`.pdf`, `.docx`, `.html`) chooses the
/// format when none is named, and contradicting the named formats is an argument error; a
/// stream takes exactly one format. No format named and no extension: PDF and DOCX.
fn targets(input: &Path, output: Option<&Path>, want: &[OutFormat]) -> Result<Target, Error> {
    let stdin = input.as_os_str() == "-";
    let stem = if stdin {
        "report".to_string()
    } else {
        input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into())
    };
    let mut formats = want.to_vec();
    let argument = |m: String| Error::new(Class::Argument, m);
    let one = |formats: &[OutFormat]| match formats {
        [f] => Some(*f),
        _ => None,
    };
    // `-o` naming one format by its extension: that exact path (`r.htm` stays `r.htm`).
    let mut exact: Option<PathBuf> = None;
    let base: PathBuf = match output {
        Some(o) if o.as_os_str().is_empty() => return Err(argument("-o needs a path".into())),
        Some(o) if o.as_os_str() == "-" => {
            return match one(&formats) {
                Some(f) => Ok(Target::Stdout(f)),
                None => Err(argument(
                    "-o - writes one format to standard output: add one of --pdf, --docx, --html".into(),
                )),
            };
        }
        Some(o) if o.to_string_lossy().ends_with('/') || o.is_dir() => o.join(&stem),
        Some(o) => {
            let ext = o.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            let named = ext.as_deref().and_then(OutFormat::of_extension);
            if let Some(f) = named {
                if let Some(other) = formats.iter().find(|&&w| w != f) {
                    return Err(argument(format!(
                        "-o {} names a {}, but --{} asks for a {}: name a folder, or a path without extension for several formats",
                        o.display(),
                        f.name(),
                        other.ext(),
                        other.name()
                    )));
                }
                formats = vec![f];
            }
            if nianbao::output::is_stream(o) {
                return match one(&formats) {
                    Some(f) => Ok(Target::Stream(o.to_path_buf(), f)),
                    None => Err(argument(format!(
                        "{} is a stream (a device or a pipe): it takes one format; add one of --pdf, --docx, --html",
                        o.display()
                    ))),
                };
            }
            if named.is_some() {
                exact = Some(o.to_path_buf());
            }
            o.to_path_buf()
        }
        None if stdin => {
            return Err(argument(
                "a report read from standard input needs -o FILE, -o DIR/ or -o -".into(),
            ))
        }
        None => input.with_file_name(&stem),
    };
    if formats.is_empty() {
        formats = vec![OutFormat::Pdf, OutFormat::Docx];
    }
    let with = |ext: &str| {
        let mut p = base.clone().into_os_string();
        p.push(".");
        p.push(ext);
        PathBuf::from(p)
    };
    let files: Vec<(OutFormat, PathBuf)> = formats
        .into_iter()
        .map(|f| (f, exact.clone().unwrap_or_else(|| with(f.ext()))))
        .collect();
    for (_, p) in &files {
        if !stdin && same_file(p, input) {
            return Err(Error::at(
                Class::Output,
                p,
                format!("refusing to overwrite the input {}", input.display()),
            ));
        }
        if nianbao::output::is_stream(p) {
            return Err(argument(format!(
                "{} is a stream (a device or a pipe): name it with -o and one of --pdf, --docx, --html",
                p.display()
            )));
        }
    }
    Ok(Target::Files(files))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// `-o -` (or a stream) that is a terminal: binary output (PDF, DOCX) there is never wanted
/// (HTML is text and is written). Prints an
/// argument error with the way out; returns the exit status 2.
fn refuse_terminal(name: &str, format: OutFormat, how: DiagFormat) -> u8 {
    let what = if format == OutFormat::Docx { "a DOCX" } else { "a PDF" };
    let e = Error::new(
        Class::Argument,
        format!("refusing to write {what} to the terminal: redirect standard output (`-o - > report.pdf`), pipe it, or name a file with -o"),
    );
    print_operational(name, &e, how);
    2
}

pub(crate) fn render_one(input: &Path, output: Option<&Path>, args: &RenderArgs, how: DiagFormat, quiet: bool) -> u8 {
    let name = display_name(input);
    let target = match targets(input, output, &wanted(args)) {
        Ok(Target::Stdout(f)) if f != OutFormat::Html && std::io::stdout().is_terminal() => {
            return refuse_terminal(&name, f, how)
        }
        Ok(Target::Stream(p, f)) if f != OutFormat::Html && nianbao::output::is_terminal(&p) => {
            return refuse_terminal(&name, f, how)
        }
        Ok(t) => t,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let formats: Vec<OutFormat> = match &target {
        Target::Stdout(f) | Target::Stream(_, f) => vec![*f],
        Target::Files(files) => files.iter().map(|(f, _)| *f).collect(),
    };
    let has = |f: OutFormat| formats.contains(&f);
    let bytes = match read_input(input) {
        Ok(b) => b,
        Err(e) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    let (fonts, opts) = match args.prepare(has(OutFormat::Pdf), has(OutFormat::Docx), has(OutFormat::Html)) {
        Ok(x) => x,
        Err(e) => {
            // Fonts are not the input's fault: the error is not reported against it.
            let at = if e.class == Class::Font { "fonts" } else { name.as_str() };
            print_operational(at, &e, how);
            return 2;
        }
    };
    let mut diags = Vec::new();
    let result = nianbao::render::render(&bytes, &fonts, &opts, &mut diags);
    print_diagnostics(&name, Some(&bytes), &diags, how);
    let mut out = match result {
        Ok(o) => o,
        Err(nianbao::render::RenderError::Rejected) => {
            print_count(&name, &diags, how);
            return 1;
        }
        Err(nianbao::render::RenderError::Failed(e)) => {
            print_operational(&name, &e, how);
            return 2;
        }
    };
    if args.verbose && has(OutFormat::Pdf) {
        print_font_use(&fonts, &out);
    }
    if out.docx.is_some() && args.embed_fonts.is_none() && how == DiagFormat::Human && !quiet {
        say!("{NO_EMBED_NOTE}");
    }
    let mut take = |f: OutFormat| {
        match f {
            OutFormat::Pdf => out.pdf.take(),
            OutFormat::Docx => out.docx.take(),
            OutFormat::Html => out.html.take(),
        }
        .unwrap_or_default()
    };
    let written = match target {
        Target::Stdout(f) => return write_stdout(&take(f)),
        Target::Stream(p, f) => match nianbao::output::write_stream(&p, &take(f)) {
            // The reader of a pipe went away: as for standard output, nothing more is wanted.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(|e| Error::io(Class::Output, "write", &p, &e)),
        },
        Target::Files(files) => files.into_iter().try_for_each(|(f, p)| {
            let b = take(f);
            // Temporaries of this file left by a killed run (whose process is gone).
            nianbao::output::clean_temporaries_of(&p, nianbao::output::Sweep::Local);
            nianbao::output::write_atomic(&p, &b)?;
            if args.verbose {
                say!("wrote {} ({} bytes)", p.display(), b.len());
            }
            Ok(())
        }),
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            print_operational(&name, &e, how);
            2
        }
    }
}

fn print_font_use(fonts: &nianbao::text::fonts::FontBook, out: &nianbao::render::Rendered) {
    for role in nianbao::style::Role::ALL {
        let chain: Vec<String> = fonts
            .chains
            .get(&role)
            .into_iter()
            .flatten()
            .filter_map(|&i| fonts.faces.get(i))
            .map(|f| format!("{} ({})", f.family, f.path.display()))
            .collect();
        say!("font {}: {}", role.name(), chain.join(" → "));
    }
    let mut by_face: std::collections::BTreeMap<String, String> = Default::default();
    for (ch, face) in &out.fallbacks {
        by_face
            .entry(format!("{} ({})", face.family, face.path.display()))
            .or_default()
            .push(*ch);
    }
    for (face, chars) in by_face {
        say!("fallback to {face}: {chars}");
    }
    if !out.missing.is_empty() {
        say!(
            "no font has: {} (printed as boxes)",
            out.missing.iter().collect::<String>()
        );
    }
}
