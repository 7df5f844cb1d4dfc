//! Run-time kernel selection. The shipped binary targets each architecture's baseline; the
//! fastest kernel set this CPU supports is chosen once, when the module is imported, unless
//! `AUTOBAHN_NVX_SIMD` names one. Tests switch kernels with `select()` to cover them all.

use crate::mask::{self, XorFn};
use crate::utf8::{self, CheckFn};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One instruction-set level: the UTF-8 and masking kernels used at that level.
pub struct Level {
    pub name: &'static str,
    pub utf8: CheckFn,
    pub utf8_kernel: &'static str,
    pub xor: XorFn,
    pub xor_kernel: &'static str,
    detect: fn() -> bool,
}

impl Level {
    pub fn supported(&self) -> bool {
        (self.detect)()
    }
}

/// simdutf8's kernels with the `core::str::from_utf8` error contract (`compat`).
#[cfg(target_arch = "x86_64")]
mod simdutf8_kernels {
    use crate::utf8::Fault;
    use simdutf8::compat::imp::x86 as imp;

    fn fault(e: simdutf8::compat::Utf8Error) -> Fault {
        Fault {
            valid_up_to: e.valid_up_to(),
            error_len: e.error_len(),
        }
    }

    pub fn sse42(data: &[u8]) -> Result<(), Fault> {
        // SAFETY: offered by the dispatcher only when the CPU has SSE4.2.
        unsafe { imp::sse42::validate_utf8(data) }.map_err(fault)
    }

    pub fn avx2(data: &[u8]) -> Result<(), Fault> {
        // SAFETY: offered by the dispatcher only when the CPU has AVX2.
        unsafe { imp::avx2::validate_utf8(data) }.map_err(fault)
    }
}

#[cfg(target_arch = "aarch64")]
fn simdutf8_neon(data: &[u8]) -> Result<(), utf8::Fault> {
    // SAFETY: NEON is part of the aarch64 baseline.
    unsafe { simdutf8::compat::imp::aarch64::neon::validate_utf8(data) }.map_err(|e| utf8::Fault {
        valid_up_to: e.valid_up_to(),
        error_len: e.error_len(),
    })
}

/// Every level this architecture has, slowest first; `auto` picks the last supported one.
pub static LEVELS: &[Level] = &[
    Level {
        name: "scalar",
        utf8: utf8::scalar,
        utf8_kernel: "scalar (core::str::from_utf8)",
        xor: mask::scalar,
        xor_kernel: "scalar (64-bit words)",
        detect: || true,
    },
    #[cfg(target_arch = "x86_64")]
    Level {
        name: "sse2",
        utf8: utf8::scalar,
        utf8_kernel: "scalar (core::str::from_utf8; the lookup algorithm needs SSSE3)",
        xor: mask::sse2,
        xor_kernel: "sse2",
        detect: || true,
    },
    #[cfg(target_arch = "x86_64")]
    Level {
        name: "sse42",
        utf8: simdutf8_kernels::sse42,
        utf8_kernel: "sse42 (simdutf8)",
        xor: mask::sse2,
        xor_kernel: "sse2",
        detect: || is_x86_feature_detected!("sse4.2"),
    },
    #[cfg(target_arch = "x86_64")]
    Level {
        name: "avx2",
        utf8: simdutf8_kernels::avx2,
        utf8_kernel: "avx2 (simdutf8)",
        xor: mask::avx2,
        xor_kernel: "avx2",
        detect: || is_x86_feature_detected!("avx2"),
    },
    #[cfg(target_arch = "x86_64")]
    Level {
        name: "avx512",
        utf8: crate::utf8_avx512::check,
        utf8_kernel: "avx512 (own Keiser-Lemire kernel)",
        xor: mask::avx512,
        xor_kernel: "avx512",
        detect: || is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw"),
    },
    #[cfg(target_arch = "aarch64")]
    Level {
        name: "neon",
        utf8: simdutf8_neon,
        utf8_kernel: "neon (simdutf8)",
        xor: mask::neon,
        xor_kernel: "neon",
        detect: || true,
    },
];

const UNSET: usize = usize::MAX;
static SELECTED: AtomicUsize = AtomicUsize::new(UNSET);

fn best() -> usize {
    LEVELS.iter().rposition(Level::supported).unwrap_or(0)
}

