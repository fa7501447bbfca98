//! Files the tool writes: diagnostics and rejected rows, with formula neutralisation.
