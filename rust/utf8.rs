//! Incremental UTF-8 validation (RFC 3629, RFC 6455 §8.1) with the error positions of
//! Hoehrmann's UTF-8 DFA: the failing byte is the first byte that cannot continue a valid
//! sequence (`ED A0 80` fails at `A0`, `F5` at `F5`, `C0 80` at `C0`).
//!
//! The bulk of each chunk goes through a whole-buffer kernel (see `kernels`); only the
//! at most 3 bytes of a code point split across chunks go through the byte-wise rules here.

/// A code point that started in an earlier chunk: how many continuation bytes are still
/// owed, and the range the next one must fall in (narrower than 80..BF right after some leads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    need: u8,
    lo: u8,
    hi: u8,
}

/// What a lead byte promises: `None` for bytes that can never start a sequence
/// (continuation bytes 80..BF, overlong leads C0/C1, F5..FF).
#[inline]
pub fn pending_after_lead(lead: u8) -> Option<Pending> {
    let (need, lo, hi) = match lead {
        0xC2..=0xDF => (1, 0x80, 0xBF),
        0xE0 => (2, 0xA0, 0xBF), // excludes overlong 3-byte forms
        0xED => (2, 0x80, 0x9F), // excludes UTF-16 surrogates D800..DFFF
        0xE1..=0xEF => (2, 0x80, 0xBF),
        0xF0 => (3, 0x90, 0xBF), // excludes overlong 4-byte forms
        0xF1..=0xF3 => (3, 0x80, 0xBF),
        0xF4 => (3, 0x80, 0x8F), // excludes code points above U+10FFFF
        _ => return None,
    };
    Some(Pending { need, lo, hi })
}

impl Pending {
    /// Feeds one continuation byte; `false` when the byte does not fit.
    #[inline]
    fn accept(&mut self, byte: u8) -> bool {
        if byte < self.lo || byte > self.hi {
            return false;
        }
        self.need -= 1;
        self.lo = 0x80;
        self.hi = 0xBF;
        true
    }
}

/// Where a whole-buffer check stopped, in the terms of `core::str::Utf8Error`:
/// `error_len == None` means the buffer ends inside a code point that is valid so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub valid_up_to: usize,
    pub error_len: Option<usize>,
}

/// A whole-buffer validity check. Every kernel must give exactly the answer of `scalar`.
pub type CheckFn = fn(&[u8]) -> Result<(), Fault>;

/// The portable kernel: the standard library's validator (word-at-a-time ASCII skipping).
pub fn scalar(data: &[u8]) -> Result<(), Fault> {
    match core::str::from_utf8(data) {
        Ok(_) => Ok(()),
        Err(e) => Err(Fault {
            valid_up_to: e.valid_up_to(),
            error_len: e.error_len(),
        }),
    }
}

/// The index (in `data`) of the byte at which the DFA rejects, given a definite fault.
#[inline]
fn failing_index(data: &[u8], fault: Fault, error_len: usize) -> usize {
    let at = fault.valid_up_to;
    if pending_after_lead(data[at]).is_some() {
        // A valid lead followed by `error_len - 1` fitting bytes: the next byte is the culprit.
        at + error_len
    } else {
        at
    }
}

/// The four values `Utf8Validator.validate()` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub valid: bool,
    pub ends_on_code_point: bool,
    pub index: usize,
    pub total: u64,
}

/// State carried between chunks of one message.
#[derive(Clone, Debug, Default)]
pub struct Utf8State {
    pending: Option<Pending>,
    total: u64,
    /// Position (from the last reset) of the failing byte; failure is sticky until reset.
    failed_at: Option<u64>,
}

impl Utf8State {
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    fn fail(&mut self, index: usize) -> Verdict {
        let total = self.total + index as u64;
        self.failed_at = Some(total);
        Verdict {
            valid: false,
            ends_on_code_point: false,
            index,
            total,
        }
    }

