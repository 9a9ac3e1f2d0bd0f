fn main() {
    // Link `warden` as a fixed-address executable on Linux: a PIE must apply
    // ~25k relative relocations and copy-on-write ~110 pages of .data.rel.ro
    // at every start, ~0.25 ms of the ~1.2 ms a `warden hook` process takes
    // per tool call. The trade: the executable's own code is not randomized
    // by ASLR (libraries, heap and stack still are), as with Go's default
    // builds. Packagers who prefer a PIE build with WARDEN_PIE=1.
    println!("cargo:rerun-if-env-changed=WARDEN_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let pie = std::env::var_os("WARDEN_PIE").is_some_and(|v| v == "1");
    if os == "linux" && env == "gnu" && !pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
