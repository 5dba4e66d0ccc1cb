//! Per-thread buffers reused across transforms (no allocation or zeroing per call), each
//! starting on a cache line.

use crate::compute::lines::{line_start, slack};
use crate::compute::{checks, ComputeError};
use num_complex::Complex;
use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<Vec<Complex<f32>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with at least `len` scratch values (contents unspecified), 64-byte aligned.
pub(super) fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Complex<f32>]) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            let want = len.saturating_add(slack::<Complex<f32>>());
            if s.len() < want {
                s.resize(want, Complex::new(0.0, 0.0));
            }
            let at = line_start(&s);
            f(&mut s[at..at + len])
        }
        // Only if a transform ever ran inside another on one thread: use a private buffer.
        Err(_) => f(&mut vec![Complex::new(0.0, 0.0); len]),
    })
}

thread_local! {
    static INPUT: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    static STAGED: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Grows `v` to hold `len` floats from its first cache line on, refusing (instead of aborting)
/// when memory cannot; returns where they start.
fn grow(v: &mut Vec<f32>, len: usize, arg: &'static str) -> Result<usize, ComputeError> {
    let too_large = || ComputeError::TooLarge {
        arg,
        shape: format!("{len} floats"),
    };
    let want = len.checked_add(slack::<f32>()).ok_or_else(too_large)?;
    if v.len() < want {
        v.try_reserve_exact(want - v.len())
            .map_err(|_| too_large())?;
        v.resize(want, 0.0);
    }
    Ok(line_start(v))
}

/// Makes the calling thread's staged input hold at least `len` floats and returns where it
/// starts. A caller in another memory (JavaScript) writes a transform's input there and runs
/// the transform with [`Input::Staged`]; the buffer only moves when this grows it, so that
/// caller may write there again without asking while its inputs fit.
pub(super) fn stage_input(len: usize, arg: &'static str) -> Result<*mut f32, ComputeError> {
    STAGED.with(|s| {
        let mut s = s.borrow_mut();
        let at = grow(&mut s, len, arg)?;
        Ok(s[at..].as_mut_ptr())
    })
}

/// Where a transform's input comes from.
pub(crate) enum Input<F = StagedOnly> {
    /// Written by `F` into a per-thread buffer (its error ends the call).
    Fill(F),
    /// Left in the staged buffer by the caller ([`stage_input`]), `offset` floats past its
    /// start; the output goes `out_offset` floats past the start of its buffer. (A caller that
    /// copies from and to arrays of its own can place both at those arrays' alignment.)
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    Staged { offset: usize, out_offset: usize },
}

/// What writes an [`Input::Fill`]'s floats; its error ends the call.
pub(crate) trait Fill: FnOnce(&mut [f32]) -> Result<(), ComputeError> {}

impl<F: FnOnce(&mut [f32]) -> Result<(), ComputeError>> Fill for F {}

/// The fill type of an [`Input`] that is always `Staged`.
pub(crate) type StagedOnly = fn(&mut [f32]) -> Result<(), ComputeError>;

/// A fill that copies `src`.
pub(crate) fn copy_of(src: &[f32]) -> impl Fill + '_ {
    |b: &mut [f32]| {
        b.copy_from_slice(src);
        Ok(())
    }
}

/// Runs `f` with `in_len` floats of input (filled, or staged) and a per-thread output buffer
/// of `out_len` floats (contents unspecified), so a transform called from JavaScript
/// allocates nothing in wasm.
pub(super) fn with_io<R>(
    input: Input<impl Fill>,
    in_len: usize,
    out_len: usize,
    f: impl FnOnce(&mut [f32], &mut [f32]) -> R,
) -> Result<R, ComputeError> {
    let out_offset = match input {
        Input::Staged { out_offset, .. } => out_offset,
        Input::Fill(_) => 0,
    };
    with_input(input, in_len, |i| {
        OUTPUT.with(|o| match o.try_borrow_mut() {
            Ok(mut o) => {
                let b = grow(&mut o, out_len.saturating_add(out_offset), "output")? + out_offset;
                Ok(f(i, &mut o[b..b + out_len]))
            }
            // Only if transforms nest on one thread: a private buffer.
            Err(_) => Ok(f(i, &mut checks::filled("output", out_len, 0.0)?)),
        })
    })
}

