//! NBSVM feature scaling (Wang & Manning, "Baselines and Bigrams", 2012): each one-vs-rest
//! problem sees its features scaled by how much more often they occur in its class than in
//! the rest, `|ln((p_j / |p|) / (q_j / |q|))|` with `p`, `q` the smoothed per-feature sums of
//! the class's and the other rows' values. It helps on long, noisy texts where few words carry
//! the class and costs nothing at prediction: the scaling is folded into the weights.

use crate::sparse::SparseRecords;

/// Per-feature value sums of all rows and of each class, for the scalings of every class.
pub(crate) struct ClassSums<'a> {
    x: &'a SparseRecords<'a>,
    targets: &'a [usize],
    total: Vec<f32>,
    alpha: f32,
}

impl<'a> ClassSums<'a> {
    /// Sums over all rows of `x`; `alpha` smooths every count.
    pub(crate) fn new(x: &'a SparseRecords<'a>, targets: &'a [usize], alpha: f32) -> Self {
        let mut total = vec![0f32; x.matrix.n_cols];
        for i in 0..x.rows.len() {
            let (cols, vals) = x.row(i);
            for (&j, &v) in cols.iter().zip(vals) {
                total[j as usize] += v;
            }
        }
        ClassSums { x, targets, total, alpha }
    }

    /// The squared scaling `s_j^2` of class `class`'s problem.
    pub(crate) fn squared_scaling(&self, class: usize) -> Vec<f32> {
        let mut own = vec![0f32; self.total.len()];
        for (i, _) in self.targets.iter().enumerate().filter(|(_, &t)| t == class) {
            let (cols, vals) = self.x.row(i);
            for (&j, &v) in cols.iter().zip(vals) {
                own[j as usize] += v;
            }
        }
        let a = self.alpha;
        let own_sum: f32 = own.iter().map(|v| v + a).sum();
        let rest_sum: f32 = self.total.iter().zip(&own).map(|(t, o)| (t - o).max(0.0) + a).sum();
        own.iter()
            .zip(&self.total)
            .map(|(&o, &t)| {
                let ratio = ((o + a) / own_sum) / (((t - o).max(0.0) + a) / rest_sum);
                let s = ratio.ln().abs();
                s * s
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sparse::CsrMatrix;

    #[test]
    fn a_feature_only_one_class_uses_scales_up_and_a_shared_one_down() {
        // Columns: 0 only in class 0, 1 in both classes equally.
        let m = CsrMatrix::from_rows(vec![vec![(0, 1.0), (1, 1.0)], vec![(0, 1.0), (1, 1.0)], vec![(1, 1.0)], vec![(1, 1.0)]], 2);
        let rows = [0, 1, 2, 3];
        let x = SparseRecords { matrix: &m, rows: &rows };
        let s2 = ClassSums::new(&x, &[0, 0, 1, 1], 0.1).squared_scaling(0);
        assert!(s2[0] > 1.0, "{s2:?}");
        assert!(s2[1] < 0.2 * s2[0], "{s2:?}");
    }
}
