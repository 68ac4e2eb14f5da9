//! Finds fields that contain their own struct again (directly or through other structs) and marks
//! them boxed, so the generated types have a finite size. Linear time: one pass of Tarjan's
//! strongly connected components over the "contains inline" graph; `Vec` and maps already
//! allocate, so only direct (and `Option`) containment counts as an edge.

use std::collections::HashMap;

use crate::ir::{Model, ModelKind, TypeRef};

/// Turns aliases that refer to themselves through other aliases (`Tree = Vec<Tree>`) into
/// newtypes: Rust expands aliases eagerly, so such a cycle cannot compile, while a cycle through a
/// struct or newtype can. Every alias in such a cycle becomes a newtype, so the choice does not
/// depend on where the cycle is entered.
pub fn wrap_recursive_aliases(models: &mut [Model]) {
    let index_of = index_by_name(models);
    let edges: Vec<Vec<usize>> = models
        .iter()
        .map(|model| match &model.kind {
            ModelKind::Alias(ty) => {
                let mut names = Vec::new();
                mentioned_names(ty, &mut names);
                names
                    .iter()
                    .filter_map(|name| index_of.get(name).copied())
                    .filter(|&target| {
                        matches!(
                            models.get(target).map(|m| &m.kind),
                            Some(ModelKind::Alias(_))
                        )
                    })
                    .collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let in_cycle: Vec<usize> = edges
        .iter()
        .enumerate()
        .filter(|(index, targets)| {
            targets
                .iter()
                .any(|target| component.get(*target) == component.get(*index))
        })
        .map(|(index, _)| index)
        .collect();
    for index in in_cycle {
        if let Some(model) = models.get_mut(index) {
            if let ModelKind::Alias(ty) = &model.kind {
                model.kind = ModelKind::Newtype(ty.clone());
            }
        }
    }
}

/// Each model's position, by its Rust name.
fn index_by_name(models: &[Model]) -> HashMap<&str, usize> {
    models
        .iter()
        .enumerate()
        .map(|(index, model)| (model.name.rust.as_str(), index))
        .collect()
}

fn mentioned_names<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) => mentioned_names(inner, out),
        TypeRef::Primitive(_) | TypeRef::Json => {}
    }
}

/// Sets `boxed` on every field whose type is in the same strongly connected component as its struct.
pub fn box_recursive_fields(models: &mut [Model]) {
    let index_of = index_by_name(models);
    let edges: Vec<Vec<usize>> = models
        .iter()
        .map(|model| {
            direct_targets(model)
                .filter_map(|name| index_of.get(name).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let boxed: Vec<(usize, usize)> = models
        .iter()
        .enumerate()
        .flat_map(|(model_index, model)| {
            let fields = match &model.kind {
                ModelKind::Struct(s) => s.fields.as_slice(),
                _ => &[],
            };
            fields
                .iter()
                .enumerate()
                .filter_map(move |(field_index, field)| match &field.ty {
                    TypeRef::Named(name) => Some((model_index, field_index, name.as_str())),
                    _ => None,
                })
        })
        .filter(|(model_index, _, name)| {
            index_of
                .get(name)
                .is_some_and(|target| component.get(*target) == component.get(*model_index))
        })
        .map(|(model_index, field_index, _)| (model_index, field_index))
        .collect();
    for (model_index, field_index) in boxed {
        if let Some(ModelKind::Struct(s)) = models.get_mut(model_index).map(|m| &mut m.kind) {
            if let Some(field) = s.fields.get_mut(field_index) {
                field.boxed = true;
            }
        }
    }
}

fn direct_targets(model: &Model) -> Box<dyn Iterator<Item = &str> + '_> {
    match &model.kind {
        ModelKind::Struct(s) => Box::new(s.fields.iter().filter_map(|field| match &field.ty {
            TypeRef::Named(name) => Some(name.as_str()),
            _ => None,
        })),
        ModelKind::Alias(TypeRef::Named(name)) => Box::new(std::iter::once(name.as_str())),
        _ => Box::new(std::iter::empty()),
    }
}

/// Tarjan's algorithm, iterative so deep type graphs cannot overflow the stack. Returns each
/// node's component id; a node with a self-edge shares an id with itself, which is what boxing needs.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNVISITED; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNVISITED; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..count {
        if index[start] != UNVISITED {
            continue;
        }
        // Each frame is (node, position of the next edge to look at).
        let mut frames: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut position)) = frames.last_mut() {
            if let Some(&target) = edges[node].get(*position) {
                *position += 1;
                if index[target] == UNVISITED {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    frames.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_small_graph() {
        // 0 → 1 → 2 → 0 is a cycle; 3 → 0 is not in it; 4 → 4 is a self-loop.
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        let component = strongly_connected(&edges);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[3], component[0]);
        assert_ne!(component[4], component[0]);
    }
}