/// Runs `f` on `len` floats of input (the transform's input buffer, filled, or the staged one).
fn with_input<R>(
    input: Input<impl Fill>,
    len: usize,
    f: impl FnOnce(&mut [f32]) -> Result<R, ComputeError>,
) -> Result<R, ComputeError> {
    match input {
        Input::Fill(fill) => INPUT.with(|i| match i.try_borrow_mut() {
            Ok(mut i) => {
                let a = grow(&mut i, len, "data")?;
                let i = &mut i[a..a + len];
                fill(i)?;
                f(i)
            }
            // Only if transforms nest on one thread: a private buffer.
            Err(_) => {
                let mut i = checks::filled("data", len, 0.0)?;
                fill(&mut i)?;
                f(&mut i)
            }
        }),
        // Never borrowed twice: nothing run while it is borrowed calls back into a transform.
        Input::Staged { offset, .. } => STAGED.with(|s| {
            let mut s = s.borrow_mut();
            let a = line_start(&s).saturating_add(offset);
            let staged = s.len().saturating_sub(a);
            match a.checked_add(len).and_then(|end| s.get_mut(a..end)) {
                Some(i) => f(i),
                None => Err(ComputeError::BadLength {
                    arg: "data",
                    shape: "at most the floats staged".into(),
                    expected: staged,
                    actual: len,
                }),
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_line<T>(s: &[T]) -> bool {
        s.as_ptr() as usize % crate::compute::lines::LINE == 0
    }

    fn staged_at(offset: usize, out_offset: usize) -> Input {
        Input::Staged { offset, out_offset }
    }

    #[test]
    fn buffers_start_on_a_cache_line_and_staging_points_at_the_input() {
        let fill = |i: &mut [f32]| {
            i.fill(1.0);
            Ok(())
        };
        for len in [2, 6, 1000, 4096, 70_000] {
            let staged = stage_input(len, "data").unwrap();
            let io = with_io(staged_at(0, 0), len, len + 2, |i, o| {
                (on_line(i), on_line(o), i.as_mut_ptr() == staged)
            });
            assert_eq!(io.unwrap(), (true, true, true), "len {len}");
            // Offsets move the input and the output by that many floats, nothing else.
            let shifted = with_io(staged_at(1, 3), len - 1, len, |i, o| {
                let out_line = o.as_ptr().wrapping_sub(3) as usize % crate::compute::lines::LINE;
                (
                    i.as_mut_ptr() == staged.wrapping_add(1),
                    i.len(),
                    out_line,
                    o.len(),
                )
            });
            assert_eq!(shifted.unwrap(), (true, len - 1, 0, len), "len {len}");
            let filled = with_io(Input::Fill(fill), len, 3, |i, o| {
                (on_line(i), on_line(o), i.iter().all(|&v| v == 1.0))
            });
            assert_eq!(filled.unwrap(), (true, true, true), "len {len}");
            assert!(
                with_scratch(len, |s| on_line(s) && s.len() == len),
                "len {len}"
            );
        }
        // Staging never moves the buffer for a length that fits; more than staged is refused.
        let at = stage_input(70_000, "data").unwrap();
        assert_eq!(stage_input(10, "data").unwrap(), at);
        let more = with_io(staged_at(0, 0), 71_000, 2, |_, _| ());
        assert!(matches!(
            more,
            Err(ComputeError::BadLength { actual: 71_000, .. })
        ));
        let wrap = with_io(staged_at(0, 0), usize::MAX, 2, |_, _| ());
        assert!(matches!(wrap, Err(ComputeError::BadLength { .. })));
        // An offset counts against what was staged, and a huge one is refused, not wrapped.
        let beyond = with_io(staged_at(100, 0), 70_000, 2, |_, _| ());
        assert!(matches!(
            beyond,
            Err(ComputeError::BadLength { expected, actual: 70_000, .. }) if expected < 70_000
        ));
        let far = with_io(staged_at(usize::MAX, 0), 2, 2, |_, _| ());
        assert!(matches!(far, Err(ComputeError::BadLength { .. })));
        let out_far = with_io(staged_at(0, usize::MAX), 2, 2, |_, _| ());
        assert!(matches!(out_far, Err(ComputeError::TooLarge { .. })));
    }
}
