//! Row/column order for the confusion heatmap that puts classes confused with each other
//! next to each other, so confusions show as blocks near the diagonal.
//!
//! Method (deterministic, O(n³), fine for hundreds of classes): average-linkage agglomerative
//! clustering on the symmetric off-diagonal confusion `S = C + Cᵀ`. Start with one cluster per
//! class; repeatedly merge the two clusters with the highest mean `S` between their members
//! (ties: lowest cluster positions), orienting the two so the most confused ends meet. When no
//! two clusters share a confusion the remaining clusters are laid out largest first, then by
//! their first class's original position (model class order).

/// Clustered order of `matrix` (square, `matrix[true][predicted]`) as indices into its labels.
pub fn confusion_order(matrix: &[Vec<u64>]) -> Vec<usize> {
    let n = matrix.len();
    let s = |i: usize, j: usize| -> f64 {
        let a = matrix.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0);
        let b = matrix.get(j).and_then(|r| r.get(i)).copied().unwrap_or(0);
        if i == j {
            0.0
        } else {
            (a + b) as f64
        }
    };
    let mut clusters: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    // link[a][b] = total S between clusters a and b, kept up to date on merges.
    let mut link: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| s(i, j)).collect()).collect();
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for a in 0..clusters.len() {
            for b in a + 1..clusters.len() {
                if link[a][b] <= 0.0 {
                    continue;
                }
                let mean = link[a][b] / (clusters[a].len() * clusters[b].len()) as f64;
                if best.is_none_or(|(m, _, _)| mean > m) {
                    best = Some((mean, a, b));
                }
            }
        }
        let Some((_, a, b)) = best else { break };
        let right = clusters.remove(b);
        let left = std::mem::take(&mut clusters[a]);
        clusters[a] = join(left, right, &s);
        let row_b = link.remove(b);
        for row in &mut link {
            row.remove(b);
        }
        for (k, extra) in row_b.iter().enumerate().filter(|&(k, _)| k != b) {
            let k = if k > b { k - 1 } else { k };
            if k != a {
                link[a][k] += extra;
                link[k][a] = link[a][k];
            }
        }
    }
    clusters.sort_by(|x, y| {
        y.len()
            .cmp(&x.len())
            .then(x.iter().min().cmp(&y.iter().min()))
    });
    clusters.into_iter().flatten().collect()
}

/// Concatenates two ordered clusters in whichever of the four orientations puts the most
/// confused pair of end classes side by side (first orientation wins ties).
fn join(left: Vec<usize>, right: Vec<usize>, s: &impl Fn(usize, usize) -> f64) -> Vec<usize> {
    let (l_first, l_last) = (left[0], left[left.len() - 1]);
    let (r_first, r_last) = (right[0], right[right.len() - 1]);
    let options = [
        (s(l_last, r_first), false, false),
        (s(l_last, r_last), false, true),
        (s(l_first, r_first), true, false),
        (s(l_first, r_last), true, true),
    ];
    let mut pick = options[0];
    for o in &options[1..] {
        if o.0 > pick.0 {
            pick = *o;
        }
    }
    let (_, flip_left, flip_right) = pick;
    let mut out = left;
    if flip_left {
        out.reverse();
    }
    let mut right = right;
    if flip_right {
        right.reverse();
    }
    out.extend(right);
    out
}

#[cfg(test)]
mod tests {
    use super::confusion_order;

    #[test]
    fn confused_pairs_end_up_adjacent() {
        // 0<->3 and 1<->4 are confused; 2 is alone.
        let mut m = vec![vec![0u64; 5]; 5];
        for (i, row) in m.iter_mut().enumerate() {
            row[i] = 10;
        }
        m[0][3] = 4;
        m[3][0] = 2;
        m[1][4] = 3;
        let order = confusion_order(&m);
        let pos = |c: usize| order.iter().position(|&x| x == c).unwrap();
        assert_eq!(pos(0).abs_diff(pos(3)), 1, "{order:?}");
        assert_eq!(pos(1).abs_diff(pos(4)), 1, "{order:?}");
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
    }
}
