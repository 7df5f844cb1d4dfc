//! AVX-512 UTF-8 validation: the lookup-table algorithm of Keiser & Lemire ("Validating
//! UTF-8 in less than one instruction per byte", 2021) on 64-byte blocks, with an ASCII
//! fast path. simdutf8 has no AVX-512 kernel; this one processes twice its AVX2 block width.
//!
//! Each byte is classified together with the byte before it by three 16-entry tables
//! (high nibble of the previous byte, its low nibble, high nibble of this byte); the AND of
//! the three lookups is non-zero exactly for the error patterns named below. A separate check
//! (`must_be_continuation`) enforces the third and fourth bytes of long sequences.
//! When a block holds an error, the exact position is found by the scalar validator,
//! restarted at the last code point boundary before that block (see `locate`).
// Everything here serves the x86-64 kernel; other targets compile none of it.
#![cfg(target_arch = "x86_64")]

use core::arch::x86_64::*;

use crate::utf8::{scalar, Fault};

// Error classes, one bit each (a byte pair may match several).
const TOO_SHORT: u8 = 1 << 0; // lead byte followed by a non-continuation
const TOO_LONG: u8 = 1 << 1; // ASCII followed by a continuation
const OVERLONG_3: u8 = 1 << 2; // E0 80..9F
const TOO_LARGE: u8 = 1 << 3; // F4 90..BF, and F5.. leads
const SURROGATE: u8 = 1 << 4; // ED A0..BF
const OVERLONG_2: u8 = 1 << 5; // C0/C1 followed by a continuation
const TOO_LARGE_1000: u8 = 1 << 6; // F5..FF 80..8F
const OVERLONG_4: u8 = 1 << 6; // F0 80..8F (shares the bit: both pair with 80..8F)
const TWO_CONTS: u8 = 1 << 7; // two continuations in a row (fine inside 3/4-byte sequences)
const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS; // classes decided by the high nibbles only

/// Indexed by the high nibble of the previous byte.
const PREV_HIGH: [u8; 16] = [
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG,
    TOO_LONG, // 0_______ ASCII
    TWO_CONTS,
    TWO_CONTS,
    TWO_CONTS,
    TWO_CONTS,                                           // 10______ continuation
    TOO_SHORT | OVERLONG_2,                              // 1100____
    TOO_SHORT,                                           // 1101____
    TOO_SHORT | OVERLONG_3 | SURROGATE,                  // 1110____
    TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4, // 1111____
];

/// Indexed by the low nibble of the previous byte.
const PREV_LOW: [u8; 16] = [
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, // ____0000
    CARRY | OVERLONG_2,                           // ____0001
    CARRY,
    CARRY,
    CARRY | TOO_LARGE, // ____0100 (F4)
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, // ____1101 (ED)
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
];

/// Indexed by the high nibble of the current byte.
const CUR_HIGH: [u8; 16] = [
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,                                                                    // ASCII
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4, // 1000____
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,                   // 1001____
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                    // 1010____
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,                    // 1011____
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT,
    TOO_SHORT, // leads
];

/// The start (at most 3 bytes back) of the code point that may straddle `pos`.
#[inline]
fn boundary_before(data: &[u8], pos: usize) -> usize {
    (1..=3.min(pos))
        .find(|back| data[pos - back] & 0xC0 != 0x80)
        .map_or(pos, |back| pos - back)
}

/// Exact fault of `data`, given that every 64-byte block before `block` is valid.
#[cold]
fn locate(data: &[u8], block: usize) -> Result<(), Fault> {
    let start = boundary_before(data, block);
    scalar(&data[start..]).map_err(|fault| Fault {
        valid_up_to: fault.valid_up_to + start,
        error_len: fault.error_len,
    })
}

/// Whole-buffer check; same answer as `utf8::scalar`.
pub fn check(data: &[u8]) -> Result<(), Fault> {
    debug_assert!(is_x86_feature_detected!("avx512bw"));
    // SAFETY: the dispatcher (dispatch.rs) offers this kernel only when the CPU has
    // AVX-512 F and BW, the features `check_blocks` is compiled for.
    unsafe { check_blocks(data) }
}

