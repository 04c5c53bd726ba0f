use std::hash::{BuildHasher, Hash};

use super::{Bag, Map, Seq, Set};

fn hash_of<T: Hash>(value: &T) -> u64 {
    foldhash::fast::FixedState::with_seed(7).hash_one(value)
}

fn is_copy<T: Copy>() {}

#[test]
fn collections_of_copy_elements_are_copy() {
    is_copy::<Seq<u8, 3>>();
    is_copy::<Set<(u8, u16), 4>>();
    is_copy::<Bag<u8, 4>>();
    is_copy::<Map<u8, [u8; 2], 4>>();
}

#[test]
fn a_seq_is_a_fifo_queue_and_compares_by_its_elements_only() {
    let mut a = Seq::<u8, 3>::new();
    a.push(1);
    a.push(2);
    a.push(3);
    assert!(a.is_full());
    assert_eq!(a.try_push(4), Err(4));
    assert_eq!(a.pop_front(), Some(1));
    assert_eq!(a.as_slice(), &[2, 3]);
    // Built another way, with other history in the slots: still equal.
    let b: Seq<u8, 3> = [2, 3].into_iter().collect();
    assert_eq!(a, b);
    assert_eq!(hash_of(&a), hash_of(&b));
    // As a Vec hashes and orders.
    assert_eq!(hash_of(&a), hash_of(&vec![2u8, 3]));
    assert!(Seq::<u8, 3>::from_iter([1, 9]) < b);
    assert_eq!(format!("{b:?}"), "[2, 3]");
}

#[test]
fn seq_insert_remove_and_retain_keep_the_order() {
    let mut s: Seq<u8, 5> = [1, 3, 5].into_iter().collect();
    s.insert(1, 2);
    s.insert(4, 6);
    assert_eq!(s.as_slice(), &[1, 2, 3, 5, 6]);
    assert_eq!(s.remove(2), 3);
    s.retain(|x| x % 2 == 0);
    assert_eq!(s.as_slice(), &[2, 6]);
    assert_eq!(s.pop(), Some(6));
    s.clear();
    assert!(s.is_empty());
    assert_eq!(s.pop_front(), None);
}

#[test]
#[should_panic(expected = "a Seq of capacity 2 is full")]
fn pushing_past_the_capacity_panics() {
    let mut s = Seq::<u8, 2>::new();
    s.extend([1, 2, 3]);
}

#[test]
fn a_set_has_one_form_whatever_the_insertion_order() {
    let mut a = Set::<u8, 4>::new();
    assert!(a.insert(3));
    assert!(a.insert(1));
    assert!(!a.insert(3));
    let b: Set<u8, 4> = [1, 3].into_iter().collect();
    assert_eq!(a, b);
    assert_eq!(hash_of(&a), hash_of(&b));
    assert!(a.contains(&1) && !a.contains(&2));
    assert!(a.remove(&1));
    assert!(!a.remove(&1));
    assert_eq!(a.as_slice(), &[3]);
    assert!(a.is_subset(&b));
    assert!(!b.is_subset(&a));
    assert_eq!(format!("{b:?}"), "{1, 3}");
}

#[test]
fn a_bag_counts_copies() {
    let mut a = Bag::<char, 5>::new();
    for c in ['b', 'a', 'b', 'c'] {
        a.insert(c);
    }
    let b: Bag<char, 5> = ['c', 'b', 'a', 'b'].into_iter().collect();
    assert_eq!(a, b);
    assert_eq!(hash_of(&a), hash_of(&b));
    assert_eq!((a.count(&'b'), a.count(&'a'), a.count(&'z')), (2, 1, 0));
    assert_eq!(a.distinct().collect::<Vec<_>>(), [(&'a', 1), (&'b', 2), (&'c', 1)]);
    assert!(a.remove_one(&'b'));
    assert_eq!(a.count(&'b'), 1);
    assert!(!a.remove_one(&'z'));
    assert_eq!(a.as_slice(), &['a', 'b', 'c']);
}

#[test]
fn a_map_is_sorted_by_key() {
    let mut m = Map::<u8, &str, 3>::new();
    assert_eq!(m.insert(2, "two"), None);
    assert_eq!(m.insert(1, "one"), None);
    assert_eq!(m.insert(2, "deux"), Some("two"));
    assert_eq!(m.keys().copied().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(m.get(&2), Some(&"deux"));
    *m.get_mut(&1).unwrap() = "un";
    assert_eq!(format!("{m:?}"), r#"{1: "un", 2: "deux"}"#);
    let n: Map<u8, &str, 3> = [(2, "deux"), (1, "un")].into_iter().collect();
    assert_eq!(m, n);
    assert_eq!(m.remove(&1), Some("un"));
    assert_eq!(m.remove(&1), None);
    assert_eq!(m.len(), 1);
}

#[test]
fn serde_round_trips_and_refuses_what_the_api_cannot_build() {
    let set: Set<u8, 4> = [4, 2].into_iter().collect();
    let bytes = postcard::to_stdvec(&set).unwrap();
    assert_eq!(postcard::from_bytes::<Set<u8, 4>>(&bytes).unwrap(), set);
    // The same bytes as a sequence: [2, 4]. Out of order or too long is refused.
    assert!(postcard::from_bytes::<Set<u8, 4>>(&postcard::to_stdvec(&vec![4u8, 2]).unwrap()).is_err());
    assert!(postcard::from_bytes::<Set<u8, 4>>(&postcard::to_stdvec(&vec![2u8, 2]).unwrap()).is_err());
    assert!(postcard::from_bytes::<Seq<u8, 1>>(&postcard::to_stdvec(&vec![1u8, 2]).unwrap()).is_err());
    assert!(postcard::from_bytes::<Bag<u8, 3>>(&postcard::to_stdvec(&vec![2u8, 2, 1]).unwrap()).is_err());
    let bag: Bag<u8, 3> = [2, 1, 2].into_iter().collect();
    assert_eq!(postcard::from_bytes::<Bag<u8, 3>>(&postcard::to_stdvec(&bag).unwrap()).unwrap(), bag);
    let map: Map<u8, u8, 2> = [(2, 0), (1, 5)].into_iter().collect();
    assert_eq!(postcard::from_bytes::<Map<u8, u8, 2>>(&postcard::to_stdvec(&map).unwrap()).unwrap(), map);
    assert!(postcard::from_bytes::<Map<u8, u8, 2>>(&postcard::to_stdvec(&vec![(2u8, 0u8), (2, 1)]).unwrap()).is_err());
}
