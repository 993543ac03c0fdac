//! Text: fonts by role with per-character fallback, and line breaking with 禁则.

pub mod breaking;
pub mod fonts;