#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn check_blocks(data: &[u8]) -> Result<(), Fault> {
    let table =
        |t: &[u8; 16]| _mm512_broadcast_i32x4(_mm_loadu_si128(t.as_ptr() as *const __m128i));
    let prev_high = table(&PREV_HIGH);
    let prev_low = table(&PREV_LOW);
    let cur_high = table(&CUR_HIGH);
    let nibble = _mm512_set1_epi8(0x0F);
    // Bytes >= these at the end of a block start a sequence the block does not finish.
    let mut incomplete_limits = [0xFFu8; 64];
    incomplete_limits[61..].copy_from_slice(&[0xEF, 0xDF, 0xBF]);
    let incomplete_limits = _mm512_loadu_si512(incomplete_limits.as_ptr() as *const _);
    // Lanes [prev.3, cur.0, cur.1, cur.2], for shifting `cur` right across 128-bit lanes.
    let lanes_back = _mm512_setr_epi64(14, 15, 0, 1, 2, 3, 4, 5);

    let mut prev = _mm512_setzero_si512();
    // Whether the last non-ASCII block ended inside a sequence (then an ASCII block is an error).
    let mut prev_incomplete = false;
    let len = data.len();
    let ptr = data.as_ptr();
    let mut pos = 0;
    // Probe for a four-block ASCII run only after an ASCII block: text that is not mostly
    // ASCII then never pays for probes that fail.
    let mut last_block_ascii = true;
    while pos < len {
        let remaining = len - pos;
        // ASCII fast path: four blocks checked with one OR, skipped at once.
        if last_block_ascii && remaining >= 256 && !prev_incomplete {
            // SAFETY: 256 readable bytes at data[pos..].
            let (a, b, c, d) = unsafe {
                (
                    _mm512_loadu_si512(ptr.add(pos) as *const _),
                    _mm512_loadu_si512(ptr.add(pos + 64) as *const _),
                    _mm512_loadu_si512(ptr.add(pos + 128) as *const _),
                    _mm512_loadu_si512(ptr.add(pos + 192) as *const _),
                )
            };
            let any = _mm512_or_si512(_mm512_or_si512(a, b), _mm512_or_si512(c, d));
            if _mm512_movepi8_mask(any) == 0 {
                prev = d;
                pos += 256;
                continue;
            }
        }
        let cur = if remaining >= 64 {
            // SAFETY: 64 readable bytes at data[pos..].
            unsafe { _mm512_loadu_si512(ptr.add(pos) as *const _) }
        } else {
            // Masked load: bytes past the end read as 0 (ASCII), without touching that memory,
            // so a sequence cut off by the end shows up as TOO_SHORT.
            let mask: __mmask64 = (1u64 << remaining) - 1;
            // SAFETY: only the `remaining` bytes selected by `mask` are read.
            unsafe { _mm512_maskz_loadu_epi8(mask, ptr.add(pos) as *const i8) }
        };
        last_block_ascii = _mm512_movepi8_mask(cur) == 0;
        if last_block_ascii {
            // All ASCII: fine unless the previous block ended inside a sequence.
            if prev_incomplete {
                return locate(data, pos);
            }
        } else {
            let back = _mm512_permutex2var_epi64(cur, lanes_back, prev);
            let prev1 = _mm512_alignr_epi8::<15>(cur, back);
            let prev2 = _mm512_alignr_epi8::<14>(cur, back);
            let prev3 = _mm512_alignr_epi8::<13>(cur, back);
            let special = _mm512_and_si512(
                _mm512_and_si512(
                    _mm512_shuffle_epi8(
                        prev_high,
                        _mm512_and_si512(_mm512_srli_epi16::<4>(prev1), nibble),
                    ),
                    _mm512_shuffle_epi8(prev_low, _mm512_and_si512(prev1, nibble)),
                ),
                _mm512_shuffle_epi8(
                    cur_high,
                    _mm512_and_si512(_mm512_srli_epi16::<4>(cur), nibble),
                ),
            );
            // Third bytes of E_/F_ sequences and fourth bytes of F_ sequences must be
            // continuations: high bit set here exactly where TWO_CONTS is expected.
            let third = _mm512_subs_epu8(prev2, _mm512_set1_epi8((0xE0u8 - 0x80) as i8));
            let fourth = _mm512_subs_epu8(prev3, _mm512_set1_epi8((0xF0u8 - 0x80) as i8));
            let must_be_continuation = _mm512_and_si512(
                _mm512_or_si512(third, fourth),
                _mm512_set1_epi8(0x80u8 as i8),
            );
            let error = _mm512_xor_si512(must_be_continuation, special);
            if _mm512_test_epi8_mask(error, error) != 0 {
                return locate(data, pos);
            }
            let incomplete = _mm512_subs_epu8(cur, incomplete_limits);
            prev_incomplete = _mm512_test_epi8_mask(incomplete, incomplete) != 0;
        }
        prev = cur;
        pos += 64;
    }
    // A full last block that ends inside a sequence (a partial block pads with 0 instead).
    if prev_incomplete {
        return locate(data, len);
    }
    Ok(())
}

