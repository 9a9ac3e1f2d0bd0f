//! Host probes: what is installed or running beyond config files.
use crate::Scan;

pub fn probe(_s: &mut Scan) {}
