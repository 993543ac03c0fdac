//! Text: fonts by role with per-character fallback (bundled fonts, then the machine's),
//! and line breaking with 禁则.

pub mod breaking;
pub mod charset;
pub mod fontdir;
pub mod fonts;
pub mod inventory;
pub(crate) mod system;
