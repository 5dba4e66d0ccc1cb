//! Helpers shared by the integration tests (`mod common;`).
#![allow(dead_code)] // each test file uses a part

/// A small deterministic xorshift* generator, so tests need no RNG crate and repeat exactly.
pub struct Rng(pub u64);

impl Rng {
    fn step(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [-1, 1).
    pub fn next(&mut self) -> f32 {
        ((self.step() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    /// `n` values uniform in [-1, 1).
    pub fn vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.next()).collect()
    }

    /// Uniform in [0, 1), with 53 random bits.
    pub fn unit_f64(&mut self) -> f64 {
        (self.step() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal (sum of uniforms), mean 0, variance 1.
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit_f64()).sum::<f64>() - 6.0
    }
}

pub mod lloyd;
