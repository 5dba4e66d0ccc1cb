//! Dense numeric kernels: matrix multiply, FFT and k-means.

mod checks;
mod error;
mod matmul;

pub use error::ComputeError;
pub use matmul::{sgemm, GemmOptions, MultiplyOptions, PackedMatrix};
