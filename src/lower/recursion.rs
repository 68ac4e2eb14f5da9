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
            ModelKind::Alias(ty) => ty
                .model()
                .and_then(|name| index_of.get(name).copied())
                .filter(|&target| {
                    matches!(
                        models.get(target).map(|m| &m.kind),
                        Some(ModelKind::Alias(_))
                    )
                })
                .into_iter()
                .collect(),
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

/// Removes union members that lead back to the same union through unions and aliases alone
/// (`Expr = oneOf[Integer, Sum, Expr]`). serde tries an untagged enum's variants in order, so
/// a value none of the others accepts would be tried against the union again, without end;
/// such a member adds no values the other members do not already accept. A union left with no
/// members becomes any JSON value. Linear: Tarjan over the union-and-alias graph.
pub fn drop_union_self_members(models: &mut [Model]) {
    let index_of = index_by_name(models);
    let is_union_or_alias = |index: usize| {
        matches!(
            models.get(index).map(|m| &m.kind),
            Some(ModelKind::Union(_) | ModelKind::Alias(_))
        )
    };
    let target = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => index_of.get(name.as_str()).copied(),
        _ => None,
    };
    let edges: Vec<Vec<usize>> = models
        .iter()
        .map(|model| match &model.kind {
            ModelKind::Union(union) => union
                .variants
                .iter()
                .filter_map(|variant| target(&variant.ty))
                .filter(|&index| is_union_or_alias(index))
                .collect(),
            ModelKind::Alias(ty) => target(ty)
                .filter(|&index| is_union_or_alias(index))
                .into_iter()
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    let dropped: Vec<(usize, Vec<usize>)> = models
        .iter()
        .enumerate()
        .filter_map(|(index, model)| {
            let ModelKind::Union(union) = &model.kind else {
                return None;
            };
            let looping: Vec<usize> = union
                .variants
                .iter()
                .enumerate()
                .filter(|(_, variant)| {
                    target(&variant.ty).is_some_and(|to| {
                        is_union_or_alias(to) && component.get(to) == component.get(index)
                    })
                })
                .map(|(slot, _)| slot)
                .collect();
            (!looping.is_empty()).then_some((index, looping))
        })
        .collect();
    for (index, looping) in dropped {
        if let Some(model) = models.get_mut(index) {
            if let ModelKind::Union(union) = &mut model.kind {
                // `looping` is ascending: removing from the back keeps the other slots in place.
                // A tagged union loses the dropped member's tags with it: reading the member
                // would read the union again, with the same tag, without end.
                for slot in looping.into_iter().rev() {
                    if slot < union.variants.len() {
                        union.variants.remove(slot);
                    }
                }
                if union.variants.is_empty() {
                    model.kind = ModelKind::Alias(TypeRef::Json);
                }
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

/// Sets `boxed` on every struct field, and every union variant, whose type is in the same strongly
/// connected component as its model.
pub fn box_recursive_fields(models: &mut [Model]) {
    let index_of = index_by_name(models);
    let edges: Vec<Vec<usize>> = models
        .iter()
        .map(|model| {
            direct_targets(model)
                .into_iter()
                .filter_map(|name| index_of.get(name).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&edges);
    let boxed: Vec<(usize, usize)> = models
        .iter()
        .enumerate()
        .flat_map(|(model_index, model)| {
            slot_types(model)
                .into_iter()
                .enumerate()
                .filter_map(move |(slot, ty)| match ty {
                    TypeRef::Named(name) => Some((model_index, slot, name.as_str())),
                    _ => None,
                })
        })
        .filter(|(model_index, _, name)| {
            index_of
                .get(name)
                .is_some_and(|target| component.get(*target) == component.get(*model_index))
        })
        .map(|(model_index, slot, _)| (model_index, slot))
        .collect();
    for (model_index, slot) in boxed {
        match models.get_mut(model_index).map(|m| &mut m.kind) {
            Some(ModelKind::Struct(s)) => {
                if let Some(field) = s.fields.get_mut(slot) {
                    field.boxed = true;
                }
            }
            Some(ModelKind::Union(union)) => {
                if let Some(variant) = union.variants.get_mut(slot) {
                    variant.boxed = true;
                }
            }
            _ => {}
        }
    }
}

/// The types a model holds inline, by slot: a struct's fields, a union's members.
fn slot_types(model: &Model) -> Vec<&TypeRef> {
    match &model.kind {
        ModelKind::Struct(s) => s.fields.iter().map(|field| &field.ty).collect(),
        ModelKind::Union(union) => union.variants.iter().map(|variant| &variant.ty).collect(),
        _ => Vec::new(),
    }
}

/// The models a model contains directly (not behind a `Vec` or map), which boxing must break.
fn direct_targets(model: &Model) -> Vec<&str> {
    if let ModelKind::Alias(TypeRef::Named(name)) = &model.kind {
        return vec![name.as_str()];
    }
    slot_types(model)
        .into_iter()
        .filter_map(|ty| match ty {
            TypeRef::Named(name) => Some(name.as_str()),
            _ => None,
        })
        .collect()
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
