//! Figures on disk: a picture drawn once with `plotters`, saved as PNG or SVG by the path's
//! extension. The PNG text uses egui's own font (registered with `ab_glyph`), so a fresh
//! machine needs no system fonts and the pixels do not depend on what fonts it has.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::files::{save_png, write_atomically};

/// The font family every figure names.
pub const FONT: &str = "sans-serif";

/// A picture that can be drawn on any `plotters` backend.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole picture on `root`.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// `plotters`' error as text.
pub fn drawing_error<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    format!("drawing failed: {e}")
}

/// The file formats a figure is saved in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A bitmap.
    Png,
    /// Vectors, with the text as text.
    Svg,
}

/// The format `path` asks for by its extension; anything but `.png` and `.svg` is refused
/// with a message that names `flag` (checked before a run starts, so no run is lost to it).
pub fn format(path: &Path, flag: &str) -> Result<Format, String> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("png") => Ok(Format::Png),
        Some("svg") => Ok(Format::Svg),
        _ => Err(format!(
            "{flag} {}: the file name must end in .png or .svg",
            path.display()
        )),
    }
}

/// Checks, before any work, that a figure can be saved at `path`: a known extension (see
/// [`format`]) and an existing directory; the message names `flag`.
pub fn check(path: &Path, flag: &str) -> Result<Format, String> {
    let format = format(path, flag)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if dir.is_dir() {
        Ok(format)
    } else {
        Err(format!(
            "{flag} {}: the directory {} does not exist",
            path.display(),
            dir.display()
        ))
    }
}

/// Saves `figure` at `path` (atomically) in the format of its extension (see [`format`]).
pub fn save(figure: &impl Figure, path: &Path, flag: &str) -> Result<(), String> {
    let (w, h) = figure.size();
    // Both backends measure text with the registered font (SVG to place it).
    register_font();
    match format(path, flag)? {
        Format::Png => {
            let mut rgb = vec![255u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
                figure.draw(&root)?;
                root.present().map_err(drawing_error)?;
            }
            let rgba: Vec<u8> = rgb
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            save_png([w as usize, h as usize], &rgba, path)
        }
        Format::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, (w, h)).into_drawing_area();
                figure.draw(&root)?;
                root.present().map_err(drawing_error)?;
            }
            write_atomically(path, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
    }
}

/// Nothing to register in a browser: plotters has no font registry there, and the web
/// explorer writes no figure files.
#[cfg(target_arch = "wasm32")]
fn register_font() {}

/// egui's Ubuntu Light as the PNG font (once per process).
#[cfg(not(target_arch = "wasm32"))]
fn register_font() {
    static REGISTER: std::sync::Once = std::sync::Once::new();
    REGISTER.call_once(|| {
        // The bytes are a font egui ships and loads itself; if they ever failed to parse,
        // the figure would be drawn without text rather than not at all.
        let _ = plotters::style::register_font(
            FONT,
            FontStyle::Normal,
            epaint_default_fonts::UBUNTU_LIGHT,
        );
    });
}

/// Paints `root` white, writes `title` across the top and the legend row `keys` under it,
/// and returns the area left for the plots.
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    keys: &[Key<'_>],
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(drawing_error)?;
    let (title_area, rest) = root.split_vertically(44);
    let (legend, rest) = rest.split_vertically(36);
    title_area
        .titled(title, (FONT, 22))
        .map_err(drawing_error)?;
    legend_row(&legend, keys)?;
    Ok(rest)
}

/// An RGB triple as a `plotters` colour.
pub fn rgb([r, g, b]: [u8; 3]) -> RGBColor {
    RGBColor(r, g, b)
}

/// One entry of a legend row: a line sample (or a filled square) and its name.
pub struct Key<'a> {
    /// What the entry names.
    pub name: &'a str,
    /// Its colour.
    pub color: [u8; 3],
    /// How it is drawn.
    pub mark: Mark,
}

/// How a legend entry shows its series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A filled square (a class of cells).
    Square,
    /// A filled circle (an event on a curve).
    Dot,
    /// An open circle (another event on a curve).
    Ring,
}

/// Draws `keys` left to right, centred vertically in `area`: the legend sits in its own
/// strip, outside every plot, so it never covers data.
pub fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    keys: &[Key<'_>],
) -> Result<(), String> {
    let font = (FONT, 16).into_font().color(&BLACK);
    let (_, height) = area.dim_in_pixel();
    let y = height as i32 / 2;
    let mut x = 60;
    for key in keys {
        let color = rgb(key.color);
        match key.mark {
            Mark::Line => area
                .draw(&PathElement::new(
                    vec![(x, y), (x + 28, y)],
                    color.stroke_width(3),
                ))
                .map_err(drawing_error)?,
            Mark::Dashed => {
                for start in [x, x + 11, x + 22] {
                    area.draw(&PathElement::new(
                        vec![(start, y), (start + 6, y)],
                        color.stroke_width(2),
                    ))
                    .map_err(drawing_error)?;
                }
            }
            Mark::Square => area
                .draw(&Rectangle::new(
                    [(x + 8, y - 7), (x + 22, y + 7)],
                    color.filled(),
                ))
                .map_err(drawing_error)?,
            Mark::Dot => area
                .draw(&Circle::new((x + 14, y), 6, color.filled()))
                .map_err(drawing_error)?,
            Mark::Ring => area
                .draw(&Circle::new((x + 14, y), 6, color.stroke_width(2)))
                .map_err(drawing_error)?,
        }
        let (w, h) = area
            .estimate_text_size(key.name, &font)
            .map_err(drawing_error)?;
        area.draw_text(key.name, &font, (x + 34, y - h as i32 / 2))
            .map_err(drawing_error)?;
        x += 34 + w as i32 + 24;
    }
    Ok(())
}