    /// Validates the next chunk of a message with `check` for the bulk of it.
    pub fn validate(&mut self, data: &[u8], check: CheckFn) -> Verdict {
        if let Some(total) = self.failed_at {
            return Verdict {
                valid: false,
                ends_on_code_point: false,
                index: 0,
                total,
            };
        }
        // Finish a code point left open by the previous chunk, byte by byte.
        let mut start = 0;
        if let Some(mut pending) = self.pending {
            for &byte in data.iter().take(pending.need as usize) {
                if !pending.accept(byte) {
                    return self.fail(start);
                }
                start += 1;
            }
            self.pending = (pending.need > 0).then_some(pending);
        }
        if self.pending.is_none() {
            let rest = &data[start..];
            match check(rest) {
                Ok(()) => {}
                Err(fault) => match fault.error_len {
                    None => {
                        // The chunk ends inside a code point that is valid so far: remember it.
                        let tail = &rest[fault.valid_up_to..];
                        let mut pending = pending_after_lead(tail[0])
                            .expect("kernel reported an incomplete sequence without a lead byte");
                        for &byte in &tail[1..] {
                            let fits = pending.accept(byte);
                            debug_assert!(fits, "kernel reported an invalid tail as incomplete");
                        }
                        self.pending = Some(pending);
                    }
                    Some(len) => return self.fail(start + failing_index(rest, fault, len)),
                },
            }
        }
        self.total += data.len() as u64;
        Verdict {
            valid: true,
            ends_on_code_point: self.pending.is_none(),
            index: data.len(),
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> Vec<Verdict> {
        let mut state = Utf8State::default();
        chunks.iter().map(|c| state.validate(c, scalar)).collect()
    }

    fn v(valid: bool, ends: bool, index: usize, total: u64) -> Verdict {
        Verdict {
            valid,
            ends_on_code_point: ends,
            index,
            total,
        }
    }

    #[test]
    fn dfa_error_positions() {
        assert_eq!(run(&[b"\xed\xa0\x80"]), [v(false, false, 1, 1)]);
        assert_eq!(run(&[b"\xf5"]), [v(false, false, 0, 0)]);
        assert_eq!(run(&[b"\xc0\x80"]), [v(false, false, 0, 0)]);
        assert_eq!(run(&[b"ab\xe1\x80A"]), [v(false, false, 4, 4)]);
    }

    /// A small deterministic generator (xorshift64*), so the tests need no extra crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Mostly valid text from a menu of sequences, with occasional corruption; `sparse`
    /// makes long ASCII runs (for the kernels' ASCII fast paths) with rare non-ASCII.
    fn text(rng: &mut Rng, len: usize, sparse: bool) -> Vec<u8> {
        let (bad_odds, piece_odds) = if sparse { (3000, 400) } else { (300, 3) };
        const PIECES: &[&[u8]] = &[
            b"a",
            b"Z",
            b" ",
            b"\xc3\xa9",
            b"\xe2\x82\xac",
            b"\xf0\x9f\x98\x80",
            b"\xed\x9f\xbf",
            b"\xee\x80\x80",
            b"\xf4\x8f\xbf\xbf",
            b"\xdf\xbf",
            b"\xe0\xa0\x80",
            b"\xf0\x90\x80\x80",
        ];
        const BAD: &[&[u8]] = &[
            b"\x80",
            b"\xc0\x80",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xff",
            b"\xe2\x82",
            b"\xf0\x9f",
            b"\xc3",
            b"\xe0\x80\x80",
            b"\xf5\x80\x80\x80",
            b"\xbf\xbf",
        ];
        let mut out = Vec::with_capacity(len + 4);
        while out.len() < len {
            if rng.below(bad_odds) == 0 {
                out.extend_from_slice(BAD[rng.below(BAD.len())]);
            } else if rng.below(piece_odds) == 0 {
                out.extend_from_slice(PIECES[rng.below(PIECES.len())]);
            } else {
                out.push(b'a' + rng.below(26) as u8);
            }
        }
        out
    }

    #[test]
    fn every_kernel_agrees_with_scalar() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for level in crate::dispatch::LEVELS.iter().filter(|l| l.supported()) {
            for round in 0..4000 {
                let len = [rng.below(70), rng.below(300), rng.below(5000)][round % 3];
                let data = text(&mut rng, len, round % 2 == 1);
                // Also every suffix start within the first block, to vary alignment.
                for skip in [0, 1, 3, 17, 63].into_iter().filter(|&s| s <= data.len()) {
                    let slice = &data[skip..];
                    assert_eq!(
                        (level.utf8)(slice),
                        scalar(slice),
                        "{}: {:02x?}",
                        level.name,
                        slice
                    );
                }
            }
        }
    }

    #[test]
    fn every_kernel_on_every_code_point() {
        let all: String = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
        for level in crate::dispatch::LEVELS.iter().filter(|l| l.supported()) {
            assert_eq!((level.utf8)(all.as_bytes()), Ok(()), "{}", level.name);
            // Truncating at every byte of a 4-byte sequence at the end.
            for cut in 1..4 {
                let data = &all.as_bytes()[..all.len() - cut];
                assert_eq!((level.utf8)(data), scalar(data), "{} cut {cut}", level.name);
            }
        }
    }

    #[test]
    fn failure_is_sticky() {
        assert_eq!(
            run(&[b"ab\xffcd", b"xyz"]),
            [v(false, false, 2, 2), v(false, false, 0, 2)]
        );
    }

    #[test]
    fn split_code_points() {
        // U+10348 (F0 90 8D 88) fed one byte at a time.
        assert_eq!(
            run(&[b"a\xf0", b"\x90", b"\x8d", b"\x88b"]),
            [
                v(true, false, 2, 2),
                v(true, false, 1, 3),
                v(true, false, 1, 4),
                v(true, true, 2, 6)
            ]
        );
        // An invalid continuation in the second chunk fails at that byte.
        assert_eq!(
            run(&[b"\xed", b"\xa0"]),
            [v(true, false, 1, 1), v(false, false, 0, 1)]
        );
        assert_eq!(
            run(&[b"", b"x"]),
            [v(true, true, 0, 0), v(true, true, 1, 1)]
        );
    }

    #[test]
    fn byte_by_byte_agrees_with_the_whole_buffer() {
        // Every lead byte, its first continuation at each edge of the ranges that pending_after_lead
        // narrows (overlongs, surrogates, above U+10FFFF), fed whole and then one byte per chunk:
        // the carried-over rules must reach the verdict and failing position of the kernel.
        let edges = [0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0];
        for lead in 0x80..=0xFFu8 {
            for second in edges {
                for last in [0x80, 0xBF] {
                    let seq = [lead, second, last, last, b'x'];
                    let whole = *run(&[&seq]).last().unwrap();
                    let bytes: Vec<&[u8]> = seq.chunks(1).collect();
                    let split = *run(&bytes).last().unwrap();
                    assert_eq!(
                        (split.valid, split.ends_on_code_point, split.total),
                        (whole.valid, whole.ends_on_code_point, whole.total),
                        "{seq:02X?}"
                    );
                }
            }
        }
    }

    #[test]
    fn reset_clears_a_failure_and_a_pending_code_point() {
        let mut state = Utf8State::default();
        assert!(!state.validate(b"\xff", scalar).valid);
        state.reset();
        assert_eq!(state.validate(b"ok", scalar), v(true, true, 2, 2));
        assert!(state.validate(b"\xe2\x82", scalar).valid);
        state.reset();
        assert_eq!(state.validate(b"a", scalar), v(true, true, 1, 1));
    }
}
