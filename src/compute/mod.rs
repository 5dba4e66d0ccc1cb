//! Dense numeric kernels: matrix multiply (and later FFT and k-means).

mod error;
mod matmul;

pub use error::ComputeError;
pub use matmul::{sgemm, GemmOptions};
