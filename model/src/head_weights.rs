//! The stored form of one label head, shared by the file payload (`model`) and the serving
//! layout (`fused`) so neither has to reach into the other.

use serde::{Deserialize, Serialize};

/// One label head: feature-major i8 weights with a per-feature scale, bias, temperature.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HeadWeights {
    pub name: String,
    pub classes: Vec<String>,
    /// Row length of `q`: classes rounded up to a multiple of 16 so the inner loop has no
    /// scalar tail (padding weights are zero).
    pub stride: u32,
    /// `q[col * stride + class]` as i8 bit patterns (stored as bytes so loading is one memcpy).
    #[serde(with = "serde_bytes")]
    pub q: Vec<u8>,
    pub scales: Vec<f32>,
    pub bias: Vec<f32>,
    pub temperature: f32,
}
