//! Fixed-seed fingerprints of (canonical) states.
//!
//! A fingerprint is a hash of the state with a fixed seed, so runs are
//! repeatable on any machine and thread count. 64-bit fingerprints keep the top
//! bit clear: the store uses it as the "sealed" flag of a parent word. Zero is
//! reserved for "no parent" (initial states), so a hash of zero maps to one.

use std::fmt::Debug;
use std::hash::{BuildHasher, Hash};

use foldhash::quality::FixedState;

/// A fingerprint width.
pub(crate) trait Fingerprint: Copy + Eq + Ord + Hash + Send + Sync + Debug + 'static {
    /// Bits of entropy, for the collision estimate.
    const BITS: u32;
    /// The parent of an initial state.
    const ROOT: Self;
    /// Bytes in a checkpoint.
    const BYTES: usize;
    /// The fingerprint of `value` under `seed`.
    fn of<T: Hash + ?Sized>(value: &T, seed: u64) -> Self;
    /// Widened, for checkpoints.
    fn to_u128(self) -> u128;
    /// Narrowed back from [`Fingerprint::to_u128`].
    fn from_u128(wide: u128) -> Self;
}

const SEED_HIGH: u64 = 0x9e37_79b9_7f4a_7c15;

impl Fingerprint for u64 {
    const BITS: u32 = 63;
    const ROOT: u64 = 0;
    const BYTES: usize = 8;

    #[inline]
    fn of<T: Hash + ?Sized>(value: &T, seed: u64) -> u64 {
        let h = FixedState::with_seed(seed).hash_one(value) & (u64::MAX >> 1);
        h.max(1)
    }

    fn to_u128(self) -> u128 {
        self.into()
    }

    fn from_u128(wide: u128) -> u64 {
        wide as u64
    }
}

impl Fingerprint for u128 {
    const BITS: u32 = 127;
    const ROOT: u128 = 0;
    const BYTES: usize = 16;

    #[inline]
    fn of<T: Hash + ?Sized>(value: &T, seed: u64) -> u128 {
        let low = FixedState::with_seed(seed).hash_one(value);
        let high = FixedState::with_seed(seed ^ SEED_HIGH).hash_one(value) & (u64::MAX >> 1);
        (((high as u128) << 64) | low as u128).max(1)
    }

    fn to_u128(self) -> u128 {
        self
    }

    fn from_u128(wide: u128) -> u128 {
        wide
    }
}

/// TLC's optimistic estimate of the probability that two distinct states
/// shared a fingerprint: `n * (g - n) / 2^bits` for `n` distinct states among
/// `g` generated ones.
pub(crate) fn collision_probability(distinct: u64, generated: u64, bits: u32) -> f64 {
    let n = distinct as f64;
    let g = generated.max(distinct) as f64;
    (n * (g - n) / 2f64.powi(bits as i32)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_fixed_across_runs_and_never_root() {
        let a = u64::of(&(1u8, "x"), 7);
        assert_eq!(a, u64::of(&(1u8, "x"), 7));
        assert_ne!(a, u64::of(&(1u8, "x"), 8));
        assert_ne!(a, 0);
        assert_eq!(a >> 63, 0);
        assert_ne!(u128::of(&3u32, 0), 0);
    }

    #[test]
    fn collision_estimate_matches_the_formula() {
        let p = collision_probability(1 << 20, 1 << 24, 63);
        let expected = (1u64 << 20) as f64 * ((1u64 << 24) - (1u64 << 20)) as f64 / 2f64.powi(63);
        assert!((p - expected).abs() < 1e-18);
    }
}
