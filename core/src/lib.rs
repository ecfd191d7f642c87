//! triagekit core.
