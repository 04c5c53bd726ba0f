use super::*;

fn exercise<S: Store<u64>>(mut store: S) {
    assert_eq!(store.insert(10, 7), Insert::New);
    assert_eq!(store.insert(10, 9), Insert::Seen);
    assert_eq!(store.insert(10, 3), Insert::Lowered);
    assert_eq!(store.insert(10, 3), Insert::Seen);
    assert_eq!(store.seal(10), 3);
    // Sealed parents never change, even for a smaller candidate.
    assert_eq!(store.insert(10, 1), Insert::Seen);
    assert_eq!(store.parent(10), Some(3));
    assert_eq!(store.insert_sealed(11, 0), Some(true));
    assert_eq!(store.insert_sealed(11, 5), Some(false));
    assert_eq!(store.parent(11), Some(0));
    assert_eq!(store.parent(12), None);
    store.reserve(2, 10_000);
    assert_eq!(store.parent(10), Some(3));
    assert_eq!(store.parent(11), Some(0));
}

#[test]
fn table_keeps_the_smallest_parent_until_sealed() {
    exercise(Table::with_capacity(4));
}

#[test]
fn sharded_store_keeps_the_smallest_parent_until_sealed() {
    exercise(ShardedStore::<u64>::with_capacity(4));
}

#[test]
fn table_reports_full_and_keeps_everything_after_growing() {
    let mut table = Table::with_capacity(10);
    let slots = table.slots();
    let mut inserted = Vec::new();
    let mut fp = 1u64;
    loop {
        fp = fp.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) & LOW;
        match table.insert(fp.max(1), 0) {
            Insert::Full => break,
            Insert::New => inserted.push(fp.max(1)),
            other => panic!("unexpected {other:?}"),
        }
        assert!(inserted.len() <= slots);
    }
    table.reserve(inserted.len() as u64, 1);
    for &fp in &inserted {
        table.seal(fp);
        assert_eq!(table.parent(fp), Some(0));
    }
    assert!(table.slots() > slots);
}

#[test]
fn concurrent_discoverers_agree_on_the_smallest_parent() {
    let table = Table::with_capacity(100_000);
    let key = |i: u64| <u64 as crate::fingerprint::Fingerprint>::of(&i, 0);
    (1u64..=8).into_par_iter().for_each(|parent| {
        for i in 1..=10_000u64 {
            table.insert(key(i), 100 - parent);
        }
    });
    for i in 1..=10_000u64 {
        assert_eq!(table.seal(key(i)), 92);
    }
}
