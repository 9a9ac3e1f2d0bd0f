fn main() {
    // Link `warden` as a fixed-address executable on Linux: a PIE must apply
    // ~25k relative relocations and copy-on-write ~110 pages of
    // .data.rel.ro at every start, which is a third of `warden hook`'s budget.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
