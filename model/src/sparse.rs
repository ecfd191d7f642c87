//! Compressed sparse row matrix and a row-subset view usable as linfa `Records`.

/// Documents x features, CSR, f32 values; column indices sorted within each row.
#[derive(Debug, Clone, Default)]
pub struct CsrMatrix {
    /// Row `i` spans `indptr[i]..indptr[i + 1]` of `indices` / `values`.
    pub indptr: Vec<usize>,
    /// Column of each stored value.
    pub indices: Vec<u32>,
    /// Stored values.
    pub values: Vec<f32>,
    /// Number of columns.
    pub n_cols: usize,
}

impl CsrMatrix {
    /// Build from per-row `(column, value)` lists.
    pub fn from_rows(rows: Vec<Vec<(u32, f32)>>, n_cols: usize) -> Self {
        let nnz = rows.iter().map(Vec::len).sum();
        let mut m = CsrMatrix {
            indptr: Vec::with_capacity(rows.len() + 1),
            indices: Vec::with_capacity(nnz),
            values: Vec::with_capacity(nnz),
            n_cols,
        };
        m.indptr.push(0);
        for row in rows {
            for (c, v) in row {
                m.indices.push(c);
                m.values.push(v);
            }
            m.indptr.push(m.indices.len());
        }
        m
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    /// Row `i` as (columns, values).
    #[inline]
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (s, e) = (self.indptr[i], self.indptr[i + 1]);
        (&self.indices[s..e], &self.values[s..e])
    }
}

/// A view of some rows of a [`CsrMatrix`]: the records of one label head, whose rows with
/// an empty label are left out without copying the matrix.
#[derive(Debug, Clone, Copy)]
pub struct SparseRecords<'a> {
    /// The full matrix.
    pub matrix: &'a CsrMatrix,
    /// Rows of `matrix` in this view, in order.
    pub rows: &'a [usize],
}

impl<'a> SparseRecords<'a> {
    /// Row `i` of the view.
    #[inline]
    pub fn row(&self, i: usize) -> (&'a [u32], &'a [f32]) {
        self.matrix.row(self.rows[i])
    }
}

impl linfa::dataset::Records for SparseRecords<'_> {
    type Elem = f32;

    fn nsamples(&self) -> usize {
        self.rows.len()
    }

    fn nfeatures(&self) -> usize {
        self.matrix.n_cols
    }
}

/// Sparse row dot dense vector.
#[inline]
pub fn dot(cols: &[u32], vals: &[f32], w: &[f32]) -> f32 {
    cols.iter().zip(vals).map(|(&c, &v)| w[c as usize] * v).sum()
}
