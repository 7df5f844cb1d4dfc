//! The receive path of RFC 6455 framing: the native twin of
//! `autobahn.websocket._frames_py.FrameParser`, with exactly its behaviour (the same checks
//! in the same order, the same close codes and reasons, the same items).
//!
//! One `parse` call takes a chunk of received bytes and parses every frame header in it
//! (at most `max_frames`), unmasks each payload byte once while copying it to where it stays,
//! validates text incrementally (failing at the chunk holding the first bad byte, as the
//! pure parser does) and assembles a fragmented message in one buffer whose slack is at most
//! an eighth of the payload (1 MiB at most). A message that arrives in one frame (the common
//! case, however many chunks it spans) is unmasked and validated in one pass straight into
//! the `bytes` object the application gets: no assembly buffer, no final copy.
//!
//! The engine is generic over where payloads go (`Sink`), so that `cargo test` runs it
//! without an interpreter; `lib.rs` binds it to Python `bytes`.

use crate::dispatch;
use crate::mask::{self, XorFn};
use crate::utf8::{Utf8State, Verdict};

pub const OP_CONTINUATION: u8 = 0x0;
pub const OP_TEXT: u8 = 0x1;
pub const OP_BINARY: u8 = 0x2;
pub const OP_CLOSE: u8 = 0x8;
pub const OP_PONG: u8 = 0xA;
/// The item kind of a failure (the opcodes are the other kinds).
pub const FAIL: u8 = 0x20;

const MAX_CONTROL_PAYLOAD: usize = 125;
const CLOSE_PROTOCOL_ERROR: u16 = 1002;
const CLOSE_INVALID_PAYLOAD: u16 = 1007;
const CLOSE_MESSAGE_TOO_BIG: u16 = 1009;
/// An assembly buffer larger than this is freed after its message (smaller ones are reused).
const KEEP_BUFFER_MAX: usize = 64 * 1024;
/// Growth slack of the assembly buffer: an eighth of what it must hold, at most this.
const MAX_SLACK: usize = 1024 * 1024;

/// What the parser found.
#[derive(Debug, PartialEq, Eq)]
pub enum Item<B> {
    /// A whole message (`OP_TEXT`/`OP_BINARY`) or a control frame (`OP_CLOSE`, ping, pong).
    Frame { opcode: u8, payload: B },
    /// A protocol violation or a limit: the parser is done.
    Fail { code: u16, reason: String },
}

/// Where payloads go: Python `bytes` in the extension, `Vec<u8>` in unit tests.
pub trait Sink {
    type Buf;
    type Error;
    /// A new buffer of `len` bytes; `fill` writes every byte before anyone else sees it.
    fn filled(
        &mut self,
        len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<Self::Buf, Self::Error>;
    /// A new buffer of `len` bytes that the engine fills piece by piece through `contents`
    /// before it hands the buffer out (nobody else sees it until then).
    fn unfilled(&mut self, len: usize) -> Result<Self::Buf, Self::Error>;
    /// The bytes of a buffer from `unfilled`.
    fn contents<'a>(&mut self, buf: &'a mut Self::Buf) -> &'a mut [u8];
}

/// What autobahn's options may change from RFC 6455's rules (for testing peers).
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    /// Check text messages (false: pass them through unchecked).
    pub validate_utf8: bool,
    /// Server: take unmasked client frames.
    pub accept_unmasked: bool,
    /// Client: take masked server frames.
    pub accept_masked: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            validate_utf8: true,
            accept_unmasked: false,
            accept_masked: false,
        }
    }
}

/// One peer's incoming frames (see the module documentation).
pub struct FrameEngine<B> {
    server: bool,
    max_frame_size: u64,
    max_message_size: u64,
    /// The rules autobahn lets an application relax (see `Rules`).
    rules: Rules,
    /// After a close frame or a failure: all further input is consumed and ignored.
    pub done: bool,
    // The frame being received; `remaining` is None while waiting for a header.
    remaining: Option<u64>,
    opcode: u8,
    fin: bool,
    mask: Option<[u8; 4]>,
    frame_pos: u64,
    control: [u8; MAX_CONTROL_PAYLOAD],
    control_len: usize,
    // The data message being received.
    msg_opcode: Option<u8>,
    msg_size: u64,
    utf8: Utf8State,
    ends_on_code_point: bool,
    buffer: Vec<u8>,
    /// The payload of a message that came (or is coming) in one frame: filled in place.
    single: Option<B>,
    /// The length of the frame being received (the size of `single`).
    frame_len: u64,
}

impl<B> FrameEngine<B> {
    pub fn new(server: bool, max_frame_size: u64, max_message_size: u64, rules: Rules) -> Self {
        Self {
            server,
            max_frame_size,
            max_message_size,
            rules,
            done: false,
            remaining: None,
            opcode: 0,
            fin: false,
            mask: None,
            frame_pos: 0,
            control: [0; MAX_CONTROL_PAYLOAD],
            control_len: 0,
            msg_opcode: None,
            msg_size: 0,
            utf8: Utf8State::default(),
            ends_on_code_point: true,
            buffer: Vec::new(),
            single: None,
            frame_len: 0,
        }
    }

    /// Bytes of memory the message being received holds (assembly buffer, or the payload
    /// of a one-frame message being filled in place).
    pub fn buffered(&self) -> usize {
        let filling = if self.single.is_some() && self.remaining.is_some() {
            self.frame_len as usize
        } else {
            0
        };
        self.buffer.capacity() + filling
    }

    /// Parses `data[pos..]`: returns where parsing stopped and how many headers it parsed;
    /// the items found are appended to `items`.
    pub fn parse<S: Sink<Buf = B>>(
        &mut self,
        sink: &mut S,
        data: &[u8],
        mut pos: usize,
        max_frames: usize,
        items: &mut Vec<Item<B>>,
    ) -> Result<(usize, usize), S::Error> {
        let end = data.len();
        if self.done {
            return Ok((end, 0));
        }
        let xor = dispatch::current().xor;
        let mut frames = 0;
        while pos < end {
            match self.remaining {
                None => {
                    if frames >= max_frames {
                        break;
                    }
                    let header_len = self.header(&data[pos..], items);
                    if header_len == 0 {
                        break; // incomplete, or failed
                    }
                    frames += 1;
                    pos += header_len;
                    if self.remaining == Some(0) {
                        self.end_frame(sink, items)?;
                    }
                }
                Some(remaining) => {
                    let n = remaining.min((end - pos) as u64) as usize;
                    self.payload(sink, &data[pos..pos + n], xor, items)?;
                    pos += n;
                    if self.remaining == Some(0) && !self.done {
                        self.end_frame(sink, items)?;
                    }
                }
            }
            if self.done {
                break;
            }
        }
        Ok((if self.done { end } else { pos }, frames))
    }

