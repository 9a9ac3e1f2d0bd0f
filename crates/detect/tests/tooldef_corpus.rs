//! Recall floors and false-positive ceilings on the labelled corpus.

mod common;

use common::corpus;

#[test]
fn corpus_recall_and_false_positives() {
    let s = corpus::evaluate();
    assert!(s.tools >= 40, "corpus has {} tool definitions", s.tools);
    let report = format!(
        "poisoning {:?}\ndestructive {:?}\nshadowing {:?}\ninjection {:?}",
        s.poisoning, s.destructive, s.shadowing, s.injection
    );
    assert!(
        s.poisoning.tp + s.poisoning.fn_ >= 15 && s.poisoning.tn >= 25,
        "{report}"
    );
    assert!(s.poisoning.recall() >= 0.9, "{report}");
    assert!(
        s.poisoning.fp <= 1 && s.poisoning.precision() >= 0.95,
        "{report}"
    );
    assert!(s.destructive.recall() >= 0.9, "{report}");
    assert!(s.destructive.fp <= 2, "{report}");
    assert!(s.shadowing.recall() >= 0.8, "{report}");
    assert!(s.shadowing.fp == 0, "{report}");
    assert!(s.injection.recall() >= 0.85, "{report}");
    assert!(s.injection.fp <= 2, "{report}");
}