/// The level in use (the best supported one if none was selected yet).
#[inline]
pub fn current() -> &'static Level {
    let mut index = SELECTED.load(Ordering::Relaxed);
    if index == UNSET {
        index = best();
        SELECTED.store(index, Ordering::Relaxed);
    }
    &LEVELS[index]
}

/// Switch to the level called `name` (`auto` = the best supported one).
pub fn select(name: &str) -> Result<&'static Level, String> {
    let name = name.trim().to_ascii_lowercase();
    let index = if name.is_empty() || name == "auto" {
        best()
    } else {
        let names: Vec<_> = LEVELS.iter().map(|l| l.name).collect();
        let index = LEVELS.iter().position(|l| l.name == name).ok_or_else(|| {
            format!(
                "unknown kernel {name:?}; this build has: auto, {}",
                names.join(", ")
            )
        })?;
        if !LEVELS[index].supported() {
            return Err(format!("kernel {name:?} is not supported by this CPU"));
        }
        index
    };
    SELECTED.store(index, Ordering::Relaxed);
    Ok(&LEVELS[index])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// `select` changes the process-wide level: tests that select take this lock and restore.
    static SELECTING: Mutex<()> = Mutex::new(());

    fn restore_after<T>(test: impl FnOnce() -> T) -> T {
        let _guard = SELECTING.lock().unwrap_or_else(|e| e.into_inner());
        let previous = current().name;
        let result = test();
        select(previous).expect("the previous level is supported");
        result
    }

    #[test]
    fn levels_start_with_scalar_and_have_unique_names() {
        assert_eq!(LEVELS[0].name, "scalar");
        assert!(LEVELS[0].supported());
        let mut names: Vec<_> = LEVELS.iter().map(|l| l.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LEVELS.len());
    }

    #[test]
    fn best_is_the_last_supported_level() {
        let best = &LEVELS[best()];
        assert!(best.supported());
        let later = LEVELS.iter().rev().take_while(|l| l.name != best.name);
        assert!(
            later.clone().all(|l| !l.supported()),
            "a later level is supported"
        );
    }

    #[test]
    fn select_switches_current_and_auto_takes_the_best() {
        restore_after(|| {
            for level in LEVELS.iter().filter(|l| l.supported()) {
                // Names are matched trimmed and case-insensitively (as AUTOBAHN_NVX_SIMD is read).
                let spelled = format!(" {} ", level.name.to_ascii_uppercase());
                assert_eq!(select(&spelled).unwrap().name, level.name);
                assert_eq!(current().name, level.name);
            }
            for auto in ["auto", "", "AUTO"] {
                assert_eq!(select(auto).unwrap().name, LEVELS[best()].name);
                assert_eq!(current().name, LEVELS[best()].name);
            }
        });
    }

    #[test]
    fn select_refuses_unknown_and_unsupported_levels() {
        restore_after(|| {
            let before = current().name;
            let error = select("avx1024").err().expect("refused");
            assert!(error.contains("unknown kernel \"avx1024\""), "{error}");
            for level in LEVELS {
                assert!(error.contains(level.name), "{error} lacks {}", level.name);
            }
            for level in LEVELS.iter().filter(|l| !l.supported()) {
                let error = select(level.name).err().expect("refused");
                assert!(error.contains("not supported by this CPU"), "{error}");
            }
            assert_eq!(
                current().name,
                before,
                "a refused selection changed the level"
            );
        });
    }

    #[test]
    fn each_level_pairs_kernels_that_agree_with_scalar() {
        let text = "ascii, é, €, 😀 and an error: ".repeat(9);
        let mut bad = text.clone().into_bytes();
        bad.push(0xff);
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let mask = [0x12, 0x34, 0x56, 0x78];
        let mut expected = data.clone();
        crate::mask::xor_in_place(&mut expected, mask, 3, crate::mask::scalar);
        for level in LEVELS.iter().filter(|l| l.supported()) {
            assert_eq!((level.utf8)(text.as_bytes()), Ok(()), "{}", level.name);
            assert_eq!(
                (level.utf8)(&bad).unwrap_err().valid_up_to,
                text.len(),
                "{}",
                level.name
            );
            let mut masked = data.clone();
            crate::mask::xor_in_place(&mut masked, mask, 3, level.xor);
            assert_eq!(masked, expected, "{}", level.name);
        }
    }
}