    fn fail(&mut self, items: &mut Vec<Item<B>>, code: u16, reason: String) -> usize {
        items.push(Item::Fail { code, reason });
        self.done = true;
        self.buffer = Vec::new();
        self.single = None;
        0
    }

    /// Parses a frame header at the start of `data`: its length, or 0 if incomplete or failed.
    fn header(&mut self, data: &[u8], items: &mut Vec<Item<B>>) -> usize {
        if data.len() < 2 {
            return 0;
        }
        let (first, second) = (data[0], data[1]);
        let mut length = u64::from(second & 0x7F);
        let masked = second & 0x80 != 0;
        let header_len =
            2 + match length {
                126 => 2,
                127 => 8,
                _ => 0,
            } + if masked { 4 } else { 0 };
        if data.len() < header_len {
            return 0;
        }
        let fin = first & 0x80 != 0;
        let rsv1 = first & 0x40 != 0;
        let opcode = first & 0x0F;
        if length == 126 {
            length = u64::from(u16::from_be_bytes([data[2], data[3]]));
        } else if length == 127 {
            let mut be = [0u8; 8];
            be.copy_from_slice(&data[2..10]);
            length = u64::from_be_bytes(be);
            if length >> 63 != 0 {
                return self.fail(
                    items,
                    CLOSE_PROTOCOL_ERROR,
                    "64-bit payload length with the top bit set".into(),
                );
            }
        }
        if first & 0x30 != 0 {
            return self.fail(
                items,
                CLOSE_PROTOCOL_ERROR,
                "reserved bits RSV2/RSV3 set".into(),
            );
        }
        if opcode >= OP_CLOSE {
            if opcode > OP_PONG {
                let reason = format!("reserved control opcode {opcode}");
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
            if !fin {
                return self.fail(
                    items,
                    CLOSE_PROTOCOL_ERROR,
                    "fragmented control frame".into(),
                );
            }
            if length > MAX_CONTROL_PAYLOAD as u64 {
                let reason = format!("control frame payload of {length} bytes (max 125)");
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
            if rsv1 {
                return self.fail(
                    items,
                    CLOSE_PROTOCOL_ERROR,
                    "RSV1 set on a control frame".into(),
                );
            }
        } else if opcode > OP_BINARY {
            let reason = format!("reserved data opcode {opcode}");
            return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
        } else if opcode == OP_CONTINUATION {
            if self.msg_opcode.is_none() {
                let reason = "continuation frame without a message to continue".into();
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
            if rsv1 {
                let reason = "RSV1 set on a continuation frame".into();
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
        } else {
            if self.msg_opcode.is_some() {
                let reason = "new data message before the previous one ended".into();
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
            if rsv1 {
                // The engine never runs with permessage-deflate (the pure parser does).
                let reason = "RSV1 set but no extension negotiated".into();
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
        }
        if masked != self.server {
            if masked && !self.rules.accept_masked {
                let reason = "masked frame from the server".into();
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
            if !masked && !self.rules.accept_unmasked {
                let reason = "unmasked frame from the client".into();
                return self.fail(items, CLOSE_PROTOCOL_ERROR, reason);
            }
        }
        let limit = self.max_frame_size;
        if limit != 0 && length > limit {
            let reason = format!("frame of {length} bytes exceeds the limit of {limit}");
            return self.fail(items, CLOSE_MESSAGE_TOO_BIG, reason);
        }
        if opcode < OP_CLOSE {
            if opcode != OP_CONTINUATION {
                self.msg_opcode = Some(opcode);
                self.msg_size = 0;
                self.ends_on_code_point = true;
                if opcode == OP_TEXT {
                    self.utf8.reset();
                }
            }
            let limit = self.max_message_size;
            if limit != 0 && self.msg_size + length > limit {
                let total = self.msg_size + length;
                let reason = format!("message of {total}+ bytes exceeds the limit of {limit}");
                return self.fail(items, CLOSE_MESSAGE_TOO_BIG, reason);
            }
        } else {
            self.control_len = 0;
        }
        self.opcode = opcode;
        self.fin = fin;
        self.mask = masked.then(|| {
            [
                data[header_len - 4],
                data[header_len - 3],
                data[header_len - 2],
                data[header_len - 1],
            ]
        });
        self.frame_pos = 0;
        self.frame_len = length;
        self.remaining = Some(length);
        header_len
    }

    /// Takes in the verdict on a text message's next bytes; false (after failing) when
    /// they are invalid.
    fn valid(&mut self, verdict: Option<Verdict>, items: &mut Vec<Item<B>>) -> bool {
        if let Some(verdict) = verdict {
            self.ends_on_code_point = verdict.ends_on_code_point;
            if !verdict.valid {
                self.fail(
                    items,
                    CLOSE_INVALID_PAYLOAD,
                    "invalid UTF-8 in a text message".into(),
                );
                return false;
            }
        }
        true
    }

    fn payload<S: Sink<Buf = B>>(
        &mut self,
        sink: &mut S,
        chunk: &[u8],
        xor: XorFn,
        items: &mut Vec<Item<B>>,
    ) -> Result<(), S::Error> {
        let n = chunk.len();
        let remaining = self.remaining.unwrap_or(0);
        let whole_frame = n as u64 == remaining;
        self.remaining = Some(remaining - n as u64);
        let (frame_mask, frame_pos) = (self.mask, self.frame_pos);
        self.frame_pos += n as u64;
        if self.opcode >= OP_CLOSE {
            let start = self.control_len;
            unmask_into(
                chunk,
                &mut self.control[start..start + n],
                frame_mask,
                frame_pos,
                xor,
            );
            self.control_len += n;
            return Ok(());
        }
        let text = self.msg_opcode == Some(OP_TEXT) && self.rules.validate_utf8;
        let check = dispatch::current().utf8;
        let only_frame = self.fin && self.opcode != OP_CONTINUATION;
        if only_frame && !(whole_frame && frame_pos == 0) {
            // A message in one frame that spans chunks: its payload object is allocated at
            // the first chunk (the frame's length is known and within the limits) and every
            // chunk is unmasked into its place there and validated there, in one pass.
            let mut buf = match self.single.take() {
                Some(buf) => buf,
                None => sink.unfilled(self.frame_len as usize)?,
            };
            let start = frame_pos as usize;
            let dst = &mut sink.contents(&mut buf)[start..start + n];
            let verdict = unmask_validated(
                chunk,
                dst,
                frame_mask,
                frame_pos,
                xor,
                text.then_some((&mut self.utf8, check)),
            );
            if self.valid(verdict, items) {
                self.msg_size += n as u64;
                self.single = Some(buf);
            }
            return Ok(());
        }
        if only_frame {
            // A message in one frame and one chunk: unmasked straight into the object it is
            // delivered in, and validated there.
            let utf8 = &mut self.utf8;
            let mut verdict = None;
            let buf = sink.filled(n, |dst| {
                let validator = text.then_some((utf8, check));
                verdict = unmask_validated(chunk, dst, frame_mask, frame_pos, xor, validator);
            })?;
            if self.valid(verdict, items) {
                self.msg_size += n as u64;
                self.single = Some(buf);
            }
            return Ok(());
        }
        let start = self.buffer.len();
        reserve(&mut self.buffer, start + remaining as usize);
        self.buffer.extend_from_slice(chunk);
        if let Some(m) = frame_mask {
            mask::xor_in_place(&mut self.buffer[start..], m, frame_pos, xor);
        }
        let verdict = text.then(|| self.utf8.validate(&self.buffer[start..], check));
        if self.valid(verdict, items) {
            self.msg_size += n as u64;
        }
        Ok(())
    }

    fn end_frame<S: Sink<Buf = B>>(
        &mut self,
        sink: &mut S,
        items: &mut Vec<Item<B>>,
    ) -> Result<(), S::Error> {
        self.remaining = None;
        let opcode = self.opcode;
        if opcode >= OP_CLOSE {
            let control = &self.control[..self.control_len];
            let payload = sink.filled(control.len(), |dst| dst.copy_from_slice(control))?;
            items.push(Item::Frame { opcode, payload });
            if opcode == OP_CLOSE {
                self.done = true;
            }
            return Ok(());
        }
        if !self.fin {
            return Ok(());
        }
        let msg_opcode = self.msg_opcode.take().unwrap_or(OP_BINARY);
        if msg_opcode == OP_TEXT && !self.ends_on_code_point {
            self.fail(
                items,
                CLOSE_INVALID_PAYLOAD,
                "text message ends inside a UTF-8 sequence".into(),
            );
            return Ok(());
        }
        let payload = match self.single.take() {
            Some(buf) => buf,
            None => {
                let buffer = &self.buffer;
                let payload = sink.filled(buffer.len(), |dst| dst.copy_from_slice(buffer))?;
                if self.buffer.capacity() > KEEP_BUFFER_MAX {
                    self.buffer = Vec::new();
                } else {
                    self.buffer.clear();
                }
                payload
            }
        };
        items.push(Item::Frame {
            opcode: msg_opcode,
            payload,
        });
        Ok(())
    }
}

/// Writes the header of a frame with a payload of `length` bytes into `out` (14 bytes
/// suffice); returns its length. `mask`: the client's masking key (None: unmasked).
pub fn write_header(
    out: &mut [u8],
    opcode: u8,
    length: u64,
    fin: bool,
    rsv1: bool,
    mask: Option<[u8; 4]>,
) -> usize {
    out[0] = if fin { 0x80 } else { 0 } | if rsv1 { 0x40 } else { 0 } | opcode;
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    let mut n = 2;
    if length < 126 {
        out[1] = mask_bit | length as u8;
    } else if length < 65536 {
        out[1] = mask_bit | 126;
        out[2..4].copy_from_slice(&(length as u16).to_be_bytes());
        n = 4;
    } else {
        out[1] = mask_bit | 127;
        out[2..10].copy_from_slice(&length.to_be_bytes());
        n = 10;
    }
    if let Some(m) = mask {
        out[n..n + 4].copy_from_slice(&m);
        n += 4;
    }
    n
}

/// Bytes unmasked and then validated at a time: small enough that validation reads them
/// from the L1 cache the unmasking left them in (one pass over memory, not two).
const FUSED_BLOCK: usize = 16 * 1024;

/// `unmask_into`, and with a validator, the text validated block by block as it is
/// unmasked; stops at the first invalid block (the verdict says so).
fn unmask_validated(
    src: &[u8],
    dst: &mut [u8],
    frame_mask: Option<[u8; 4]>,
    pos: u64,
    xor: XorFn,
    validator: Option<(&mut Utf8State, crate::utf8::CheckFn)>,
) -> Option<Verdict> {
    let Some((utf8, check)) = validator else {
        unmask_into(src, dst, frame_mask, pos, xor);
        return None;
    };
    let mut verdict = None;
    let mut done = 0;
    for (src_block, dst_block) in src.chunks(FUSED_BLOCK).zip(dst.chunks_mut(FUSED_BLOCK)) {
        unmask_into(src_block, dst_block, frame_mask, pos + done as u64, xor);
        done += src_block.len();
        let v = utf8.validate(dst_block, check);
        verdict = Some(v);
        if !v.valid {
            break;
        }
    }
    // An empty chunk still gets a verdict (as validating it whole would give).
    verdict.or_else(|| Some(utf8.validate(dst, check)))
}

/// Copies `src` (payload bytes of a frame from stream position `pos`) to `dst`, unmasking.
fn unmask_into(src: &[u8], dst: &mut [u8], frame_mask: Option<[u8; 4]>, pos: u64, xor: XorFn) {
    assert_eq!(src.len(), dst.len());
    match frame_mask {
        // SAFETY: `src` and `dst` are distinct live slices of `src.len()` bytes (one borrowed
        // shared, the other exclusively); the dispatcher chose the kernel for this CPU.
        Some(m) => unsafe {
            xor(
                src.as_ptr(),
                dst.as_mut_ptr(),
                src.len(),
                mask::rotated(m, pos),
            )
        },
        None => dst.copy_from_slice(src),
    }
}

/// Makes room for `need` bytes in `buffer`, with slack of at most an eighth (1 MiB at most).
fn reserve(buffer: &mut Vec<u8>, need: usize) {
    if need > buffer.capacity() {
        let target = need + (need / 8).min(MAX_SLACK);
        buffer.reserve_exact(target - buffer.len());
    }
}

/// The Python class `autobahn._nvx.FrameParser`: the engine with payloads in `bytes`.
pub mod python {
    use super::{unmask_into, write_header, FrameEngine, Item, Rules, Sink, FAIL};
    use crate::buffer::BorrowedBuffer;
    use pyo3::exceptions::PyValueError;
    use pyo3::ffi;
    use pyo3::prelude::*;
    use pyo3::types::{PyBytes, PyList, PyTuple};

    /// Payloads as new `bytes` objects, written once before Python sees them.
    struct BytesSink<'py> {
        py: Python<'py>,
    }

    impl Sink for BytesSink<'_> {
        type Buf = Py<PyBytes>;
        type Error = PyErr;

        fn filled(&mut self, len: usize, fill: impl FnOnce(&mut [u8])) -> PyResult<Py<PyBytes>> {
            // SAFETY: a NULL source asks CPython for a new, uninitialised bytes object of
            // `len` bytes; a null result means MemoryError was raised.
            let out =
                unsafe { ffi::PyBytes_FromStringAndSize(std::ptr::null(), len as ffi::Py_ssize_t) };
            if out.is_null() {
                return Err(PyErr::fetch(self.py));
            }
            // SAFETY: `out` is a new reference to a bytes object we own exclusively.
            let out =
                unsafe { Bound::from_owned_ptr(self.py, out).cast_into_unchecked::<PyBytes>() };
            if len > 0 {
                // SAFETY: the bytes object's storage holds `len` bytes that nobody else can
                // see until we return it; `fill` writes all of them.
                let dst = unsafe {
                    std::slice::from_raw_parts_mut(
                        ffi::PyBytes_AsString(out.as_ptr()) as *mut u8,
                        len,
                    )
                };
                fill(dst);
            }
            Ok(out.unbind())
        }

        fn unfilled(&mut self, len: usize) -> PyResult<Py<PyBytes>> {
            // SAFETY: as in `filled`: a new, uninitialised bytes object of `len` bytes (or
            // NULL with MemoryError raised). The engine writes every byte through `contents`
            // before the object leaves it (a failure drops it unseen).
            let out =
                unsafe { ffi::PyBytes_FromStringAndSize(std::ptr::null(), len as ffi::Py_ssize_t) };
            if out.is_null() {
                return Err(PyErr::fetch(self.py));
            }
            // SAFETY: `out` is a new reference to a bytes object we own exclusively.
            Ok(
                unsafe { Bound::from_owned_ptr(self.py, out).cast_into_unchecked::<PyBytes>() }
                    .unbind(),
            )
        }

        fn contents<'a>(&mut self, buf: &'a mut Py<PyBytes>) -> &'a mut [u8] {
            let ptr = buf.as_ptr();
            // SAFETY: `buf` came from `unfilled` and has not left the engine: no Python code
            // holds a reference to it (so nobody sees it change, and its hash is not cached),
            // and the exclusive borrow of `buf` keeps the slice the only access. We hold the
            // GIL (the sink lives inside `parse`), so reading its size and storage is sound.
            unsafe {
                let len = ffi::PyBytes_Size(ptr) as usize;
                std::slice::from_raw_parts_mut(ffi::PyBytes_AsString(ptr) as *mut u8, len)
            }
        }
    }

    /// The native frame parser; see `autobahn.websocket._frames_py` for the contract.
    #[pyclass(module = "autobahn.nvx")]
    pub struct FrameParser {
        engine: FrameEngine<Py<PyBytes>>,
        #[pyo3(get)]
        server: bool,
        #[pyo3(get)]
        max_frame_size: u64,
        #[pyo3(get)]
        max_message_size: u64,
    }

    #[pymethods]
    impl FrameParser {
        #[new]
        #[pyo3(signature = (
            server, max_frame_size, max_message_size, *,
            validate_utf8=true, accept_unmasked=false, accept_masked=false,
        ))]
        fn new(
            server: bool,
            max_frame_size: u64,
            max_message_size: u64,
            validate_utf8: bool,
            accept_unmasked: bool,
            accept_masked: bool,
        ) -> Self {
            let rules = Rules {
                validate_utf8,
                accept_unmasked,
                accept_masked,
            };
            Self {
                engine: FrameEngine::new(server, max_frame_size, max_message_size, rules),
                server,
                max_frame_size,
                max_message_size,
            }
        }

        /// One whole frame (header and payload, masked with `mask` when given) in one
        /// `bytes` object: the payload is copied (and masked) once, straight into place.
        #[staticmethod]
        #[pyo3(signature = (opcode, payload, fin=true, rsv1=false, mask=None))]
        fn frame<'py>(
            py: Python<'py>,
            opcode: u8,
            payload: &Bound<'py, PyAny>,
            fin: bool,
            rsv1: bool,
            mask: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Py<PyBytes>> {
            if opcode > 0xF {
                return Err(PyValueError::new_err(format!("invalid opcode {opcode}")));
            }
            let mask = match mask {
                None => None,
                Some(obj) => Some(crate::mask_from(obj)?),
            };
            let held;
            let src: &[u8] = if let Ok(bytes) = payload.cast::<PyBytes>() {
                bytes.as_bytes()
            } else {
                held = BorrowedBuffer::get(payload, false, "FrameParser.frame()")?;
                held.as_slice()
            };
            let mut header = [0u8; 14];
            let header_len = write_header(&mut header, opcode, src.len() as u64, fin, rsv1, mask);
            let xor = crate::dispatch::current().xor;
            BytesSink { py }.filled(header_len + src.len(), |dst| {
                let (head, body) = dst.split_at_mut(header_len);
                head.copy_from_slice(&header[..header_len]);
                unmask_into(src, body, mask, 0, xor);
            })
        }

        /// True after a close frame or a failure: all further input is ignored.
        #[getter]
        fn done(&self) -> bool {
            self.engine.done
        }

        /// Bytes of memory the message being assembled holds.
        fn buffered(&self) -> usize {
            self.engine.buffered()
        }

        /// Parse `data[pos:]`: returns (new_pos, frames, items).
        fn parse<'py>(
            &mut self,
            data: &Bound<'py, PyAny>,
            pos: usize,
            max_frames: usize,
        ) -> PyResult<(usize, usize, Bound<'py, PyList>)> {
            let py = data.py();
            let held;
            let bytes: &[u8] = if let Ok(bytes) = data.cast::<PyBytes>() {
                bytes.as_bytes()
            } else {
                held = BorrowedBuffer::get(data, false, "FrameParser.parse()")?;
                held.as_slice()
            };
            if pos > bytes.len() {
                return Err(PyValueError::new_err(format!(
                    "pos {pos} is beyond the end of the data ({} bytes)",
                    bytes.len()
                )));
            }
            let mut items = Vec::new();
            let result =
                self.engine
                    .parse(&mut BytesSink { py }, bytes, pos, max_frames, &mut items);
            let (new_pos, frames) = result?;
            let list = PyList::empty(py);
            for item in items {
                let tuple = match item {
                    Item::Frame { opcode, payload } => PyTuple::new(
                        py,
                        [
                            opcode.into_pyobject(py)?.into_any(),
                            payload.into_bound(py).into_any(),
                        ],
                    )?,
                    Item::Fail { code, reason } => PyTuple::new(
                        py,
                        [
                            FAIL.into_pyobject(py)?.into_any(),
                            code.into_pyobject(py)?.into_any(),
                            reason.into_pyobject(py)?.into_any(),
                        ],
                    )?,
                };
                list.append(tuple)?;
            }
            Ok((new_pos, frames, list))
        }
    }

    /// The binding with an embedded CPython (`cargo test --features python-tests`): frames
    /// built by `frame()` from `bytes` and from a buffer, parsed back from both, and the
    /// items, positions, state and argument errors that Python sees.
    #[cfg(all(test, feature = "python-tests"))]
    mod tests {
        use super::*;
        use pyo3::types::PyByteArray;

        #[test]
        fn frames_round_trip_through_the_binding() {
            Python::initialize();
            Python::attach(|py| -> PyResult<()> {
                let mask = PyBytes::new(py, &[1, 2, 3, 4]);
                let text = "grüße".repeat(30);
                let payload = PyByteArray::new(py, text.as_bytes());
                let first = FrameParser::frame(
                    py,
                    0x1,
                    payload.as_any(),
                    false,
                    false,
                    Some(mask.as_any()),
                )?;
                let first = first.bind(py).as_bytes().to_vec();
                // A masked 16-bit-length header: FIN clear, text, the mask, the masked payload.
                assert_eq!(first[..4], [0x01, 0x80 | 126, 0, text.len() as u8]);
                assert_eq!(first[4..8], [1, 2, 3, 4]);
                assert_eq!(first.len(), 8 + text.len());
                assert_eq!(first[8] ^ 1, b'g');
                let last = FrameParser::frame(
                    py,
                    0x0,
                    PyBytes::new(py, b"!").as_any(),
                    true,
                    false,
                    Some(mask.as_any()),
                )?;
                let close =
                    FrameParser::frame(py, 0x8, PyBytes::new(py, b"").as_any(), true, true, None)?;
                assert_eq!(close.bind(py).as_bytes(), [0xC8, 0x00]);
                let err =
                    FrameParser::frame(py, 0x10, PyBytes::new(py, b"").as_any(), true, false, None)
                        .err()
                        .expect("refused");
                assert_eq!(err.value(py).to_string(), "invalid opcode 16");
                // 0xF, the largest opcode the header can carry, is written (reserved or not).
                let reserved =
                    FrameParser::frame(py, 0xF, PyBytes::new(py, b"").as_any(), true, false, None)?;
                assert_eq!(reserved.bind(py).as_bytes(), [0x8F, 0x00]);

                let mut parser = FrameParser::new(true, 0, 0, true, false, false);
                assert!(parser.server && !parser.done());
                let stream = [first.clone(), last.bind(py).as_bytes().to_vec()].concat();
                // The first frame alone, through the buffer path: assembled, not delivered.
                let (pos, frames, items) =
                    parser.parse(PyByteArray::new(py, &first).as_any(), 0, 10)?;
                assert_eq!((pos, frames, items.len()), (first.len(), 1, 0));
                assert!(parser.buffered() >= text.len());
                let (pos, frames, items) =
                    parser.parse(PyBytes::new(py, &stream).as_any(), first.len(), 10)?;
                assert_eq!((pos, frames), (stream.len(), 1));
                let (opcode, message): (u8, Vec<u8>) = items.get_item(0)?.extract()?;
                assert_eq!((opcode, message), (0x1, format!("{text}!").into_bytes()));

                let err = parser
                    .parse(PyBytes::new(py, b"ab").as_any(), 3, 10)
                    .err()
                    .expect("refused");
                assert_eq!(
                    err.value(py).to_string(),
                    "pos 3 is beyond the end of the data (2 bytes)"
                );
                // The end of the data is a valid position: nothing left to parse.
                let (pos, frames, items) = parser.parse(PyBytes::new(py, b"ab").as_any(), 2, 10)?;
                assert_eq!((pos, frames, items.len()), (2, 0, 0));
                // A control frame with RSV1 set fails the parser.
                let (pos, frames, items) = parser.parse(close.bind(py).as_any(), 0, 10)?;
                assert_eq!((pos, frames), (2, 0));
                let fail: (u8, u16, String) = items.get_item(0)?.extract()?;
                assert_eq!(fail, (FAIL, 1002, "RSV1 set on a control frame".into()));
                assert!(parser.done());
                // A one-frame message that spans two calls: filled in place across them.
                let binary: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
                let whole = FrameParser::frame(
                    py,
                    0x2,
                    PyBytes::new(py, &binary).as_any(),
                    true,
                    false,
                    Some(mask.as_any()),
                )?;
                let whole = whole.bind(py);
                let mut spanning = FrameParser::new(true, 0, 0, true, false, false);
                let half = PyBytes::new(py, &whole.as_bytes()[..500]);
                let (pos, _, items) = spanning.parse(half.as_any(), 0, 10)?;
                assert_eq!((pos, items.len()), (500, 0));
                let (pos, _, items) = spanning.parse(whole.as_any(), pos, 10)?;
                assert_eq!(pos, whole.as_bytes().len());
                let (opcode, message): (u8, Vec<u8>) = items.get_item(0)?.extract()?;
                assert_eq!((opcode, message), (0x2, binary));
                let relaxed = FrameParser::new(false, 7, 9, false, true, true);
                assert_eq!(
                    (
                        relaxed.server,
                        relaxed.max_frame_size,
                        relaxed.max_message_size
                    ),
                    (false, 7, 9)
                );
                let mut relaxed = relaxed;
                let bad_text = FrameParser::frame(
                    py,
                    0x1,
                    PyBytes::new(py, b"\xFF").as_any(),
                    true,
                    false,
                    Some(mask.as_any()),
                )?;
                let (_, _, items) = relaxed.parse(bad_text.bind(py).as_any(), 0, 10)?;
                let (opcode, message): (u8, Vec<u8>) = items.get_item(0)?.extract()?;
                assert_eq!((opcode, message), (0x1, vec![0xFF]));
                Ok(())
            })
            .expect("the test raised");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct VecSink;

    impl Sink for VecSink {
        type Buf = Vec<u8>;
        type Error = ();

        fn filled(&mut self, len: usize, fill: impl FnOnce(&mut [u8])) -> Result<Vec<u8>, ()> {
            let mut buf = vec![0xEE; len];
            fill(&mut buf);
            Ok(buf)
        }

        fn unfilled(&mut self, len: usize) -> Result<Vec<u8>, ()> {
            Ok(vec![0xEE; len])
        }

        fn contents<'a>(&mut self, buf: &'a mut Vec<u8>) -> &'a mut [u8] {
            buf
        }
    }

    const MASK: [u8; 4] = [0x37, 0xFA, 0x21, 0x3D];

    /// A frame as a client sends it (masked), written independently of the engine.
    fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
        encode(first, payload, Some(MASK))
    }

    /// A frame masked with `mask` (None: unmasked, as a server sends it).
    fn encode(first: u8, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
        let mask_bit = if mask.is_some() { 0x80 } else { 0 };
        let mut out = vec![first];
        match payload.len() {
            n if n < 126 => out.push(mask_bit | n as u8),
            n if n < 65536 => {
                out.push(mask_bit | 126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(mask_bit | 127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        match mask {
            Some(m) => {
                out.extend_from_slice(&m);
                out.extend(payload.iter().enumerate().map(|(i, b)| b ^ m[i % 4]));
            }
            None => out.extend_from_slice(payload),
        }
        out
    }

    fn failure(code: u16, reason: &str) -> Item<Vec<u8>> {
        Item::Fail {
            code,
            reason: reason.into(),
        }
    }

    fn parse_all(
        engine: &mut FrameEngine<Vec<u8>>,
        data: &[u8],
        step: usize,
    ) -> Vec<Item<Vec<u8>>> {
        let mut items = Vec::new();
        let mut pending = Vec::new();
        for chunk in data.chunks(step.max(1)) {
            pending.extend_from_slice(chunk);
            let (pos, _) = engine
                .parse(&mut VecSink, &pending, 0, usize::MAX, &mut items)
                .unwrap();
            pending.drain(..pos);
        }
        items
    }

    fn message(opcode: u8, payload: &[u8]) -> Item<Vec<u8>> {
        Item::Frame {
            opcode,
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn messages_and_control_frames_at_every_chunk_size() {
        let long: Vec<u8> = (0..70_000u32).map(|i| i as u8).collect();
        let mut data = frame(0x81, "héllo".as_bytes());
        data.extend(frame(0x01, b"ab"));
        data.extend(frame(0x89, b"ping"));
        data.extend(frame(0x80, b"cd"));
        data.extend(frame(0x82, &long));
        data.extend(frame(0x88, &[0x03, 0xE8]));
        data.extend(frame(0x81, b"after the close: ignored"));
        let expected = vec![
            message(OP_TEXT, "héllo".as_bytes()),
            message(0x9, b"ping"),
            message(OP_TEXT, b"abcd"),
            message(OP_BINARY, &long),
            message(OP_CLOSE, &[0x03, 0xE8]),
        ];
        for step in [1, 2, 3, 7, 13, 4096, data.len()] {
            let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
            assert_eq!(parse_all(&mut engine, &data, step), expected, "step {step}");
            assert!(engine.done);
        }
    }

    #[test]
    fn the_frame_budget_stops_before_a_header() {
        let data: Vec<u8> = (0..5).flat_map(|_| frame(0x82, b"x")).collect();
        let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
        let mut items = Vec::new();
        let (pos, frames) = engine.parse(&mut VecSink, &data, 0, 2, &mut items).unwrap();
        assert_eq!((pos, frames, items.len()), (14, 2, 2));
        let (pos, frames) = engine
            .parse(&mut VecSink, &data, pos, 10, &mut items)
            .unwrap();
        assert_eq!((pos, frames, items.len()), (data.len(), 3, 5));
    }

    #[test]
    fn invalid_utf8_fails_in_the_chunk_that_holds_it() {
        let mut data = frame(0x81, b"valid, then \xF5 and more");
        let bad = data
            .iter()
            .position(|&b| b == (0xF5 ^ MASK[(12 % 4) as usize]))
            .unwrap();
        let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
        let mut items = Vec::new();
        let (pos, _) = engine
            .parse(&mut VecSink, &data[..bad], 0, 10, &mut items)
            .unwrap();
        assert!(items.is_empty() && pos == bad);
        data.drain(..bad);
        engine
            .parse(&mut VecSink, &data[..1], 0, 10, &mut items)
            .unwrap();
        assert_eq!(
            items,
            vec![Item::Fail {
                code: 1007,
                reason: "invalid UTF-8 in a text message".into()
            }]
        );
    }

    #[test]
    fn violations_and_limits() {
        let cases: Vec<(Vec<u8>, u16, &str)> = vec![
            (
                frame(0x80, b"x"),
                1002,
                "continuation frame without a message to continue",
            ),
            (frame(0x92, b"x"), 1002, "reserved bits RSV2/RSV3 set"),
            (
                frame(0xC2, b"x"),
                1002,
                "RSV1 set but no extension negotiated",
            ),
            (frame(0x8B, b""), 1002, "reserved control opcode 11"),
            (frame(0x09, b""), 1002, "fragmented control frame"),
            (frame(0x83, b""), 1002, "reserved data opcode 3"),
            (
                vec![0x82, 0x01, b'x'],
                1002,
                "unmasked frame from the client",
            ),
            (
                frame(0x82, &[0; 101]),
                1009,
                "frame of 101 bytes exceeds the limit of 100",
            ),
            (
                [frame(0x02, &[0; 60]), frame(0x80, &[0; 60])].concat(),
                1009,
                "message of 120+ bytes exceeds the limit of 100",
            ),
            (
                frame(0x81, b"caf\xC3"),
                1007,
                "text message ends inside a UTF-8 sequence",
            ),
        ];
        for (data, code, reason) in cases {
            let mut engine = FrameEngine::new(true, 100, 100, Rules::default());
            let items = parse_all(&mut engine, &data, data.len());
            let fail = Item::Fail {
                code,
                reason: reason.into(),
            };
            assert_eq!(items, vec![fail], "{reason}");
            assert!(engine.done);
        }
    }

    #[test]
    fn a_one_frame_message_is_filled_in_place_across_chunks() {
        let payload: Vec<u8> = "grüße, ".repeat(20_000).into_bytes();
        let data = frame(0x81, &payload);
        let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
        let mut items = Vec::new();
        let mut pos = 0;
        while pos < data.len() {
            // Chunks that split headers, code points and mask phases anywhere.
            let end = (pos + 4093).min(data.len());
            let (stop, _) = engine
                .parse(&mut VecSink, &data[..end], pos, usize::MAX, &mut items)
                .unwrap();
            if stop < data.len() && stop > 14 {
                // While filling: the payload object (and no assembly buffer) is held.
                assert_eq!(engine.buffered(), payload.len());
            }
            pos = stop.max(pos);
            if stop < end {
                break; // never: the header fits the first chunk
            }
        }
        assert_eq!(items, vec![message(OP_TEXT, &payload)]);
        assert_eq!(engine.buffered(), 0);
    }

    #[test]
    fn text_unmasked_and_validated_block_by_block() {
        // Multi-byte characters straddle every 16 KiB block boundary somewhere in here.
        let text: Vec<u8> = "a€ü𝄞".repeat(9_000).into_bytes();
        for step in [text.len() + 14, 7_000, 20_000] {
            let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
            let items = parse_all(&mut engine, &frame(0x81, &text), step);
            assert_eq!(items, vec![message(OP_TEXT, &text)], "step {step}");
            for bad_at in [100, FUSED_BLOCK - 1, FUSED_BLOCK + 3, 50_000] {
                let mut bad = text.clone();
                bad[bad_at] = 0xFF;
                let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
                let items = parse_all(&mut engine, &frame(0x81, &bad), step);
                let fail = Item::Fail {
                    code: 1007,
                    reason: "invalid UTF-8 in a text message".into(),
                };
                assert_eq!(items, vec![fail], "step {step}, bad at {bad_at}");
            }
        }
    }

    #[test]
    fn one_byte_fragments_are_assembled_in_one_buffer() {
        let n = 200_000;
        let mut data = frame(0x02, b"");
        for i in 0..n {
            data.extend(frame(0x00, &[i as u8]));
        }
        data.extend(frame(0x80, b""));
        let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
        let mut items = Vec::new();
        let mut pos = 0;
        let mut peak = 0;
        while pos < data.len() {
            let end = (pos + 65536).min(data.len());
            let (stop, _) = engine
                .parse(&mut VecSink, &data[..end], pos, usize::MAX, &mut items)
                .unwrap();
            pos = stop;
            peak = peak.max(engine.buffered());
        }
        let expected: Vec<u8> = (0..n).map(|i| i as u8).collect();
        assert_eq!(items, vec![message(OP_BINARY, &expected)]);
        assert!(peak <= n + n / 8 + 64, "peak {peak}");
        assert_eq!(engine.buffered(), 0); // a large buffer is freed after its message
    }

    #[test]
    fn a_fragment_being_received_is_counted_once() {
        // Two large fragments: the frame being received goes into the assembly buffer, whose
        // capacity alone is what the message holds (no in-place payload on top of it).
        let n = 200_000;
        let mut data = frame(0x02, &vec![1u8; n]);
        data.extend(frame(0x80, &vec![2u8; n]));
        let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
        let mut items = Vec::new();
        let (mut pos, mut peak) = (0, 0);
        while pos < data.len() {
            let end = (pos + 4093).min(data.len());
            let (stop, _) = engine
                .parse(&mut VecSink, &data[..end], pos, usize::MAX, &mut items)
                .unwrap();
            pos = stop;
            peak = peak.max(engine.buffered());
        }
        assert_eq!(items.len(), 1);
        assert!(peak <= 2 * n + 2 * n / 8 + 64, "peak {peak}");
    }

    #[test]
    fn frames_from_a_server_at_every_chunk_size() {
        // Unmasked, as a client receives them: 16-bit lengths, control frames of the largest
        // allowed payload, empty frames, two fragmented messages in a row, and a close frame of
        // two bytes that ends the data.
        let text = "ünïcödé ".repeat(40).into_bytes();
        let control = [7u8; MAX_CONTROL_PAYLOAD];
        let data = [
            encode(0x8A, b"", None),
            encode(0x81, &text, None),
            encode(0x02, b"first ", None),
            encode(0x89, &control, None),
            encode(0x80, b"message", None),
            encode(0x82, b"", None),
            encode(0x02, &[1; 300], None),
            encode(0x00, &[2; 65535], None),
            encode(0x80, b"", None),
            encode(0x88, b"", None),
        ]
        .concat();
        let expected = vec![
            message(OP_PONG, b""),
            message(OP_TEXT, &text),
            message(0x9, &control),
            message(OP_BINARY, b"first message"),
            message(OP_BINARY, b""),
            message(OP_BINARY, &[[1; 300].as_slice(), &[2; 65535]].concat()),
            message(OP_CLOSE, b""),
        ];
        for step in [1, 2, 3, 5, 7, 300, data.len()] {
            let mut engine = FrameEngine::new(false, 0, 0, Rules::default());
            assert_eq!(parse_all(&mut engine, &data, step), expected, "step {step}");
            assert!(engine.done);
        }
    }

    #[test]
    fn the_input_after_a_close_or_a_failure_is_consumed() {
        for (data, item) in [
            (encode(0x88, b"", None), message(OP_CLOSE, b"")),
            (
                encode(0x80, b"", None),
                failure(1002, "continuation frame without a message to continue"),
            ),
        ] {
            let data = [data, encode(0x82, b"ignored", None)].concat();
            let mut engine = FrameEngine::new(false, 0, 0, Rules::default());
            let mut items = Vec::new();
            let (pos, frames) = engine
                .parse(&mut VecSink, &data, 0, usize::MAX, &mut items)
                .unwrap();
            // A failed header is not counted as a frame.
            let counted = usize::from(matches!(item, Item::Frame { .. }));
            assert_eq!((pos, frames, items), (data.len(), counted, vec![item]));
            let (pos, frames) = engine
                .parse(&mut VecSink, &data, 1, usize::MAX, &mut Vec::new())
                .unwrap();
            assert_eq!((pos, frames), (data.len(), 0));
        }
    }

    #[test]
    fn more_violations() {
        let mut top_bit = vec![0x82, 0xFF];
        top_bit.extend_from_slice(&(1u64 << 63 | 2).to_be_bytes());
        top_bit.extend_from_slice(&MASK);
        let cases: Vec<(Vec<u8>, u16, &str)> = vec![
            (top_bit, 1002, "64-bit payload length with the top bit set"),
            (
                frame(0x89, &[0; 126]),
                1002,
                "control frame payload of 126 bytes (max 125)",
            ),
            (frame(0xCA, b""), 1002, "RSV1 set on a control frame"),
            (
                [frame(0x01, b"a"), frame(0xC0, b"b")].concat(),
                1002,
                "RSV1 set on a continuation frame",
            ),
            (
                [frame(0x01, b"a"), frame(0x82, b"b")].concat(),
                1002,
                "new data message before the previous one ended",
            ),
        ];
        for (data, code, reason) in cases {
            let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
            assert_eq!(
                parse_all(&mut engine, &data, data.len()),
                vec![failure(code, reason)],
                "{reason}"
            );
            assert!(engine.done);
        }
    }

    #[test]
    fn the_limits_are_inclusive_and_per_message() {
        // A frame and a message of exactly the limits pass; the message size starts anew
        // with each message.
        let data = [
            frame(0x82, &[1; 100]),
            frame(0x02, &[2; 60]),
            frame(0x80, &[3; 40]),
            frame(0x02, &[4; 50]),
            frame(0x80, &[5; 50]),
        ]
        .concat();
        let mut engine = FrameEngine::new(true, 100, 100, Rules::default());
        let items = parse_all(&mut engine, &data, data.len());
        assert_eq!(
            items,
            vec![
                message(OP_BINARY, &[1; 100]),
                message(OP_BINARY, &[[2; 60].as_slice(), &[3; 40]].concat()),
                message(OP_BINARY, &[[4; 50].as_slice(), &[5; 50]].concat()),
            ]
        );
        assert!(!engine.done);
    }

    #[test]
    fn a_failure_frees_the_message_being_assembled() {
        let data = [frame(0x02, &[0; 100_000]), frame(0x83, b"")].concat();
        let mut engine = FrameEngine::new(true, 0, 0, Rules::default());
        let items = parse_all(&mut engine, &data, data.len());
        assert_eq!(items, vec![failure(1002, "reserved data opcode 3")]);
        assert_eq!(engine.buffered(), 0);
    }

    #[test]
    fn the_rules_relax_masking_and_validation() {
        let bad_text = b"caf\xC3 \xFF";
        let cases = [
            // (server, rules, frame): each is taken only under its rule.
            (
                true,
                Rules {
                    accept_unmasked: true,
                    ..Rules::default()
                },
                encode(0x82, b"x", None),
            ),
            (
                false,
                Rules {
                    accept_masked: true,
                    ..Rules::default()
                },
                frame(0x82, b"x"),
            ),
            (
                true,
                Rules {
                    validate_utf8: false,
                    ..Rules::default()
                },
                frame(0x81, bad_text),
            ),
        ];
        for (server, rules, data) in cases {
            let expected = if data[0] == 0x81 {
                message(OP_TEXT, bad_text)
            } else {
                message(OP_BINARY, b"x")
            };
            let mut engine = FrameEngine::new(server, 0, 0, rules);
            assert_eq!(
                parse_all(&mut engine, &data, 3),
                vec![expected],
                "{rules:?}"
            );
            let mut strict = FrameEngine::new(server, 0, 0, Rules::default());
            let items = parse_all(&mut strict, &data, data.len());
            assert!(matches!(items[..], [Item::Fail { .. }]), "{rules:?}");
        }
        let mut client = FrameEngine::new(false, 0, 0, Rules::default());
        assert_eq!(
            parse_all(&mut client, &frame(0x82, b"x"), 8),
            vec![failure(1002, "masked frame from the server")]
        );
    }

    #[test]
    fn written_headers_agree_with_an_independent_encoder() {
        for length in [0, 1, 125, 126, 127, 65535, 65536, 70_000] {
            let payload = vec![0x5A; length];
            for (fin, rsv1, opcode) in [
                (true, false, OP_TEXT),
                (false, true, OP_BINARY),
                (true, true, OP_CLOSE),
            ] {
                for mask in [None, Some(MASK)] {
                    let first = if fin { 0x80 } else { 0 } | if rsv1 { 0x40 } else { 0 } | opcode;
                    let expected = encode(first, &payload, mask);
                    let mut header = [0u8; 14];
                    let n = write_header(&mut header, opcode, length as u64, fin, rsv1, mask);
                    assert_eq!(n, expected.len() - length, "length {length}");
                    assert_eq!(header[..n], expected[..n], "length {length}, mask {mask:?}");
                }
            }
        }
    }
}
