//! Strongly connected components by Tarjan's algorithm, iteratively (an
//! explicit stack of frames instead of recursion), on the subgraph induced by
//! a node mask.

use super::graph::Graph;
use super::Search;
use crate::outcome::StopReason;

const NONE: u32 = u32::MAX;

/// The SCCs of the subgraph induced by `mask`, reachable from `roots`
/// (roots outside the mask are skipped). Each SCC's nodes are sorted. Stops
/// when `search` says a limit is hit.
pub(crate) fn sccs<S>(
    graph: &Graph<S>,
    mask: &[bool],
    roots: &[u32],
    search: &mut Search<'_>,
) -> Result<Vec<Vec<u32>>, StopReason> {
    let n = graph.len();
    // index, low and on_stack, then the stacks at worst.
    search.reserve(graph, n * 17)?;
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    // (node, position of the next edge to look at)
    let mut frames: Vec<(u32, usize)> = Vec::new();
    let mut next_index = 0u32;
    let mut result = Vec::new();
    for &root in roots {
        if !mask[root as usize] || index[root as usize] != NONE {
            continue;
        }
        search.step(graph)?;
        frames.push((root, graph.offsets[root as usize]));
        index[root as usize] = next_index;
        low[root as usize] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (u, ref mut at)) = frames.last_mut() {
            let end = graph.offsets[u as usize + 1];
            let mut descended = false;
            while *at < end {
                let v = graph.targets[*at];
                *at += 1;
                if !mask[v as usize] {
                    continue;
                }
                if index[v as usize] == NONE {
                    search.step(graph)?;
                    index[v as usize] = next_index;
                    low[v as usize] = next_index;
                    next_index += 1;
                    stack.push(v);
                    on_stack[v as usize] = true;
                    frames.push((v, graph.offsets[v as usize]));
                    descended = true;
                    break;
                } else if on_stack[v as usize] {
                    low[u as usize] = low[u as usize].min(index[v as usize]);
                }
            }
            if descended {
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent as usize] = low[parent as usize].min(low[u as usize]);
            }
            if low[u as usize] == index[u as usize] {
                let mut component = Vec::new();
                loop {
                    let w = stack.pop().expect("checker bug: Tarjan's stack underflow");
                    on_stack[w as usize] = false;
                    component.push(w);
                    if w == u {
                        break;
                    }
                }
                component.sort_unstable();
                result.push(component);
            }
        }
    }
    Ok(result)
}