/// The kernel's own edges (the agreement tests of utf8.rs reach it only through random text):
/// block boundaries, the four-block ASCII skip, the masked tail, and sequences left open at the
/// end of a block. Each case is compared with `scalar`. They run where the CPU has AVX-512
/// (the Python suite's kernel summary says when it does not).
#[cfg(test)]
mod tests {
    use super::*;

    fn has_avx512() -> bool {
        let has = is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw");
        if !has {
            eprintln!("this CPU lacks AVX-512 F/BW: the AVX-512 kernel is not exercised");
        }
        has
    }

    fn agree(data: &[u8], what: &str) {
        assert_eq!(check(data), scalar(data), "{what}: {data:02x?}");
    }

    const VALID: &[&[u8]] = &[
        b"\xc3\xa9",
        b"\xe2\x82\xac",
        b"\xf0\x9f\x98\x80",
        b"\xf4\x8f\xbf\xbf",
    ];
    const INVALID: &[&[u8]] = &[
        b"\x80",
        b"\xc0\x80",
        b"\xc3",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\xed\xa0\x80",
        b"\xe0\x80\x80",
        b"\xf0\x80\x80\x80",
        b"\xf4\x90\x80\x80",
        b"\xf5\x80\x80\x80",
        b"\xff",
        b"\xbf\xbf",
    ];

    #[test]
    fn boundary_before_finds_the_code_point_start() {
        let data = "a€b😀".as_bytes(); // 61 e2 82 ac 62 f0 9f 98 80
                                       // The start of the code point holding the byte before `pos` (3 bytes back at most).
        assert_eq!(boundary_before(data, 0), 0);
        assert_eq!(boundary_before(data, 1), 0);
        for pos in 2..=4 {
            assert_eq!(
                boundary_before(data, pos),
                1,
                "inside or after the euro sign: {pos}"
            );
        }
        assert_eq!(boundary_before(data, 5), 4);
        assert_eq!(boundary_before(data, 8), 5);
        // Continuations only: at most 3 bytes back, then the position itself.
        assert_eq!(boundary_before(&[0x80; 8], 6), 6);
    }

    #[test]
    fn every_sequence_at_every_offset_across_blocks() {
        if !has_avx512() {
            return;
        }
        // Lengths around one block, the four-block ASCII skip, and a partial tail.
        for total in [63, 64, 65, 127, 128, 255, 256, 257, 320, 511, 600] {
            for (kind, pieces) in [("valid", VALID), ("invalid", INVALID)] {
                for piece in pieces.iter() {
                    for at in 0..=total - piece.len() {
                        let mut data = vec![b'x'; total];
                        data[at..at + piece.len()].copy_from_slice(piece);
                        agree(&data, kind);
                    }
                }
            }
        }
    }

    #[test]
    fn sequences_left_open_at_a_block_end() {
        if !has_avx512() {
            return;
        }
        for block_end in [64, 128, 256, 512] {
            for piece in VALID {
                for cut in 1..piece.len() {
                    // A sequence cut off by the end of the data, at the end of a full block.
                    let mut data = vec![b'y'; block_end - cut];
                    data.extend_from_slice(&piece[..cut]);
                    agree(&data, "cut at the end");
                    // The same, followed by an ASCII block (or four: the ASCII skip).
                    for ascii in [1, 64, 256] {
                        let mut more = data.clone();
                        more.extend(std::iter::repeat_n(b'z', ascii));
                        agree(&more, "cut, then ASCII");
                    }
                    // Completed across the block boundary: valid.
                    let mut whole = data.clone();
                    whole.extend_from_slice(&piece[cut..]);
                    whole.extend(std::iter::repeat_n(b'z', 300));
                    assert_eq!(check(&whole), Ok(()), "{whole:02x?}");
                }
            }
        }
    }

    #[test]
    fn non_ascii_everywhere() {
        if !has_avx512() {
            return;
        }
        let text = "é€😀 ".repeat(200);
        agree(text.as_bytes(), "mixed");
        for cut in 0..text.len().min(700) {
            agree(&text.as_bytes()[..cut], "prefix");
        }
    }
}
