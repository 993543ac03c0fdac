//! `cargo bench`: in-process render time per report (fonts loaded once), per stage, against
//! a baseline measured in the same run (validation alone), so figures are comparable on a
//! noisy machine. Prints a table; no external harness.

use nianbao::render::{render, RenderOptions};
use nianbao::text::fonts::{FontBook, FontConfig};
use nianbao::validate::Options;
use std::time::{Duration, Instant};

fn time<F: FnMut()>(iters: u32, mut f: F) -> Duration {
    f(); // warm up
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed() / iters
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let t0 = Instant::now();
    let fonts = FontBook::load(&FontConfig::default()).expect("fonts");
    println!("font book load: {:.2} ms", t0.elapsed().as_secs_f64() * 1e3);
    let mut names: Vec<_> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    let check = Options {
        as_published: true,
        ..Default::default()
    };
    println!(
        "{:<22} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9}",
        "report", "validate", "layout", "pdf", "docx", "pdf KB", "docx KB"
    );
    for p in names {
        let json = std::fs::read(&p).unwrap();
        let iters = 20;
        let validate = time(iters, || {
            let _ = nianbao::load(&json, check);
        });
        let (checked, _) = nianbao::load(&json, check);
        let doc = nianbao::model::resolve(&checked.unwrap());
        let layout = time(iters, || {
            let _ = nianbao::layout::layout(&doc, &fonts);
        });
        let pdf_opts = RenderOptions {
            pdf: true,
            check,
            ..Default::default()
        };
        let pdf = time(iters, || {
            let _ = render(&json, &fonts, &pdf_opts, &mut Vec::new());
        });
        let docx_opts = RenderOptions {
            docx: true,
            check,
            ..Default::default()
        };
        let docx = time(iters, || {
            let _ = render(&json, &fonts, &docx_opts, &mut Vec::new());
        });
        let both = render(
            &json,
            &fonts,
            &RenderOptions {
                pdf: true,
                docx: true,
                check,
                ..Default::default()
            },
            &mut Vec::new(),
        );
        let (pk, dk) = match &both {
            Ok(r) => (
                r.pdf.as_ref().map_or(0, |b| b.len() / 1024),
                r.docx.as_ref().map_or(0, |b| b.len() / 1024),
            ),
            Err(_) => (0, 0),
        };
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
        println!(
            "{:<22} {:>10} {:>10} {:>10} {:>10} {:>9} {:>9}",
            p.file_stem().unwrap().to_string_lossy(),
            ms(validate),
            ms(layout),
            ms(pdf),
            ms(docx),
            pk,
            dk
        );
        println!(
            "{:<22} layout = {:.1}× validate, pdf = {:.1}× validate, docx = {:.1}× validate",
            "",
            layout.as_secs_f64() / validate.as_secs_f64(),
            pdf.as_secs_f64() / validate.as_secs_f64(),
            docx.as_secs_f64() / validate.as_secs_f64()
        );
    }
}
