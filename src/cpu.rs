//! Processor features for the hot loops. `Model::step` and `BufferedSummary::add_run` each
//! have a copy compiled with `#[target_feature(enable = "avx,avx2,sse3,ssse3,sse4.1,sse4.2,
//! popcnt")]` (x86-64-v3 without FMA and BMI), taken when the processor has them: the same
//! IEEE operations on wider registers, so the same bits as the baseline copy (Rust never fuses
//! a multiply and an add on its own), about 5% faster.

/// True if the processor has every feature the AVX2 copies are compiled for (the check is
/// cached by the standard library).
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("sse4.2") && std::is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}
